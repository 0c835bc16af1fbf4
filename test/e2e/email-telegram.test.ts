// The email loop end to end, as production wires it: a customer's mail arrives in a real
// Dovecot mailbox, the watcher (IDLE) hands it to the inbound queue, the chat engine makes a
// lead and the manager gets it on Telegram (Bot API emulator); the manager replies to that
// notification and the answer leaves over SMTP (a local sink), threaded to the customer's mail.
import { describe, it, expect, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../support/wait.js';
import { dovecotAvailable, dovecotMissing } from '../support/dovecot.js';
import { watchedMailbox } from '../support/watched-mailbox.js';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import { addUser } from '../../core/users/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import { SmtpEmailSender } from '../../connectors/email/smtp-sender.js';

let stack: TelegramEmulatorStack | undefined;
afterAll(async () => {
  await stack?.close();
});

if (!dovecotAvailable) console.warn(`email + Telegram end-to-end test skipped: ${dovecotMissing}`);

describe.skipIf(!dovecotAvailable)('email lead to a Telegram manager and back over SMTP', () => {
  it('a customer email becomes a lead on Telegram; the reply leaves threaded over SMTP', async () => {
    // the production pieces: outbound workers with Telegram (Bot API emulator) and SMTP senders, inbound queue, chat worker
    stack = await telegramEmulatorStack({
      slug: 'mail',
      timezone: 'Europe/Moscow',
      locale: 'en',
      senders: (base) => ({ email: new SmtpEmailSender(base.db) }),
    });
    const { db, ws } = stack;
    const { user: manager, inviteCode } = await addUser(dbContext(db), systemActor(ws), { name: 'Mary', role: 'manager', locale: 'en' });

    // the sales mailbox (Dovecot, IDLE) feeding the inbound queue, and the SMTP sink for what leaves
    const { dovecot, folder, smtp, watcher } = await watchedMailbox(stack);

    // the manager links Telegram
    const managerChat = stack.tg.chat(7_000_000 + Math.floor(Math.random() * 1_000_000), { firstName: 'Mary', userName: 'mary', languageCode: 'en' });
    await managerChat.send(`/start ${inviteCode}`);
    expect((await managerChat.next('welcome')).message.text).toContain('Welcome');

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

    const notification = await managerChat.next('the lead notification');
    expect(notification.message.text).toContain(`New lead #${lead.id}`);
    expect(notification.message.text).toContain('40 standing desks');
    expect(notification.message.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data)).toContain(`lead:reply:${lead.id}`);

    // the manager answers by replying to the notification on Telegram
    const answer = 'Hello Olga, the quote for 40 desks is attached to our next mail today.';
    await managerChat.send(answer, { replyTo: notification });

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
    // the send's record, then the lead's first response: two statements of the sender (core/outbound/deliver.ts)
    const answered = await waitFor(
      async () => (await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).firstResponseAt,
      "the lead's first response stamped",
    );
    expect(answered.getTime()).toBeLessThanOrEqual(stored.createdAt.getTime() + 60_000);
  }, 90_000);
});
