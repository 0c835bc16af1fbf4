// One customer across channels, end to end (issue 16): a customer writes to the sales
// mailbox (Dovecot, IMAP IDLE) with her phone in the signature, then on Telegram (Bot API
// emulator) and shares the same phone there. Her manager is asked on Telegram, both cards
// side by side; Merge folds the Telegram record into the email one (identities,
// conversations, leads); /history shows both channels in one timeline, newest first; Undo
// puts the two records back. On Slack (the fake Web API), /crm history pages with buttons,
// and /crm merge + its Undo button work the same.
import { describe, it, expect, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../support/wait.js';
import { dovecotAvailable, dovecotMissing } from '../support/dovecot.js';
import { watchedMailbox } from '../support/watched-mailbox.js';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import { slackStack, type SlackStack } from '../support/slack-stack.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { addUser } from '../../core/users/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import { findOrCreateContact } from '../../core/contacts/find-or-create-contact.js';
import { SmtpEmailSender } from '../../connectors/email/smtp-sender.js';

let stack: TelegramEmulatorStack | undefined;
let slackSide: SlackStack | undefined;
afterAll(async () => {
  await stack?.close();
  await slackSide?.close();
});

if (!dovecotAvailable) console.warn(`merge end-to-end test skipped: ${dovecotMissing}`);

describe.skipIf(!dovecotAvailable)('one customer by email and Telegram', () => {
  it('is proposed for merge, merged into one contact with one timeline, and undone', async () => {
    stack = await telegramEmulatorStack({
      slug: 'merge',
      timezone: 'Europe/Moscow',
      locale: 'en',
      senders: (base) => ({ email: new SmtpEmailSender(base.db) }),
    });
    const { db, ws } = stack;
    const { user: manager, inviteCode } = await addUser(dbContext(db), systemActor(ws), { name: 'Mary', role: 'manager', locale: 'en' });
    // the sales mailbox (Dovecot, IDLE) feeding the inbound queue
    const { dovecot, folder, watcher } = await watchedMailbox(stack);

    const managerChat = stack.tg.chat(7_000_000 + Math.floor(Math.random() * 1_000_000), { firstName: 'Mary', userName: 'mary', languageCode: 'en' });
    await managerChat.send(`/start ${inviteCode}`);
    expect((await managerChat.next('welcome')).message.text).toContain('Welcome');

    // 1. by email, her phone in the signature
    const tag = randomUUID().slice(0, 8);
    const address = `anna-${tag}@globex-${tag}.example`;
    await waitFor(async () => watcher.idling, 'the watcher to IDLE', 10_000, 25);
    await dovecot.deliver(
      [
        `From: Anna Smirnova <${address}>`,
        'To: Sales <sales@leadline.test>',
        'Subject: Seats for our team',
        `Message-ID: <seats-${tag}@globex.example>`,
        `Date: ${new Date().toUTCString()}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello, we need 20 seats for our sales team.',
        '',
        '--',
        'Anna Smirnova',
        'Tel: +7 916 555-01-02',
        '',
      ].join('\r\n'),
      folder,
    );
    const emailLead = await waitFor(
      () => db.lead.findFirst({ where: { workspaceId: ws.id, source: 'email' }, include: { contact: { include: { phones: true } } } }),
      'the email lead',
    );
    expect(emailLead.contact.phones.map((p) => p.phone)).toEqual(['+79165550102']);
    expect((await managerChat.next('the email lead notice')).message.text).toContain(`New lead #${emailLead.id}`);

    // 2. on Telegram: a new contact and a second lead
    const customerId = 8_000_000 + Math.floor(Math.random() * 1_000_000);
    const customerChat = stack.tg.chat(customerId, { firstName: 'Anna', userName: `anna${tag}`, languageCode: 'en' });
    await customerChat.send('Hi, it is Anna again, about the 20 seats');
    const tgLead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id, source: 'telegram' } }), 'the Telegram lead');
    expect(tgLead.contactId).not.toBe(emailLead.contactId);
    expect((await managerChat.next('the Telegram lead notice')).message.text).toContain(`New lead #${tgLead.id}`);

    // 3. she shares her phone: the owner of the older (email) record is asked
    await customerChat.send('', { extra: { contact: { phone_number: '79165550102', first_name: 'Anna', user_id: customerId } } });
    // the bot's next message to the manager that matches (the shared phone's forward comes too)
    const until = async (what: string, has: string) => {
      for (let i = 0; i < 10; i++) {
        const m = await managerChat.next(what);
        if (m.message.text.includes(has)) return m;
      }
      throw new Error(`no "${has}" for: ${what}`);
    };
    const question = await until('the merge question', 'One customer?');
    expect(question.message.text).toContain(`Record: older #${emailLead.contactId} | newer #${tgLead.contactId}`);
    expect(question.message.text).toContain('Channels: email | Telegram');
    const buttons = question.message.reply_markup!.inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(['Merge', 'Keep separate']);

    // 4. Merge
    await managerChat.press(buttons[0]!.callback_data!, question);
    const done = await until('the merge answer', 'Merged contact');
    expect(done.message.text).toContain(`Merged contact #${tgLead.contactId} into #${emailLead.contactId}`);
    expect(done.message.text).toContain(`lead #${tgLead.id}`);
    const kept = await db.contact.findUniqueOrThrow({ where: { id: emailLead.contactId }, include: { identities: true, conversations: true } });
    expect(kept.identities.map((i) => i.channel).sort()).toEqual(['email', 'telegram']);
    expect(kept.conversations.map((c) => c.channel).sort()).toEqual(['email', 'telegram']);
    expect((await db.contact.findUniqueOrThrow({ where: { id: tgLead.contactId } })).mergedIntoId).toBe(kept.id);

    // 5. /history: both channels in one timeline, newest first
    await managerChat.send(`/history contact ${kept.id}`);
    const history = await until('the history', 'History of contact');
    const lines = history.message.text.split('\n');
    expect(lines[0]).toContain(`History of contact #${kept.id} Anna Smirnova`);
    // the whole story may not fit one page: read on with Older until the email shows
    let all = lines;
    let page = history;
    while (!all.some((l) => l.includes('email · customer: Hello, we need 20 seats'))) {
      const older = page.message.reply_markup?.inline_keyboard.flat().find((b) => b.text === 'Older ▶');
      expect(older).toBeDefined();
      await managerChat.press(older!.callback_data!, page);
      page = await until('an older page', 'History of contact');
      all = all.concat(page.message.text.split('\n').slice(1));
    }
    // newest first, across the pages read
    const at = (s: string) => all.findIndex((l) => l.includes(s));
    const merged = at(`Contact #${tgLead.contactId} merged into this one (Mary)`);
    const shared = at('Telegram · customer: 📞 shared their phone number');
    const hi = at('Telegram · customer: Hi, it is Anna again');
    expect(merged).toBeGreaterThan(0);
    expect(shared).toBeGreaterThan(merged);
    expect(hi).toBeGreaterThan(shared);
    expect(at('email · customer: Hello, we need 20 seats')).toBeGreaterThan(hi);

    // 6. Undo restores the two records, each with its own
    const undo = done.message.reply_markup!.inline_keyboard.flat().find((b) => b.text === 'Undo merge')!;
    await managerChat.press(undo.callback_data!, done);
    await until('the undo answer', 'undone');
    expect((await db.contact.findUniqueOrThrow({ where: { id: tgLead.contactId } })).mergedIntoId).toBeNull();
    expect((await db.identity.findMany({ where: { contactId: tgLead.contactId } })).map((i) => i.channel)).toEqual(['telegram']);
    expect((await db.conversation.findMany({ where: { contactId: emailLead.contactId } })).map((c) => c.channel)).toEqual(['email']);
    expect((await db.lead.findUniqueOrThrow({ where: { id: tgLead.id } })).status).toBe('new');
    expect(manager.id).toBe(emailLead.assigneeId);
  }, 120_000);
});

describe('history and merge on Slack', () => {
  it('/crm history pages with buttons; /crm note reads back; /crm merge and its Undo button', async () => {
    slackSide = await slackStack({ slug: 'hist-slack' });
    const { db, ws, slack } = slackSide;
    const MANAGER = 'UHISTMGR';
    slack.fake.addUser({ id: MANAGER, team_id: slack.fake.teamId, name: 'mia', real_name: 'Mia', locale: 'en-US' });
    const { user: head, inviteCode } = await addUser(dbContext(db), systemActor(ws), { name: 'Mia', role: 'head', locale: 'en' });
    const dm = await slack.link(MANAGER, inviteCode, head.id);
    const inDm = slack.channel(dm);
    const text = (c: FakeSlackCall) => JSON.stringify(c.params.blocks ?? []) + String(c.params.text ?? '');
    const crm = (t: string) =>
      slack.postForm({
        command: '/crm',
        text: t,
        user_id: MANAGER,
        team_id: slack.fake.teamId,
        channel_id: 'CGENERAL',
        trigger_id: `trig-${slack.run}-${randomUUID()}`,
        response_url: slack.fake.responseUrl(),
      });

    // a customer with twelve messages over two channels
    const sys = systemActor(ws);
    const a = await findOrCreateContact(dbContext(db), sys, { email: `ivan-${slack.run}@example.com`, name: 'Ivan Petrov' });
    const b = await findOrCreateContact(dbContext(db), sys, { phone: '+79035551234', name: 'Ivan P' });
    const conv = await db.conversation.create({ data: { workspaceId: ws.id, contactId: a.contact.id, channel: 'email' } });
    const t0 = Date.now() - 3_600_000;
    for (let i = 1; i <= 12; i++)
      await db.message.create({
        data: {
          workspaceId: ws.id,
          conversationId: conv.id,
          direction: i % 2 ? 'inbound' : 'outbound',
          channel: 'email',
          text: `message number ${i}`,
          createdAt: new Date(t0 + i * 60_000),
        },
      });

    await crm(`history contact ${a.contact.id}`);
    const first = await inDm.next('the history', (c) => text(c).includes('History of contact'));
    expect(text(first)).toContain('message number 12');
    expect(text(first)).not.toContain('message number 1"');
    expect(text(first).indexOf('message number 12')).toBeLessThan(text(first).indexOf('message number 11'));
    expect(text(first)).toContain(`hist:c:${a.contact.id}:1`);
    await slack.click(MANAGER, `hist:c:${a.contact.id}:1`, { channel: dm, messageTs: String(first.params.ts ?? slack.nextTs()) });
    const second = await inDm.next('page 2', (c) => text(c).includes('page 2'));
    expect(text(second)).toContain('message number 1');
    expect(text(second)).toContain(`hist:c:${a.contact.id}:0`);

    await crm(`note contact ${a.contact.id} likes calls after 3pm`);
    await inDm.next('note added', (c) => text(c).includes('Note added to contact'));
    await crm(`notes contact ${a.contact.id}`);
    expect(text(await inDm.next('the notes', (c) => text(c).includes('Notes on contact')))).toContain('likes calls after 3pm');

    // merge by hand, then the Undo button
    await crm(`merge ${a.contact.id} ${b.contact.id}`);
    const merged = await inDm.next('merged', (c) => text(c).includes('Merged contact'));
    expect((await db.contact.findUniqueOrThrow({ where: { id: b.contact.id } })).mergedIntoId).toBe(a.contact.id);
    const record = await db.contactMerge.findFirstOrThrow({ where: { workspaceId: ws.id, keepId: a.contact.id } });
    expect(text(merged)).toContain(`merge:undo:${record.id}`);
    await slack.click(MANAGER, `merge:undo:${record.id}`, { channel: dm, messageTs: String(merged.params.ts ?? slack.nextTs()) });
    await inDm.next('undone', (c) => text(c).includes('undone'));
    expect((await db.contact.findUniqueOrThrow({ where: { id: b.contact.id } })).mergedIntoId).toBeNull();
    expect((await db.contactPhone.findFirstOrThrow({ where: { phone: '+79035551234', workspaceId: ws.id } })).contactId).toBe(b.contact.id);
  }, 90_000);
});
