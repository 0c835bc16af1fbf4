// Files both ways, end to end on every pair of channels: customers on Telegram (the Bot API
// fake with getFile and file downloads), Slack (the Web API fake with url_private) and email
// (Dovecot + SMTP sink); managers on Telegram and Slack. A customer's photo and PDF reach the
// manager as files (sendPhoto/sendDocument, Slack upload v2), the manager's file in the relay
// thread reaches the customer (Telegram document, Slack upload in their thread, email
// attachment). Real Postgres, Redis, BullMQ inbound and outbound queues (the sends take the
// per-chat clocks: the Bot API fake refuses a second message to a chat within a second).
// The same runs against the S3-compatible store (s3rver). Also: a file over the bot's download
// limit and a file over the manager's channel limit are said to the manager with a way to get
// it (a signed link, fetched here), a redelivered update fetches nothing again, and erasing the
// contact erases their files.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { testDb, uniqueSlug } from '../support/db.js';
import { waitFor } from '../support/wait.js';
import { LimitedBotApi, type AcceptedMessage } from '../support/limited-bot-api.js';
import { FakeSlack } from '../support/fake-slack.js';
import { dovecotAvailable, dovecotMissing } from '../support/dovecot.js';
import { watchedMailbox, type WatchedMailbox } from '../support/watched-mailbox.js';
import { localS3, makePdf, makePng, tempDiskStore } from '../support/files.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import { homeLoader } from '../../core/chat/member-home.js';
import { eraseContact } from '../../core/contacts/erase-contact.js';
import type { ChatFiles, FileStore } from '../../core/files/file-store.js';
import { queueSettings } from '../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../connectors/queue/workers.js';
import { InboundQueue } from '../../connectors/queue/inbound-queue.js';
import { SmtpEmailSender } from '../../connectors/email/smtp-sender.js';
import { signFileLink } from '../../connectors/files/file-links.js';
import { createLogger } from '../../connectors/logger.js';
import { startChatWorker, type ChatWorker } from '../../bots/chat-runtime.js';
import { createTelegramApi } from '../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { TelegramIntake } from '../../bots/telegram/telegram-intake.js';
import { updateToInbound } from '../../bots/telegram/telegram-update.js';
import { handleInbound } from '../../core/chat/handle-inbound.js';
import { TelegramFileSource } from '../../bots/telegram/telegram-files.js';
import { createSlackTransport, type SlackTransport } from '../../bots/slack/slack-app.js';
import { SlackFileSource } from '../../bots/slack/slack-files.js';
import { createSlackClient } from '../../bots/slack/slack-sender.js';
import { startHttpServer, type RunningHttpServer } from '../../bots/http/server.js';
import { fileLinkRoute } from '../../bots/http/routes/files.js';

type CustomerChannel = 'telegram' | 'slack' | 'email';
type ManagerChannel = 'telegram' | 'slack';

const SECRET = 'files-e2e-signing-secret';
const LINK_SECRET = 'files-e2e-link-secret-0123456789';
const KB = 1024;
/** what the manager's Telegram takes here (small, so a 150 KB file is "too large" without moving megabytes) */
const TELEGRAM_UPLOAD_MAX = 100 * KB;
/** what a bot may download from Telegram here (the fake refuses larger in getFile, as Telegram does over 20 MB) */
const TELEGRAM_DOWNLOAD_MAX = 64 * KB;

if (!dovecotAvailable) console.warn(`files end-to-end: the email pairs are skipped: ${dovecotMissing}`);

interface Stack {
  db: ReturnType<typeof testDb>;
  workspaceId: number;
  store: FileStore;
  tg: LimitedBotApi;
  intake: TelegramIntake;
  fake: FakeSlack;
  slackBase: string;
  /** the watched sales mailbox (none when Dovecot is missing: the email pairs are skipped) */
  mail?: WatchedMailbox;
  workers: RunningWorkers;
  chat: ChatWorker;
  links: RunningHttpServer;
  managers: Record<ManagerChannel, { userId: number; chatId: string }>;
  /** the shared channel customers write in (ids differ per stack: NotificationRef is unique across workspaces) */
  shared: string;
  files: ChatFiles;
  settings: ReturnType<typeof queueSettings>;
  close(): Promise<void>;
}

let seq = 0;
const uid = () => `${Date.now() % 1_000_000}${++seq}`;

async function openStack(storeKind: 'disk' | 's3'): Promise<Stack> {
  const db = testDb();
  const cleanups: Array<() => Promise<unknown>> = [];
  const logger = createLogger(process.env.E2E_LOG ?? 'silent');
  const settings = queueSettings(inject('redisUrl'), `files-${randomUUID().slice(0, 8)}`);
  const ws = await ensureWorkspace(db, uniqueSlug('files'), { timezone: 'UTC', locale: 'en' });
  const opened = storeKind === 's3' ? await localS3() : await tempDiskStore();
  cleanups.push(() => opened.close());
  const store = opened.store;

  // Telegram: the strict Bot API fake
  const tg = await new LimitedBotApi().start();
  cleanups.push(() => tg.close());
  tg.maxDownloadBytes = TELEGRAM_DOWNLOAD_MAX;
  const token = `${Math.floor(Math.random() * 1e9) + 1000}:FILES${randomUUID().replace(/-/g, '')}`;
  const api = createTelegramApi({ token, apiRoot: tg.apiRoot });

  // Slack: the Web API fake, events posted signed to the real receiver
  const fake = await new FakeSlack().start();
  cleanups.push(() => fake.close());
  const inbound = new InboundQueue(settings);
  cleanups.push(() => inbound.close());
  const transport: SlackTransport = createSlackTransport({
    botToken: fake.token,
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    home: homeLoader(dbContext(db), ws.id, 'slack'),
    workspaceId: ws.id,
    submit: (m) => inbound.enqueue(m),
    logger,
  });
  const server: Server = createServer(transport.requestListener!);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  const slackBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // the signed-link route of the web role
  const links = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [fileLinkRoute({ store, secret: LINK_SECRET })], logger });
  cleanups.push(() => links.close());

  const files: ChatFiles = {
    store,
    sources: {
      telegram: new TelegramFileSource(api, token, tg.apiRoot),
      slack: new SlackFileSource(createSlackClient(fake.token, { apiUrl: fake.apiUrl }), fake.token),
    },
    limits: {
      storeMaxBytes: 5 * 1024 * KB,
      downloadMaxBytes: { telegram: TELEGRAM_DOWNLOAD_MAX, slack: 5 * 1024 * KB, email: 5 * 1024 * KB },
      uploadMaxBytes: { telegram: TELEGRAM_UPLOAD_MAX, slack: 1000 * 1024 * KB, email: 1024 * KB },
    },
    link: (key, name) => signFileLink({ baseUrl: links.url, secret: LINK_SECRET, ttlMs: 3600_000 }, key, name),
  };
  const workers = await startWorkers({
    ctx: dbContext(db),
    settings,
    senders: { telegram: new TelegramSender(api), slack: transport.sender, email: new SmtpEmailSender(db) },
    files: store,
    logger,
    reconcile: false,
  });
  cleanups.push(() => workers.close());
  const chat = startChatWorker({ db, settings, workspaceId: ws.id, outbox: workers.outbox, scheduler: workers.scheduler, logger, concurrency: 4, files });
  cleanups.push(() => chat.close());
  const intake = new TelegramIntake(api, inbound, { workspaceId: ws.id });

  // email: Dovecot in (IMAP IDLE), an SMTP sink out; its attachments go to the file store
  const mail = dovecotAvailable ? await watchedMailbox({ db, ws, logger, inbound, onClose: (stop) => void cleanups.push(stop) }, { files: store }) : undefined;
  if (mail) await waitFor(async () => mail.watcher.idling, 'the watcher to IDLE', 10_000, 25);

  // the managers: one on Telegram, one on Slack (linked in the database)
  const tgManagerChat = String(5_000_000 + Math.floor(Math.random() * 1_000_000));
  const tgManager = await db.user.create({ data: { workspaceId: ws.id, name: 'Tanya', role: 'manager', locale: 'en', onDuty: false } });
  await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: tgManagerChat, chatId: tgManagerChat, userId: tgManager.id } });
  const slackManager = await db.user.create({ data: { workspaceId: ws.id, name: 'Sam', role: 'manager', locale: 'en', onDuty: false } });
  fake.addUser({ id: 'UMGR', team_id: fake.teamId, name: 'sam', real_name: 'Sam Manager', locale: 'en-US' });
  const dm = `DMGR${uid()}`;
  const shared = `CSHARED${uid()}`;
  fake.addChannel({ id: dm, is_im: true, user: 'UMGR' });
  fake.addChannel({ id: shared, name: 'acme-shared', is_shared: true, is_ext_shared: true });
  await db.identity.create({ data: { workspaceId: ws.id, channel: 'slack', externalId: `${fake.teamId}:UMGR`, chatId: dm, userId: slackManager.id } });

  return {
    db,
    workspaceId: ws.id,
    store,
    tg,
    intake,
    fake,
    slackBase,
    mail,
    workers,
    chat,
    links,
    managers: { telegram: { userId: tgManager.id, chatId: tgManagerChat }, slack: { userId: slackManager.id, chatId: dm } },
    shared,
    files,
    settings,
    async close() {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    },
  };
}

// ---- what people do on each platform -------------------------------------------------------

function tgMessage(s: Stack, fromId: string, extra: Record<string, unknown>): Update {
  const id = Number(uid());
  return {
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(fromId), type: 'private', first_name: `User ${fromId}` },
      from: { id: Number(fromId), is_bot: false, first_name: `User ${fromId}`, language_code: 'en' },
      ...extra,
    },
  } as unknown as Update;
}

function tgPhoto(s: Stack, bytes: Buffer) {
  const f = s.tg.addFile(bytes, 'photo.png');
  return { photo: [{ ...f, width: 24, height: 24 }] };
}

function tgDocument(s: Stack, bytes: Buffer, name: string, mime = 'application/pdf', withSize = true) {
  const f = s.tg.addFile(bytes, name);
  return {
    document: { file_id: f.file_id, file_unique_id: f.file_unique_id, file_name: name, mime_type: mime, ...(withSize ? { file_size: f.file_size } : {}) },
  };
}

async function postSlackEvent(s: Stack, event: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({
    token: 'x',
    team_id: s.fake.teamId,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${uid()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(`${s.slackBase}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': 'v0=' + createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex'),
    },
    body,
  });
  expect(res.status).toBe(200);
}

function slackTs(): string {
  return `${1_800_000_000 + Number(uid())}.${String(seq).padStart(6, '0')}`;
}

function slackFiles(s: Stack, files: Array<{ bytes: Buffer; name: string; mimetype: string }>) {
  return files.map((f) => {
    const id = `F${uid()}`;
    const described = s.fake.addDownload({ id, name: f.name, mimetype: f.mimetype }, f.bytes);
    return { id, name: f.name, title: f.name, mimetype: f.mimetype, size: f.bytes.length, url_private: described.url_private, mode: 'hosted' };
  });
}

function mimeMail(from: string, subject: string, text: string, files: Array<{ bytes: Buffer; name: string; type: string }>): string {
  const boundary = `b-${randomUUID()}`;
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`,
    ...files.map(
      (f) =>
        `--${boundary}\r\nContent-Type: ${f.type}; name="${f.name}"\r\nContent-Disposition: attachment; filename="${f.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${f.bytes
          .toString('base64')
          .replace(/.{76}/g, '$&\r\n')}\r\n`,
    ),
  ];
  return [
    `From: Customer <${from}>`,
    'To: Sales <sales@leadline.test>',
    `Subject: ${subject}`,
    `Message-ID: <${randomUUID()}@customer.example>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    ...parts,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

// ---- what the manager and the customer received ---------------------------------------------

/** Telegram sends to `chatId` that carried these exact bytes. */
function tgSentFile(s: Stack, chatId: string, bytes: Buffer): AcceptedMessage | undefined {
  return s.tg.to(chatId).find((m) => m.files.some((f) => f.bytes.equals(bytes)));
}

/** A completed Slack upload into `channel` whose bytes are these. */
function slackUploaded(s: Stack, channel: string, bytes: Buffer, threadTs?: string): boolean {
  return s.fake
    .callsTo('files.completeUploadExternal')
    .some(
      (c) =>
        c.params.channel_id === channel &&
        (threadTs === undefined || c.params.thread_ts === threadTs) &&
        ((c.params.files as Array<{ id: string }>) ?? []).some((f) => s.fake.uploadHolds(f.id, bytes)),
    );
}

async function managerHasFile(s: Stack, manager: ManagerChannel, bytes: Buffer, what: string): Promise<void> {
  if (manager === 'telegram') await waitFor(() => tgSentFile(s, s.managers.telegram.chatId, bytes), `${what} on the manager's Telegram`, 30_000);
  else await waitFor(() => slackUploaded(s, s.managers.slack.chatId, bytes), `${what} uploaded to the manager's Slack DM`, 30_000);
}

/** The customer, on their channel, writes with a photo and a PDF; resolves to their lead. */
async function customerSendsFiles(s: Stack, customer: CustomerChannel, png: Buffer, pdf: Buffer, tag: string) {
  if (customer === 'telegram') {
    const chatId = String(9_000_000 + Number(uid()));
    await s.intake.handleUpdate(tgMessage(s, chatId, { caption: `Room photo ${tag}`, ...tgPhoto(s, png) }));
    const lead = await waitFor(
      () => s.db.lead.findFirst({ where: { workspaceId: s.workspaceId, firstMessage: { contains: tag } } }),
      'the Telegram lead',
      30_000,
    );
    await s.intake.handleUpdate(tgMessage(s, chatId, { caption: 'and the spec', ...tgDocument(s, pdf, `spec-${tag}.pdf`) }));
    return { lead, reach: { telegram: chatId } };
  }
  if (customer === 'slack') {
    const user = `UC${uid()}`;
    s.fake.addUser({ id: user, team_id: 'TCUSTOMER', name: `c${user}`, real_name: `Customer ${user}`, locale: 'en-US' });
    const ts = slackTs();
    await postSlackEvent(s, {
      type: 'message',
      subtype: 'file_share',
      channel: s.shared,
      channel_type: 'channel',
      user,
      user_team: 'TCUSTOMER',
      text: `Room photo and spec ${tag}`,
      ts,
      files: slackFiles(s, [
        { bytes: png, name: 'room.png', mimetype: 'image/png' },
        { bytes: pdf, name: `spec-${tag}.pdf`, mimetype: 'application/pdf' },
      ]),
    });
    const lead = await waitFor(() => s.db.lead.findFirst({ where: { workspaceId: s.workspaceId, firstMessage: { contains: tag } } }), 'the Slack lead', 30_000);
    return { lead, reach: { slack: ts } };
  }
  const address = `buyer-${tag}@customer.example`;
  await s.mail!.dovecot.deliver(
    mimeMail(address, `Offer request ${tag}`, `Hello, the room photo and the spec are attached. ${tag}`, [
      { bytes: png, name: 'room.png', type: 'image/png' },
      { bytes: pdf, name: `spec-${tag}.pdf`, type: 'application/pdf' },
    ]),
    s.mail!.folder,
  );
  const lead = await waitFor(() => s.db.lead.findFirst({ where: { workspaceId: s.workspaceId, firstMessage: { contains: tag } } }), 'the email lead', 30_000);
  return { lead, reach: { email: address } };
}

/** The manager answers in the lead's relay thread with a file (and a caption). */
async function managerSendsFile(s: Stack, manager: ManagerChannel, leadId: number, doc: Buffer, name: string, caption: string) {
  const ref = await waitFor(
    async () =>
      (await s.db.notificationRef.findMany({ where: { workspaceId: s.workspaceId, leadId, channel: manager }, orderBy: { id: 'asc' } })).find(
        (r) => !r.externalMessageId.includes(':file:'),
      ),
    "the lead's notification",
  );
  if (manager === 'telegram') {
    const chatId = s.managers.telegram.chatId;
    await s.intake.handleUpdate(
      tgMessage(s, chatId, {
        caption,
        ...tgDocument(s, doc, name),
        reply_to_message: {
          message_id: Number(ref.externalMessageId),
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(chatId), type: 'private' },
          text: 'x',
        },
      }),
    );
  } else {
    await postSlackEvent(s, {
      type: 'message',
      subtype: 'file_share',
      channel: s.managers.slack.chatId,
      channel_type: 'im',
      user: 'UMGR',
      team: s.fake.teamId,
      text: caption,
      ts: slackTs(),
      thread_ts: ref.externalMessageId.split(':')[1],
      files: slackFiles(s, [{ bytes: doc, name, mimetype: 'application/pdf' }]),
    });
  }
}

async function customerHasFile(s: Stack, reach: { telegram?: string; slack?: string; email?: string }, doc: Buffer, name: string, caption: string) {
  if (reach.telegram) {
    const sent = await waitFor(() => tgSentFile(s, reach.telegram!, doc), "the manager's file on the customer's Telegram", 30_000);
    expect(sent.method).toBe('sendDocument');
    expect(sent.files[0]!.filename).toBe(name);
    expect(sent.text).toBe(caption);
  } else if (reach.slack) {
    await waitFor(() => slackUploaded(s, s.shared, doc, reach.slack), "the manager's file in the customer's Slack thread", 30_000);
    const upload = s.fake.callsTo('files.completeUploadExternal').find((c) => c.params.channel_id === s.shared && c.params.thread_ts === reach.slack)!;
    expect(upload.params.initial_comment).toBe(caption);
  } else {
    const mail = await waitFor(
      () => s.mail!.smtp.sent.find((m) => m.to && 'value' in m.to && m.to.value[0]?.address === reach.email && m.attachments.length > 0),
      "the manager's file attached to an email",
      30_000,
    );
    expect(mail.text).toContain(caption);
    expect(mail.attachments.map((a) => a.filename)).toEqual([name]);
    expect(Buffer.from(mail.attachments[0]!.content).equals(doc)).toBe(true);
  }
}

async function onDuty(s: Stack, manager: ManagerChannel) {
  await s.db.user.updateMany({ where: { workspaceId: s.workspaceId }, data: { onDuty: false } });
  await s.db.user.update({ where: { id: s.managers[manager].userId }, data: { onDuty: true } });
}

async function pair(s: Stack, customer: CustomerChannel, manager: ManagerChannel) {
  await onDuty(s, manager);
  const tag = `t${uid()}`;
  const png = makePng(24);
  const pdf = makePdf(`Spec ${tag}`, 6 * KB);
  const { lead, reach } = await customerSendsFiles(s, customer, png, pdf, tag);
  expect(lead.assigneeId).toBe(s.managers[manager].userId);
  await managerHasFile(s, manager, png, 'the photo');
  await managerHasFile(s, manager, pdf, 'the PDF');
  if (manager === 'telegram' && customer !== 'email') {
    // a photo goes as a photo; email attachments are documents
    expect(tgSentFile(s, s.managers.telegram.chatId, png)!.method).toBe('sendPhoto');
  }
  // both files are kept, with the customer's message
  const inbound = await s.db.message.findMany({ where: { workspaceId: s.workspaceId, conversationId: lead.conversationId!, direction: 'inbound' } });
  const keys = inbound.flatMap((m) => (m.attachments as Array<{ storageKey?: string }>).map((a) => a.storageKey));
  expect(keys).toHaveLength(2);
  for (const k of keys) expect(await s.store.has(k!)).toBe(true);

  const doc = makePdf(`Offer ${tag}`, 4 * KB);
  const name = `offer-${tag}.pdf`;
  await managerSendsFile(s, manager, lead.id, doc, name, `Our offer ${tag}`);
  await customerHasFile(s, reach, doc, name, `Our offer ${tag}`);
  const out = await waitFor(
    () =>
      s.db.message.findFirst({ where: { workspaceId: s.workspaceId, conversationId: lead.conversationId!, direction: 'outbound', deliveryStatus: 'sent' } }),
    'the outbound message marked sent',
  );
  expect((out.attachments as Array<{ name?: string }>).map((a) => a.name)).toEqual([name]);
  return { lead, reach, tag };
}

const customers: CustomerChannel[] = ['telegram', 'slack', 'email'];
const managers: ManagerChannel[] = ['telegram', 'slack'];

describe('files both ways on every pair of channels (disk store)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await openStack('disk');
  }, 60_000);
  afterAll(() => s?.close());

  for (const manager of managers) {
    for (const customer of customers) {
      it.skipIf(customer === 'email' && !dovecotAvailable)(
        `customer on ${customer}, manager on ${manager}`,
        async () => {
          await pair(s, customer, manager);
        },
        90_000,
      );
    }
  }

  it("a file over the bot's download limit is said to the manager, with what to ask the customer", async () => {
    await onDuty(s, 'telegram');
    const tag = `t${uid()}`;
    const chatId = String(9_000_000 + Number(uid()));
    // no file_size in the update: getFile itself refuses it ("file is too big"), as Telegram does
    const big = makePdf(`Big ${tag}`, TELEGRAM_DOWNLOAD_MAX + 10 * KB);
    await s.intake.handleUpdate(tgMessage(s, chatId, { caption: `Drawings ${tag}`, ...tgDocument(s, big, 'drawings.pdf', 'application/pdf', false) }));
    const notice = await waitFor(() => s.tg.to(s.managers.telegram.chatId).find((m) => m.text.includes(`Drawings ${tag}`)), 'the new-lead notice', 30_000);
    expect(notice.text).toContain('Not attached: document «drawings.pdf»');
    expect(notice.text).toContain('A bot may download at most 64 KB from Telegram: ask the customer to send it another way');
    expect(tgSentFile(s, s.managers.telegram.chatId, big)).toBeUndefined();
    const lead = await s.db.lead.findFirstOrThrow({ where: { workspaceId: s.workspaceId, firstMessage: { contains: tag } } });
    const stored = await s.db.message.findFirstOrThrow({ where: { conversationId: lead.conversationId!, direction: 'inbound' } });
    expect(stored.attachments).toEqual([expect.objectContaining({ kind: 'document', name: 'drawings.pdf', unavailable: 'too_large' })]);
  }, 60_000);

  it.skipIf(!dovecotAvailable)(
    "a file over the manager's channel limit comes as a signed link that downloads it",
    async () => {
      await onDuty(s, 'telegram');
      const tag = `t${uid()}`;
      const big = makePdf(`Catalogue ${tag}`, TELEGRAM_UPLOAD_MAX + 50 * KB);
      await s.mail!.dovecot.deliver(
        mimeMail(`big-${tag}@customer.example`, `Catalogue ${tag}`, `Our catalogue ${tag}`, [{ bytes: big, name: 'catalogue.pdf', type: 'application/pdf' }]),
        s.mail!.folder,
      );
      const notice = await waitFor(
        () => s.tg.to(s.managers.telegram.chatId).find((m) => m.text.includes(`Our catalogue ${tag}`)),
        'the new-lead notice',
        30_000,
      );
      expect(notice.text).toMatch(/Not attached: file «catalogue\.pdf» \(150 KB\)\. Telegram takes files up to 100 KB\. Download it: http/);
      expect(tgSentFile(s, s.managers.telegram.chatId, big)).toBeUndefined();
      // the text went in Telegram's HTML mode: "&" as "&amp;"
      const link = /Download it: (\S+)/.exec(notice.text)![1]!.replace(/&amp;/g, '&');
      const res = await fetch(link);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="catalogue.pdf"');
      expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
      // a tampered link is refused
      expect((await fetch(link.replace(/sig=[^&]+/, 'sig=AAAA'))).status).toBe(403);
    },
    60_000,
  );

  it("an album's items, handled by two chat workers, reach the manager as one media group; a late item on its own", async () => {
    await onDuty(s, 'telegram');
    // a second chat worker on the same queues: the album's state is in Redis and Postgres only
    const second = startChatWorker({ db: s.db, settings: s.settings, workspaceId: s.workspaceId, outbox: s.workers.outbox, concurrency: 4, files: s.files });
    try {
      const tag = `t${uid()}`;
      const chatId = String(9_000_000 + Number(uid()));
      const album = `1254${uid()}`;
      const photos = [makePng(10), makePng(12), makePng(14)];
      const mgr = s.managers.telegram.chatId;
      await Promise.all(
        photos.map((p, i) =>
          s.intake.handleUpdate(tgMessage(s, chatId, { media_group_id: album, ...(i === 0 ? { caption: `Album ${tag}` } : {}), ...tgPhoto(s, p) })),
        ),
      );
      const group = await waitFor(
        () => s.tg.to(mgr).find((m) => m.method === 'sendMediaGroup' && m.files.some((f) => f.bytes.equals(photos[0]!))),
        'the album as one media group',
        30_000,
      );
      expect(group.files).toHaveLength(3);
      for (const p of photos) expect(group.files.filter((f) => f.bytes.equals(p))).toHaveLength(1);
      expect(group.text).toContain(`Album ${tag}`);
      // the new lead's notice came too, without the files (they are the album's)
      // (whichever item came first made the lead)
      const captioned = await s.db.message.findFirstOrThrow({ where: { workspaceId: s.workspaceId, text: `Album ${tag}` } });
      const lead = await s.db.lead.findFirstOrThrow({ where: { workspaceId: s.workspaceId, conversationId: captioned.conversationId } });
      expect(s.tg.to(mgr).some((m) => m.text.includes(`New lead #${lead.id}`))).toBe(true);

      // an item after the album went: forwarded on its own
      const late = makePng(9);
      await s.intake.handleUpdate(tgMessage(s, chatId, { media_group_id: album, ...tgPhoto(s, late) }));
      const alone = await waitFor(() => tgSentFile(s, mgr, late), 'the late item on its own', 30_000);
      expect(alone.method).toBe('sendPhoto');
      // and nothing else carried the album's photos (a sentinel forwarded last shows everything went)
      const sentinel = `sentinel ${uid()}`;
      await s.intake.handleUpdate(tgMessage(s, chatId, { text: sentinel }));
      await waitFor(() => s.tg.to(mgr).find((m) => m.text.includes(sentinel)), 'the sentinel forwarded', 30_000);
      const carrying = s.tg.to(mgr).filter((m) => m.files.some((f) => photos.some((p) => f.bytes.equals(p))));
      expect(carrying.map((m) => m.method)).toEqual(['sendMediaGroup']);
    } finally {
      await second.close();
    }
  }, 90_000);

  it('a redelivered update fetches nothing again; erasing the contact erases their files and the answer sent them', async () => {
    const { lead, reach } = await pair(s, 'telegram', 'telegram');
    const messages = await s.db.message.findMany({ where: { conversationId: lead.conversationId! } });
    const keys = messages.flatMap((m) => (m.attachments as Array<{ storageKey?: string }>).map((a) => a.storageKey!));
    expect(keys.length).toBe(3); // photo, PDF, the manager's offer
    // a new photo is fetched once; the same platform message handled again (a redelivery that
    // got past the queue's job id) finds it stored and fetches nothing
    const calls = s.tg.getFileCalls;
    const againPng = makePng(8);
    const again = tgMessage(s, reach.telegram!, { caption: `again ${uid()}`, ...tgPhoto(s, againPng) });
    await s.intake.handleUpdate(again);
    await waitFor(() => tgSentFile(s, s.managers.telegram.chatId, againPng), 'the new photo forwarded', 30_000);
    expect(s.tg.getFileCalls).toBe(calls + 1);
    const redelivered = updateToInbound(again, s.intake.botId, s.workspaceId)!;
    await handleInbound(s.chat.deps, { ...redelivered, dedupeKey: `${redelivered.dedupeKey}:again` });
    expect(s.tg.getFileCalls).toBe(calls + 1);

    const result = await eraseContact(dbContext(s.db), systemActor({ id: s.workspaceId, locale: 'en', timezone: 'UTC' }), lead.contactId, { files: s.store });
    expect(result.files).toBe(4);
    for (const k of keys) expect(await s.store.has(k)).toBe(false);
  }, 120_000);
});

describe('files both ways against the S3-compatible store (s3rver)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await openStack('s3');
  }, 60_000);
  afterAll(() => s?.close());

  it('customer on Telegram, manager on Telegram', async () => {
    await pair(s, 'telegram', 'telegram');
  }, 90_000);

  it('customer on Slack, manager on Slack', async () => {
    await pair(s, 'slack', 'slack');
  }, 90_000);

  it.skipIf(!dovecotAvailable)(
    'customer on email, manager on Slack',
    async () => {
      await pair(s, 'email', 'slack');
    },
    90_000,
  );
});
