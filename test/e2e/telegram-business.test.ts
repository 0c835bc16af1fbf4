// Telegram Business accounts and client groups, end to end through the Bot API emulator
// (telegram-test-api, extended in test/support/telegram-emulator.ts with business_connection,
// business_message, edited/deleted business messages, group messages, my_chat_member in a
// group and sendMessage with business_connection_id). Real Postgres, Redis, BullMQ, grammY
// long polling, the production chat and outbound workers.
import { describe, it, expect, afterAll } from 'vitest';
import { waitFor } from '../support/wait.js';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import { emulateBusiness, pushUpdate, type BotMessage } from '../support/telegram-emulator.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import { eraseContact } from '../../core/contacts/erase-contact.js';
import { exportContact } from '../../core/contacts/export-contact.js';

const stacks: TelegramEmulatorStack[] = [];
afterAll(async () => {
  for (const s of stacks.reverse()) await s.close();
});

const now = () => Math.floor(Date.now() / 1000);
const person = (id: number, name: string) => ({ id, is_bot: false as const, first_name: name, language_code: 'en' });

async function stackWithTeam(slug: string) {
  const stack = await telegramEmulatorStack({ slug });
  stacks.push(stack);
  const { db, ws } = stack;
  const member = async (name: string, tgId: number, onDuty: boolean) => {
    const user = await db.user.create({ data: { workspaceId: ws.id, name, role: 'manager', locale: 'en', onDuty } });
    await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: String(tgId), chatId: String(tgId), userId: user.id } });
    return user;
  };
  const push = (raw: Record<string, unknown>) => pushUpdate(stack.tg.server, stack.tg.token, raw);
  return { stack, db, ws, member, push };
}

/** The next message the bot sent to `chatId` whose text contains `text`. */
function sentWith(stack: TelegramEmulatorStack, chatId: number, text: string, what: string): Promise<BotMessage> {
  return waitFor(() => stack.tg.sentTo(chatId).find((m) => m.message.text.includes(text)), what, 20_000, 50);
}

describe('Telegram Business on the Bot API emulator', () => {
  it('a business chat becomes the connected manager’s lead, their phone reply is the first response, relay goes on their behalf, disconnect stops it', async () => {
    const { stack, db, ws, member, push } = await stackWithTeam('tgbiz');
    // Mary is off duty: round robin would never pick her; Bob is the one on duty
    const mary = await member('Mary', 31_001, false);
    const bob = await member('Bob', 31_002, true);
    const maryTg = person(31_001, 'Mary');
    const bobTg = person(31_002, 'Bob');
    const botId = Number(stack.tg.token.split(':')[0]);
    const connections = emulateBusiness(stack.tg.server, { id: botId, username: 'leadline_bot' });
    connections.set('bc-1', { id: 'bc-1', owner: maryTg, enabled: true, canReply: true });

    // Mary connects the bot in Settings -> Telegram Business -> Chatbots
    await push({ business_connection: { id: 'bc-1', user: maryTg, user_chat_id: maryTg.id, date: now(), rights: { can_reply: true }, is_enabled: true } });
    await sentWith(stack, maryTg.id, 'Telegram Business account is connected', 'connected notice to Mary');
    const connection = await db.businessConnection.findFirstOrThrow({ where: { workspaceId: ws.id, externalId: 'bc-1' } });
    expect(connection).toMatchObject({ userId: mary.id, enabled: true, canReply: true, ownerChatId: String(maryTg.id) });
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, entity: 'business_connection', action: 'business_connection.create' } })).toBe(1);

    // a new person writes to Mary's own account
    const ivan = person(41_001, 'Ivan');
    const chat = { id: ivan.id, type: 'private', first_name: 'Ivan' };
    await push({ business_message: { message_id: 501, business_connection_id: 'bc-1', date: now(), chat, from: ivan, text: 'Hello, 10 chairs please' } });
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id }, include: { conversation: true } }), 'the business lead');
    expect(lead.assigneeId).toBe(mary.id);
    expect(lead.firstResponseAt).toBeNull();
    expect(lead.conversation?.businessConnectionId).toBe(connection.id);
    const notice = await sentWith(stack, maryTg.id, `New lead #${lead.id}`, "Mary's new lead notice");
    expect(notice.message.text).toContain('10 chairs');

    // Mary answers on her phone: an outgoing message, and the SLA clock stops
    await push({ business_message: { message_id: 502, business_connection_id: 'bc-1', date: now(), chat, from: maryTg, text: 'Hi Ivan, 5 000 each' } });
    const answered = await waitFor(async () => {
      const l = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
      return l.firstResponseAt ? l : null;
    }, 'first response from the phone');
    expect(answered.status).toBe('in_progress');
    const phone = await db.message.findFirstOrThrow({ where: { conversationId: lead.conversationId!, direction: 'outbound' } });
    expect(phone).toMatchObject({ authorUserId: mary.id, deliveryStatus: 'sent', text: 'Hi Ivan, 5 000 each' });
    const firstResponse = await db.activity.findFirstOrThrow({ where: { leadId: lead.id, type: 'lead.first_response' } });
    expect((firstResponse.data as { onTime: boolean }).onTime).toBe(true);

    // Mary answers through Leadline (a reply to the notice): sent in her business chat, on her behalf
    const managerChat = stack.tg.chat(maryTg.id, { firstName: 'Mary' });
    await managerChat.send('I can also deliver tomorrow', { replyTo: notice });
    const relayed = await waitFor(() => stack.tg.sentTo(ivan.id).find((m) => m.message.text === 'I can also deliver tomorrow'), 'relay into the business chat');
    expect((relayed.message as { business_connection_id?: string }).business_connection_id).toBe('bc-1');

    // the customer edits and deletes: recorded
    await push({
      edited_business_message: {
        message_id: 501,
        business_connection_id: 'bc-1',
        date: now() - 5,
        edit_date: now(),
        chat,
        from: ivan,
        text: 'Hello, 12 chairs please',
      },
    });
    await waitFor(() => db.activity.findFirst({ where: { leadId: lead.id, type: 'message.edited' } }), 'the edit on the timeline');
    await push({ deleted_business_messages: { business_connection_id: 'bc-1', chat, message_ids: [501] } });
    const deleted = await waitFor(
      () => db.message.findFirst({ where: { conversationId: lead.conversationId!, externalId: `${ivan.id}:b:501`, deletedAt: { not: null } } }),
      'the deleted message marked',
    );
    expect(deleted.direction).toBe('inbound');

    // Bob (a teammate) writes to Mary's business account: never a lead; Petra after him is one
    await push({
      business_message: {
        message_id: 601,
        business_connection_id: 'bc-1',
        date: now(),
        chat: { id: bobTg.id, type: 'private', first_name: 'Bob' },
        from: bobTg,
        text: 'lunch?',
      },
    });
    const petra = person(41_002, 'Petra');
    await push({
      business_message: {
        message_id: 602,
        business_connection_id: 'bc-1',
        date: now(),
        chat: { id: petra.id, type: 'private', first_name: 'Petra' },
        from: petra,
        text: 'Do you ship to Kazan?',
      },
    });
    await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id, firstMessage: 'Do you ship to Kazan?' } }), "Petra's lead");
    await stack.drained();
    expect(await db.identity.findFirst({ where: { workspaceId: ws.id, externalId: String(bobTg.id), contactId: { not: null } } })).toBeNull();
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(2);
    expect(await db.lead.count({ where: { workspaceId: ws.id, assigneeId: bob.id } })).toBe(0);
    // Leadline's own answer came back from Telegram (sender_business_bot) and was not stored twice;
    // no acknowledgement from the bot went into the business chats
    expect(await db.message.count({ where: { conversationId: lead.conversationId!, direction: 'outbound' } })).toBe(2);
    expect(stack.tg.sentTo(ivan.id).map((m) => m.message.text)).toEqual(['I can also deliver tomorrow']);
    expect(stack.tg.sentTo(petra.id)).toEqual([]);

    // Mary disconnects: told, stored, and nothing more is processed or sent on her behalf
    connections.set('bc-1', { id: 'bc-1', owner: maryTg, enabled: false, canReply: true });
    await push({ business_connection: { id: 'bc-1', user: maryTg, user_chat_id: maryTg.id, date: now(), rights: { can_reply: true }, is_enabled: false } });
    await sentWith(stack, maryTg.id, 'Telegram Business account is disconnected', 'disconnected notice');
    expect((await db.businessConnection.findUniqueOrThrow({ where: { id: connection.id } })).enabled).toBe(false);
    const oleg = person(41_003, 'Oleg');
    await push({
      business_message: {
        message_id: 701,
        business_connection_id: 'bc-1',
        date: now(),
        chat: { id: oleg.id, type: 'private', first_name: 'Oleg' },
        from: oleg,
        text: 'Still there?',
      },
    });
    await managerChat.send('One more thing', { replyTo: notice });
    await sentWith(stack, maryTg.id, 'no longer connected to Leadline', 'the relay refused after the disconnect');
    await stack.drained();
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(2);
    expect(stack.tg.sentTo(ivan.id).map((m) => m.message.text)).toEqual(['I can also deliver tomorrow']);
  }, 120_000);

  it('an account linked to nobody is told to link first and ignored; an account without the reply right gets no answer in its name', async () => {
    const { stack, db, ws, member, push } = await stackWithTeam('tgbiz2');
    const anna = await member('Anna', 33_001, true);
    const annaTg = person(33_001, 'Anna');
    const stranger = person(33_009, 'Stranger');
    const botId = Number(stack.tg.token.split(':')[0]);
    const connections = emulateBusiness(stack.tg.server, { id: botId, username: 'leadline_bot' });
    connections.set('bc-x', { id: 'bc-x', owner: stranger, enabled: true, canReply: true });
    connections.set('bc-a', { id: 'bc-a', owner: annaTg, enabled: true, canReply: false });

    await push({ business_connection: { id: 'bc-x', user: stranger, user_chat_id: stranger.id, date: now(), rights: { can_reply: true }, is_enabled: true } });
    await sentWith(stack, stranger.id, 'not linked to a Leadline team member', 'the unlinked owner told');
    const customer = person(43_001, 'Vera');
    const chat = { id: customer.id, type: 'private', first_name: 'Vera' };
    await push({ business_message: { message_id: 1, business_connection_id: 'bc-x', date: now(), chat, from: customer, text: 'hello?' } });

    // Anna connects without "Reply to messages" (Bot API 9 rights without can_reply)
    await push({
      business_connection: { id: 'bc-a', user: annaTg, user_chat_id: annaTg.id, date: now(), rights: { can_read_messages: true }, is_enabled: true },
    });
    await sentWith(stack, annaTg.id, 'I may not reply in your name', 'the read-only notice');
    await push({ business_message: { message_id: 2, business_connection_id: 'bc-a', date: now(), chat, from: customer, text: 'price list please' } });
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id } }), "the lead on Anna's account");
    expect(lead).toMatchObject({ assigneeId: anna.id, firstMessage: 'price list please' });
    const notice = await sentWith(stack, annaTg.id, `New lead #${lead.id}`, "Anna's notice");
    await stack.tg.chat(annaTg.id, { firstName: 'Anna' }).send('Here it is', { replyTo: notice });
    await sentWith(stack, annaTg.id, 'does not let me reply in your name', 'the relay refused');
    await stack.drained();
    // the unlinked account's customer made nothing; nothing went to the customer; the refused answer was not stored
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(1);
    expect(stack.tg.sentTo(customer.id)).toEqual([]);
    expect(await db.message.count({ where: { workspaceId: ws.id, direction: 'outbound' } })).toBe(0);
    expect(await db.businessConnection.findFirstOrThrow({ where: { workspaceId: ws.id, externalId: 'bc-x' } })).toMatchObject({ userId: null });
  }, 120_000);

  it('a client group: bound to a company on add, a client message continues the company deal, a team member’s answer stops the clock', async () => {
    const { stack, db, ws, member, push } = await stackWithTeam('tggroup');
    const mary = await member('Mary', 32_001, true);
    const bob = await member('Bob', 32_002, false);
    const maryTg = person(32_001, 'Mary');
    const bobTg = person(32_002, 'Bob');
    const botUser = { id: Number(stack.tg.token.split(':')[0]), is_bot: true, first_name: 'Leadline', username: 'leadline_bot' };
    const company = await db.company.create({ data: { workspaceId: ws.id, name: 'Acme Trading', nameKey: 'acme trading' } });
    const pipeline = await db.pipeline.findFirstOrThrow({ where: { workspaceId: ws.id }, include: { stages: { orderBy: { position: 'asc' } } } });
    const deal = await db.deal.create({
      data: {
        workspaceId: ws.id,
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        title: 'Acme chairs',
        titleKey: 'acme chairs',
        ownerId: bob.id,
        companyId: company.id,
      },
    });

    // Mary adds the bot to the client's group
    const group = { id: -100_777_001, type: 'supergroup', title: 'Acme Trading × Us' };
    await push({
      my_chat_member: {
        chat: group,
        from: maryTg,
        date: now(),
        old_chat_member: { user: botUser, status: 'left' },
        new_chat_member: { user: botUser, status: 'member' },
      },
    });
    const question = await sentWith(stack, group.id, 'which company', 'the company question in the group');
    expect(question.message.text).toContain('only commands, replies to its own messages and messages that mention it');
    const stored = await db.clientGroup.findFirstOrThrow({ where: { workspaceId: ws.id, chatId: String(group.id) } });
    expect(stored.status).toBe('pending');
    const buttons = question.message.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data);
    expect(buttons).toEqual([`grp:co:${stored.id}:${company.id}`, `grp:new:${stored.id}`, `grp:no:${stored.id}`]);

    // a client's message before the group is bound is not taken; a client's press of the buttons is ignored
    const petr = person(42_001, 'Petr');
    await push({ message: { message_id: 10, date: now(), chat: group, from: petr, text: 'hello all' } });
    await push({
      callback_query: {
        id: 'cb-0',
        from: petr,
        chat_instance: '1',
        data: buttons[2],
        message: { message_id: question.messageId, date: now(), chat: group, text: question.message.text },
      },
    });
    // Bob (a manager who did not add the bot) may not choose
    await push({
      callback_query: {
        id: 'cb-b',
        from: bobTg,
        chat_instance: '1',
        data: buttons[0],
        message: { message_id: question.messageId, date: now(), chat: group, text: question.message.text },
      },
    });
    await sentWith(stack, group.id, 'Only the team member who added me', 'the refusal to Bob');
    expect((await db.clientGroup.findUniqueOrThrow({ where: { id: stored.id } })).status).toBe('pending');
    // Mary picks the company
    await push({
      callback_query: {
        id: 'cb-1',
        from: maryTg,
        chat_instance: '1',
        data: buttons[0],
        message: { message_id: question.messageId, date: now(), chat: group, text: question.message.text },
      },
    });
    await sentWith(stack, group.id, 'conversation with Acme Trading', 'the bound notice');
    expect(await db.clientGroup.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ status: 'active', companyId: company.id });

    // a client writes in the group: a contact of Acme, the deal continues, the clock starts, Bob (the owner) is told
    await push({ message: { message_id: 11, date: now(), chat: group, from: petr, text: 'Any news on our order?' } });
    const waiting = await waitFor(async () => {
      const g = await db.clientGroup.findUniqueOrThrow({ where: { id: stored.id } });
      return g.waitingSince ? g : null;
    }, 'the clock started');
    expect(waiting.replyDueAt).not.toBeNull();
    // its check is on the sla queue, due at the clock's deadline
    const check = await stack.workers.scheduler.sla.getJob(`sla-group-${stored.id}-${waiting.replyDueAt!.getTime()}`);
    expect(check?.data).toEqual({ groupId: stored.id, dueAtMs: waiting.replyDueAt!.getTime() });
    const activity = await waitFor(() => db.activity.findFirst({ where: { workspaceId: ws.id, type: 'group.message' } }), 'the message on the deal');
    expect(activity.dealId).toBe(deal.id);
    const contact = await db.contact.findFirstOrThrow({ where: { workspaceId: ws.id, identities: { some: { externalId: String(petr.id) } } } });
    expect(contact.companyId).toBe(company.id);
    const forward = await sentWith(stack, bobTg.id, 'Any news on our order?', "the forward to the deal's owner");
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(0);
    // the message sent before the binding was not taken
    expect(await db.message.count({ where: { workspaceId: ws.id, direction: 'inbound' } })).toBe(1);

    // Bob answers in the group: the team's response, the clock stops
    await push({ message: { message_id: 12, date: now(), chat: group, from: bobTg, text: 'Shipped today, Petr' } });
    const answered = await waitFor(async () => {
      const g = await db.clientGroup.findUniqueOrThrow({ where: { id: stored.id } });
      return g.lastResponseAt ? g : null;
    }, 'the clock stopped');
    expect(answered.waitingSince).toBeNull();
    const response = await db.activity.findFirstOrThrow({ where: { workspaceId: ws.id, type: 'group.response' } });
    expect(response).toMatchObject({ dealId: deal.id, actorUserId: bob.id });
    const out = await db.message.findFirstOrThrow({ where: { workspaceId: ws.id, direction: 'outbound' } });
    expect(out).toMatchObject({ authorUserId: bob.id, text: 'Shipped today, Petr' });

    // Petr writes again (the clock starts again); Bob answers through Leadline, replying to the forward: the answer goes into the group, the clock stops
    await push({ message: { message_id: 13, date: now(), chat: group, from: petr, text: 'And the invoice?' } });
    const again = await sentWith(stack, bobTg.id, 'And the invoice?', 'the second forward');
    expect((await db.clientGroup.findUniqueOrThrow({ where: { id: stored.id } })).waitingSince).not.toBeNull();
    await stack.tg.chat(bobTg.id, { firstName: 'Bob' }).send('Invoice is on its way', { replyTo: again });
    await waitFor(() => stack.tg.sentTo(group.id).find((m) => m.message.text === 'Invoice is on its way'), 'the relayed answer in the group');
    const relayStopped = await waitFor(async () => {
      const g = await db.clientGroup.findUniqueOrThrow({ where: { id: stored.id } });
      return g.waitingSince ? null : g;
    }, 'the clock stopped by the relayed answer');
    expect(relayStopped.lastResponseAt).not.toBeNull();
    expect(await db.activity.count({ where: { workspaceId: ws.id, type: 'group.response' } })).toBe(2);
    expect(forward.message.text).toContain('Acme Trading × Us');
    // the team's messages are no contacts; the group question was answered once
    expect(
      await db.identity.count({ where: { workspaceId: ws.id, externalId: { in: [String(maryTg.id), String(bobTg.id)] }, contactId: { not: null } } }),
    ).toBe(0);
    expect(mary.id).toBeGreaterThan(0);

    // Petr's data: an export has what he wrote in the group, not the group's other messages; erasing him blanks only his
    const ctx = dbContext(db);
    const exported = (await exportContact(ctx, systemActor(ws), contact.id)) as unknown as {
      conversations: unknown[];
      groupMessages?: Array<{ text: string }>;
    };
    expect(exported.conversations).toEqual([]);
    expect(exported.groupMessages?.map((m) => m.text)).toEqual(['Any news on our order?', 'And the invoice?']);
    await eraseContact(ctx, systemActor(ws), contact.id);
    const left = await db.message.findMany({ where: { conversation: { groupId: stored.id } }, orderBy: { id: 'asc' } });
    expect(left.map((m) => [m.direction, m.text])).toEqual([
      ['inbound', ''],
      ['outbound', 'Shipped today, Petr'],
      ['inbound', ''],
      ['outbound', 'Invoice is on its way'],
    ]);
  }, 120_000);
});
