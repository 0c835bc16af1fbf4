// What customers send beyond text, end to end through the Bot API emulator (telegram-test-api),
// the real inbound and outbound queues, Postgres and grammY: a shared phone reaches the contact
// (found by that phone), a location reaches the manager as text with a map link, an edit
// reaches the manager as an edit, a blocked bot marks the identity unreachable and a
// manager's later reply is not sent (the manager is told why) until the customer writes
// again. The emulator only delivers `message` and `callback_query` updates: the edit and the
// block are handed to the same intake the poller feeds (TelegramIntake.handleUpdate), as a
// webhook delivery would be.
import { describe, it, expect, afterAll } from 'vitest';
import type { Update } from 'grammy/types';
import { waitFor } from '../support/wait.js';
import type { BotMessage } from '../support/telegram-emulator.js';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import { addUser } from '../../core/users/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import { findOrCreateContact } from '../../core/contacts/find-or-create-contact.js';

let stack: TelegramEmulatorStack | undefined;
afterAll(async () => {
  await stack?.close();
});

describe('Telegram shapes end to end', () => {
  it('contact share, location, edit and a blocked bot', async () => {
    const managerId = 31_001;
    const customerId = 32_001;
    const phone = '+79161234567';
    stack = await telegramEmulatorStack({ slug: 'tgshapes', timezone: 'Europe/Moscow', locale: 'en', chatConcurrency: 2 });
    const { db, ws } = stack;
    const intake = stack.tg.intake;
    const ctx = dbContext(db);
    const { user: manager, inviteCode } = await addUser(ctx, systemActor(ws), { name: 'Mary', role: 'manager', locale: 'en' });
    // the customer is known already by their phone (say, from a web form)
    const known = await findOrCreateContact(ctx, systemActor(ws), { phone: '8 916 123-45-67', name: 'Olga from the form' });

    const managerChat = stack.tg.chat(managerId, { firstName: 'Mary', userName: 'mary' });
    const customerChat = stack.tg.chat(customerId, { firstName: 'Olga', userName: 'olga', languageCode: 'en' });
    const customer = customerChat.from;
    let last: BotMessage | undefined;
    const nextToManager = async (what: string): Promise<string> => {
      last = await managerChat.next(what);
      return last.message.text;
    };

    await managerChat.send(`/start ${inviteCode}`);
    expect(await nextToManager('welcome')).toContain('Welcome');

    // 1. "share my phone": the contact is found by the phone, the identity joins it
    await customerChat.send('', { extra: { contact: { phone_number: phone.slice(1), first_name: 'Olga', user_id: customerId } } });
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id } }), 'the lead from the contact share');
    expect(lead.contactId).toBe(known.contact.id);
    const identity = await db.identity.findFirstOrThrow({ where: { workspaceId: ws.id, channel: 'telegram', externalId: String(customerId) } });
    expect(identity.contactId).toBe(known.contact.id);
    expect(await db.contactPhone.findMany({ where: { workspaceId: ws.id }, select: { phone: true, contactId: true } })).toEqual([
      { phone, contactId: known.contact.id },
    ]);
    const newLead = await nextToManager('new lead notice');
    expect(newLead).toContain(`New lead #${lead.id}`);
    expect(newLead).toContain(`📞 shared their phone number: ${phone}`);

    // 2. a location reaches the manager as text with a map link
    await customerChat.send('', { extra: { location: { latitude: 55.751244, longitude: 37.618423 } } });
    const place = await nextToManager('the location');
    expect(place).toContain('📍 location: 55.751244, 37.618423');
    expect(place).toContain('https://www.openstreetmap.org/?mlat=55.751244&amp;mlon=37.618423#map=17/55.751244/37.618423');

    // 3. an edit of an earlier message reaches the manager as an edit and is on the timeline
    await customerChat.send('Deliver on Monday');
    expect(await nextToManager('the message to be edited')).toContain('Deliver on Monday');
    const original = await waitFor(() => db.message.findFirst({ where: { workspaceId: ws.id, text: 'Deliver on Monday' } }), 'the original message');
    const messageId = Number(original.externalId!.split(':')[1]);
    const now = Math.floor(Date.now() / 1000);
    const edit = {
      update_id: 9_000_001,
      edited_message: {
        message_id: messageId,
        date: now - 5,
        edit_date: now,
        chat: { id: customerId, type: 'private', first_name: 'Olga' },
        from: customer,
        text: 'Deliver on Tuesday',
      },
    };
    expect(await intake.handleUpdate(edit as unknown as Update)).toBe('queued');
    const edited = await nextToManager('the edit');
    const editNotice = last!;
    expect(edited).toContain('✏️ edited:\nDeliver on Tuesday');
    const activity = await waitFor(() => db.activity.findFirst({ where: { workspaceId: ws.id, type: 'message.edited' } }), 'the edit on the timeline');
    expect(activity.data).toMatchObject({ editOf: String(messageId), text: 'Deliver on Tuesday' });
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(1);

    // 4. the customer blocks the bot: unreachable, the owner is told, a later reply is not sent
    const block = {
      update_id: 9_000_002,
      my_chat_member: {
        chat: { id: customerId, type: 'private', first_name: 'Olga' },
        from: customer,
        date: now,
        old_chat_member: { user: { id: 1, is_bot: true, first_name: 'bot' }, status: 'member' },
        new_chat_member: { user: { id: 1, is_bot: true, first_name: 'bot' }, status: 'kicked', until_date: 0 },
      },
    };
    expect(await intake.handleUpdate(block as unknown as Update)).toBe('queued');
    expect(await nextToManager('the block notice')).toContain('blocked the bot');
    const blocked = await db.identity.findUniqueOrThrow({ where: { id: identity.id } });
    expect(blocked).toMatchObject({ unreachable: true, unreachableReason: 'blocked' });

    // the manager answers the edit's notification (a reply to it goes to the customer)
    await managerChat.send('Are you there?', { replyTo: editNotice });
    expect(await nextToManager('the refusal')).toBe(
      '⚠️ Not sent: Olga from the form blocked the bot (Telegram). They can be reached there again once they write to it.',
    );
    expect(await db.message.count({ where: { workspaceId: ws.id, direction: 'outbound' } })).toBe(0);
    // nothing reached the customer after the block: their last bot message is the acknowledgement
    const toCustomer = customerChat.received().map((u) => u.message.text);
    expect(toCustomer.length).toBeGreaterThan(0);
    expect(toCustomer).not.toContain('Are you there?');
    // 5. the customer writes again: they unblocked the bot, so they are reachable again
    await customerChat.send('Sorry, I am back');
    expect(await nextToManager('the message after the block')).toContain('Sorry, I am back');
    expect(await db.identity.findUniqueOrThrow({ where: { id: identity.id } })).toMatchObject({ unreachable: false, unreachableReason: null });
    expect(manager.id).toBe(lead.assigneeId);
  }, 90_000);
});
