// The email loop end to end, as production wires it: a customer's mail arrives in a real
// Dovecot mailbox, the watcher (IDLE) hands it to the inbound queue, the chat engine makes a
// lead and the manager gets it on Telegram (Bot API emulator); the manager replies to that
// notification and the answer leaves over SMTP (a local sink), threaded to the customer's mail.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb, uniqueSlug } from '../support/db.js';
import { freePort, waitFor } from '../support/wait.js';
import { startDovecot, dovecotAvailable, dovecotMissing } from '../support/dovecot.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { TelegramServer, type BotMessage } from '../support/telegram-emulator.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { addUser } from '../../core/users/index.js';
import { coreContext } from '../../core/context.js';
import { systemActor } from '../../core/actor.js';
import { queueSettings } from '../../connectors/queue/connection.js';
import { startWorkers } from '../../connectors/queue/workers.js';
import { InboundQueue } from '../../connectors/queue/inbound-queue.js';
import { MailboxWatcher, dedupeKeyFor } from '../../connectors/email/mailbox-watcher.js';
import { ingestRawEmail } from '../../connectors/email/email-intake.js';
import { SmtpEmailSender } from '../../connectors/email/smtp-sender.js';
import { startChatWorker } from '../../bots/chat-runtime.js';
import { createTelegramApi } from '../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { TelegramIntake } from '../../bots/telegram/telegram-intake.js';
import { startPolling } from '../../bots/telegram/telegram-polling.js';
import { createLogger } from '../../connectors/logger.js';
import { testPrefix } from '../support/redis-keys.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

if (!dovecotAvailable) console.warn(`email + Telegram end-to-end test skipped: ${dovecotMissing}`);

describe.skipIf(!dovecotAvailable)('email lead to a Telegram manager and back over SMTP', () => {
  it('a customer email becomes a lead on Telegram; the reply leaves threaded over SMTP', async () => {
    const db = testDb();
    const redisUrl = inject('redisUrl');
    const settings = queueSettings(redisUrl, testPrefix('e2e-mail'));
    const logger = createLogger(process.env.E2E_LOG ?? 'silent');
    const ws = await ensureWorkspace(db, uniqueSlug('mail'), { timezone: 'Europe/Moscow', locale: 'en' });
    const { user: manager, inviteCode } = await addUser(coreContext(db), systemActor(ws), { name: 'Mary', role: 'manager', locale: 'en' });

    // the SMTP sink that captures what Leadline sends
    const smtp = await startSmtpSink();
    cleanups.push(() => smtp.close());

    // the real IMAP server, with a folder of this test's own
    const dovecot = await startDovecot();
    cleanups.push(() => dovecot.stop());
    const folder = `E2E${randomUUID().slice(0, 8)}`;
    await dovecot.createFolder(folder);
    const mailbox = await db.mailbox.create({
      data: {
        workspaceId: ws.id,
        name: 'sales',
        folder,
        imapUrl: dovecot.imapUrl,
        smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
        fromAddress: 'Sales <sales@leadline.test>',
      },
    });

    // Telegram through the Bot API emulator
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 120 });
    await server.start();
    cleanups.push(() => server.stop());
    const token = `${Math.floor(Math.random() * 1e9) + 1000}:MAIL${randomUUID().replace(/-/g, '')}`;
    const api = createTelegramApi({ token, apiRoot: server.config.apiURL });

    // the production pieces: outbound workers with Telegram and SMTP senders, inbound queue, chat worker, watcher
    const senders = { telegram: new TelegramSender(api), email: new SmtpEmailSender(db) };
    const workers = await startWorkers({ ctx: coreContext(db), settings, senders, logger, reconcile: false });
    cleanups.push(() => workers.close());
    const inbound = new InboundQueue(settings);
    cleanups.push(() => inbound.close());
    const chat = startChatWorker({
      db,
      settings,
      workspaceId: ws.id,
      outbox: workers.outbox,
      scheduler: workers.scheduler,
      logger,
      concurrency: 4,
    });
    cleanups.push(() => chat.close());
    const poller = startPolling({ api, intake: new TelegramIntake(api, inbound, { workspaceId: ws.id }), idleBackoffMs: 100, logger });
    cleanups.push(() => poller.stop());
    const watcher = new MailboxWatcher({
      db,
      mailboxId: mailbox.id,
      pollIntervalMs: 60_000, // IDLE does the work
      logger,
      handle: async (m) => {
        await ingestRawEmail(
          { db, limits: { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 }, deliver: (msg) => inbound.enqueue(msg) },
          { workspaceId: m.workspaceId, mailboxId: m.mailboxId, dedupeKey: dedupeKeyFor(m), receivedAt: m.internalDate ?? new Date() },
          m.source,
        );
      },
    });
    await watcher.start();
    cleanups.push(() => watcher.stop());

    // the manager links Telegram
    const managerChat = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    const managerClient = server.getClient(token, {
      userId: managerChat,
      chatId: managerChat,
      firstName: 'Mary',
      userName: 'mary',
      timeout: 15_000,
      interval: 100,
    });
    const from = { id: managerChat, first_name: 'Mary', is_bot: false, language_code: 'en' };
    const botMessages = async () => (await managerClient.getUpdates()).result as unknown as BotMessage[];
    await managerClient.sendMessage(managerClient.makeMessage(`/start ${inviteCode}`, { from } as never));
    expect((await botMessages())[0]!.message.text).toContain('Welcome');

    // a customer writes to the sales mailbox
    const tag = randomUUID().slice(0, 8);
    const customer = `olga-${tag}@northwind-${tag}.example`;
    const messageId = `req-${tag}@northwind.example`;
    await waitFor(async () => watcher.idling, 'the watcher to IDLE', 10_000, 25);
    await dovecot.deliver(
      [
        `From: Olga Petrova <${customer}>`,
        'To: Sales <sales@leadline.test>',
        'Subject: Quote for 40 desks',
        `Message-ID: <${messageId}>`,
        `Date: ${new Date().toUTCString()}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello, could you send a quote for 40 standing desks delivered to Kazan?',
        '',
        '--',
        'Olga Petrova',
        '',
      ].join('\r\n'),
      folder,
    );

    const lead = await waitFor(
      () => db.lead.findFirst({ where: { workspaceId: ws.id, source: 'email' }, include: { contact: { include: { emails: true } } } }),
      'the email lead',
    );
    expect(lead.assigneeId).toBe(manager.id);
    expect(lead.contact.name).toBe('Olga Petrova');
    expect(lead.contact.emails.map((e) => e.email)).toEqual([customer]);

    const notification = (await botMessages())[0]!;
    expect(notification.message.text).toContain(`New lead #${lead.id}`);
    expect(notification.message.text).toContain('40 standing desks');
    expect(notification.message.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data)).toContain(`lead:reply:${lead.id}`);

    // the manager answers by replying to the notification on Telegram
    const answer = 'Hello Olga, the quote for 40 desks is attached to our next mail today.';
    await managerClient.sendMessage(
      managerClient.makeMessage(answer, {
        from,
        reply_to_message: {
          message_id: notification.messageId,
          chat: { id: managerChat, type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text: notification.message.text,
        },
      } as never),
    );

    const reply = await waitFor(async () => smtp.sent.find((m) => m.text?.includes('quote for 40 desks is attached')), 'the reply in the SMTP sink');
    expect(reply.to && 'value' in reply.to ? reply.to.value.map((a) => a.address) : []).toEqual([customer]);
    expect(reply.from?.value[0]?.address).toBe('sales@leadline.test');
    expect(reply.subject).toBe('Re: Quote for 40 desks');
    expect(reply.inReplyTo).toBe(`<${messageId}>`);
    expect(String(reply.references)).toContain(`<${messageId}>`);

    const stored = await waitFor(
      () => db.message.findFirst({ where: { workspaceId: ws.id, direction: 'outbound', channel: 'email', deliveryStatus: 'sent' } }),
      'the outbound email marked sent',
    );
    expect(stored.text).toBe(answer);
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).firstResponseAt).not.toBeNull();
  }, 90_000);
});
