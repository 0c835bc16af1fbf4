// The mailbox loop against a real Dovecot and an SMTP sink: a customer's mail arriving during
// IDLE becomes a lead for the manager within 2 s, the manager's answer leaves threaded, the
// customer's answer lands in the same conversation, a bounce marks the address undeliverable,
// and restarts or a UIDVALIDITY change neither lose nor repeat mail.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { chatFixture, nextId } from '../chat/chat-fixture.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import { startDovecot, dovecotAvailable, dovecotMissing, type DovecotServer } from '../../support/dovecot.js';
import { MailboxWatcher, dedupeKeyFor } from '../../../connectors/email/mailbox-watcher.js';
import { ingestRawEmail } from '../../../connectors/email/email-intake.js';
import { SmtpEmailSender } from '../../../connectors/email/smtp-sender.js';
import { startMailboxWatchers } from '../../../connectors/email/mailbox-watchers.js';
import type { InboundMessageInput } from '../../../core/chat/inbound.js';
import { handleInbound } from '../../../core/chat/handle-inbound.js';
import { parseInboundMessage } from '../../../core/chat/inbound.js';
import { deliverOutboxItem } from '../../../core/outbound/deliver.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { deliveryLedger } from '../../../connectors/db/delivery-ledger.js';
import { testPrefix } from '../../support/redis-keys.js';

if (!dovecotAvailable) console.warn(`mailbox watcher tests skipped: ${dovecotMissing}`);

describe.skipIf(!dovecotAvailable)('mailbox watcher on Dovecot', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpSink;

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpSink();
  });

  afterAll(async () => {
    await smtp?.close();
    await dovecot?.stop();
  });

  async function setup() {
    const f = await chatFixture('en');
    // each test watches a folder of its own
    const folder = `T${randomUUID().slice(0, 8)}`;
    await dovecot.createFolder(folder);
    const deliver = (raw: string) => dovecot.deliver(raw, folder);
    const mailbox = await f.db.mailbox.create({
      data: {
        workspaceId: f.ws.id,
        name: 'sales',
        folder,
        imapUrl: dovecot.imapUrl,
        smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
        fromAddress: 'Sales <sales@leadline.test>',
      },
    });
    const handled: string[] = [];
    const watcher = () =>
      new MailboxWatcher({
        db: f.db,
        mailboxId: mailbox.id,
        pollIntervalMs: 60_000, // IDLE must do the work
        handle: async (m) => {
          const r = await ingestRawEmail(
            {
              db: f.db,
              limits: { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 },
              deliver: async (msg) => void (await handleInbound(f.deps, parseInboundMessage(msg, new Date()))),
            },
            { workspaceId: f.ws.id, mailboxId: m.mailboxId, dedupeKey: dedupeKeyFor(m), receivedAt: m.internalDate ?? new Date() },
            m.source,
          );
          handled.push(`${r.email.kind}:${r.email.messageId}`);
        },
      });
    return { f, mailbox, handled, watcher, deliver, resetUidValidity: () => dovecot.resetUidValidity(folder) };
  }

  const mail = (o: { from: string; subject: string; body: string; id: string; inReplyTo?: string; extra?: string[] }) =>
    [
      `From: ${o.from}`,
      'To: Sales <sales@leadline.test>',
      `Subject: ${o.subject}`,
      `Message-ID: <${o.id}>`,
      `Date: ${new Date().toUTCString()}`,
      ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`, `References: <${o.inReplyTo}>`] : []),
      ...(o.extra ?? []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      o.body,
      '',
    ].join('\r\n');

  async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('turns new mail into a lead within 2 s, threads the answer, keeps the conversation, records bounces', async () => {
    const { f, mailbox, handled, watcher, deliver } = await setup();
    const tag = nextId();
    // mail already in the folder before the first start is history, not leads
    await deliver(mail({ from: `Old <old-${tag}@history.example>`, subject: 'old', body: 'from last year', id: `old-${tag}@history.example` }));

    const w = watcher();
    await w.start();
    expect(w.connected).toBe(true);
    expect(w.idle).toBe(true);

    const customer = `ann-${tag}@acme-${tag}.example`;
    const firstId = `first-${tag}@acme.example`;
    await until('IDLE', async () => w.idling);
    await deliver(
      mail({
        from: `Ann Lee <${customer}>`,
        subject: 'Quote for 12 seats',
        id: firstId,
        body: 'Hello, please send a quote.\n\nBest regards,\nAnn Lee\nAcme Tools Inc.\n+1 415 555 0100',
      }),
    );
    // the clock starts once the mail is in the mailbox
    const t0 = Date.now();
    const lead = await until('the lead', () => f.db.lead.findFirst({ where: { workspaceId: f.ws.id }, include: { contact: true } }), 5000);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(2000);
    expect(lead.source).toBe('email');
    expect(lead.assigneeId).toBe(f.manager.id);
    expect(lead.contact.name).toBe('Ann Lee');
    const pushed = f.outbox.take();
    const notify = pushed.find((p) => p.identityId === f.managerIdentity.id);
    expect(notify?.text).toContain('Hello, please send a quote.');
    expect(notify?.text).not.toContain('Best regards');
    expect(await f.db.contact.count({ where: { workspaceId: f.ws.id, emails: { some: { email: `old-${tag}@history.example` } } } })).toBe(0);

    // the manager answers; the email sender threads it to the customer's mail
    await f.asManager(`/reply ${lead.id} Hi Ann, 12 seats are $1,200 a year.`);
    const relay = f.outbox.take().find((p) => p.messageId !== undefined)!;
    expect(relay).toBeDefined();
    const sender = new SmtpEmailSender(f.db);
    const outcome = await deliverOutboxItem(dbContext(f.db), { email: sender }, relay, { ledger: deliveryLedger });
    await sender.close();
    expect(outcome.status).toBe('sent');
    const out = await until('the SMTP sink', async () => smtp.sent.find((m) => m.to && JSON.stringify(m.to).includes(customer)));
    expect(out.subject).toBe('Re: Quote for 12 seats');
    expect(out.inReplyTo).toBe(`<${firstId}>`);
    expect(out.from?.value[0]?.address).toBe('sales@leadline.test');
    expect(out.text?.trim()).toBe('Hi Ann, 12 seats are $1,200 a year.');
    const outboundId = (await f.db.message.findUniqueOrThrow({ where: { id: relay.messageId! } })).externalId!;
    expect(`<${outboundId}>`).toBe(out.messageId?.toLowerCase());

    // the customer answers that mail: same conversation, no second lead
    await deliver(
      mail({
        from: `Ann Lee <${customer}>`,
        subject: 'Re: Quote for 12 seats',
        id: `second-${tag}@acme.example`,
        inReplyTo: outboundId,
        body: 'Deal!\n\nOn Mon, Sales wrote:\n> Hi Ann',
      }),
    );
    await until('the reply', async () => handled.some((h) => h.startsWith(`reply:second-${tag}`)));
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    const messages = await f.db.message.findMany({ where: { conversationId: lead.conversationId! }, orderBy: { id: 'asc' } });
    expect(messages.map((m) => [m.direction, m.text])).toEqual([
      ['inbound', 'Hello, please send a quote.'],
      ['outbound', 'Hi Ann, 12 seats are $1,200 a year.'],
      ['inbound', 'Deal!'],
    ]);

    // a bounce for the customer's address marks it undeliverable
    await deliver(
      mail({
        from: 'MAILER-DAEMON@mx.leadline.test',
        subject: 'Undelivered Mail Returned to Sender',
        id: `bounce-${tag}@mx.leadline.test`,
        extra: ['Auto-Submitted: auto-replied', `X-Failed-Recipients: ${customer}`],
        body: `<${customer}>: 550 5.1.1 User unknown`,
      }),
    );
    await until('the bounce', () => f.db.contactEmail.findFirst({ where: { workspaceId: f.ws.id, email: customer, undeliverable: true } }));
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    await w.stop();
    await f.db.mailbox.delete({ where: { id: mailbox.id } });
  });

  it('restarts and a UIDVALIDITY change neither lose nor repeat mail', async () => {
    const { f, mailbox, handled, watcher, deliver, resetUidValidity } = await setup();
    const tag = randomUUID().slice(0, 8);
    let w = watcher();
    await w.start();
    await deliver(mail({ from: `Bob <bob-${tag}@globex.example>`, subject: 'Hi', id: `a-${tag}@globex.example`, body: 'first' }));
    await until('first mail', async () => handled.length === 1);
    await w.stop();

    // arrives while nobody watches
    await deliver(mail({ from: `Bob <bob-${tag}@globex.example>`, subject: 'Hi again', id: `b-${tag}@globex.example`, body: 'second' }));
    w = watcher();
    await w.start();
    await until('second mail', async () => handled.length === 2);
    await w.stop();
    const inbound = () => f.db.message.count({ where: { workspaceId: f.ws.id, direction: 'inbound' } });
    expect(await inbound()).toBe(2);

    // the server renumbers the folder: everything is read again, nothing is stored twice
    await resetUidValidity();
    w = watcher();
    await w.start();
    await until('the re-sync', async () => handled.length >= 4);
    await deliver(mail({ from: `Bob <bob-${tag}@globex.example>`, subject: 'Third', id: `c-${tag}@globex.example`, body: 'third' }));
    await until('third mail', async () => handled.some((h) => h.includes(`c-${tag}`)));
    await w.stop();
    expect(await inbound()).toBe(3);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    const row = await f.db.mailbox.findUniqueOrThrow({ where: { id: mailbox.id } });
    expect(row.lastError).toBeNull();
    expect(row.lastUid).toBeGreaterThan(0);
    await f.db.mailbox.delete({ where: { id: mailbox.id } });
  });

  it('each mailbox is watched by exactly one process; another takes over when it stops', async () => {
    const { f, mailbox, deliver } = await setup();
    const prefix = testPrefix('test');
    const got: Array<[string, InboundMessageInput]> = [];
    const proc = (name: string) =>
      startMailboxWatchers({
        db: f.db,
        redis: inject('redisUrl'),
        prefix,
        limits: { maxBodyChars: 10_000, maxAttachmentBytes: 10_000 },
        deliver: async (m) => void got.push([name, m]),
        refreshMs: 60_000,
        // other test files' mailboxes share this database: watch this test's only
        workspaceIds: [f.ws.id],
      });
    const a = await proc('a');
    const b = await proc('b');
    const owners = [a, b].filter((p) => p.owned().includes(mailbox.id));
    expect(owners).toHaveLength(1);
    const tag = randomUUID().slice(0, 8);
    await deliver(mail({ from: `Cy <cy-${tag}@initech.example>`, subject: 'Hello', id: `m1-${tag}@initech.example`, body: 'hi' }));
    await until('the first mail', async () => got.length === 1);
    const first = owners[0] === a ? 'a' : 'b';
    expect(got[0]![0]).toBe(first);
    expect(got[0]![1]).toMatchObject({
      channel: 'email',
      externalUserId: `cy-${tag}@initech.example`,
      workspaceId: f.ws.id,
      dedupeKey: expect.stringMatching(`^email:${mailbox.id}:`),
    });

    await owners[0]!.stop();
    const other = owners[0] === a ? b : a;
    await other.refresh();
    expect(other.owned()).toContain(mailbox.id);
    await deliver(mail({ from: `Cy <cy-${tag}@initech.example>`, subject: 'Again', id: `m2-${tag}@initech.example`, body: 'again' }));
    await until('the second mail', async () => got.length === 2);
    expect(got[1]![0]).toBe(first === 'a' ? 'b' : 'a');
    await other.stop();
    await f.db.mailbox.delete({ where: { id: mailbox.id } });
  });

  it('a mailbox removed while watched: one clear log line, its watcher stops and frees the mailbox (issue 20)', async () => {
    const { f, mailbox, deliver } = await setup();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const got: InboundMessageInput[] = [];
    const watchers = await startMailboxWatchers({
      db: f.db,
      redis: inject('redisUrl'),
      prefix: testPrefix('test'),
      limits: { maxBodyChars: 10_000, maxAttachmentBytes: 10_000 },
      deliver: async (m) => void got.push(m),
      pollIntervalMs: 60_000,
      refreshMs: 60_000, // the refresh must not be what notices
      workspaceIds: [f.ws.id],
      logger,
    });
    try {
      expect(watchers.owned()).toEqual([mailbox.id]);
      const tag = randomUUID().slice(0, 8);
      await deliver(mail({ from: `Di <di-${tag}@umbrella.example>`, subject: 'Hi', id: `r1-${tag}@umbrella.example`, body: 'before' }));
      await until('the mail before the removal', async () => got.length === 1);

      // what `leadline mailbox remove` does, while the watcher runs; new mail wakes it
      await f.db.mailbox.delete({ where: { id: mailbox.id } });
      await deliver(mail({ from: `Di <di-${tag}@umbrella.example>`, subject: 'Again', id: `r2-${tag}@umbrella.example`, body: 'after' }));
      await until('the watcher to let the mailbox go', async () => watchers.owned().length === 0);

      // info and above about this mailbox, from the removal on: that one line
      const start = lines.findIndex((l) => l.msg === 'mailbox removed: stopped watching it');
      const said = lines.slice(start).filter((l) => l.mailboxId === mailbox.id && (l.level as number) >= 30);
      expect(said.map((l) => [l.level, l.msg])).toEqual([[30, 'mailbox removed: stopped watching it']]);
      expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
      expect(JSON.stringify(lines)).not.toMatch(/findUniqueOrThrow|invocation|No record was found/);
      expect(got).toHaveLength(1);
    } finally {
      await watchers.stop();
    }
  });
});
