// What customers send beyond text, end to end through the Bot API emulator (telegram-test-api),
// the real inbound and outbound queues, Postgres and grammY: a shared phone reaches the contact
// (found by that phone), a location reaches the manager as text with a map link, an edit
// reaches the manager as an edit, a blocked bot marks the identity unreachable and a
// manager's later reply is not sent (the manager is told why) until the customer writes
// again. The emulator only delivers `message` and `callback_query` updates: the edit and the
// block are handed to the same intake the poller feeds (TelegramIntake.handleUpdate), as a
// webhook delivery would be.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Update } from 'grammy/types';
import { testDb, uniqueSlug } from '../support/db.js';
import { freePort, waitFor } from '../support/wait.js';
import { TelegramServer, type BotMessage } from '../support/telegram-emulator.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { addUser } from '../../core/users/index.js';
import { coreContext } from '../../core/context.js';
import { systemActor } from '../../core/actor.js';
import { findOrCreateContact } from '../../core/contacts/find-or-create-contact.js';
import { queueSettings } from '../../connectors/queue/connection.js';
import { startWorkers } from '../../connectors/queue/workers.js';
import { InboundQueue } from '../../connectors/queue/inbound-queue.js';
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

describe('Telegram shapes end to end', () => {
  it('contact share, location, edit and a blocked bot', async () => {
    const managerId = 31_001;
    const customerId = 32_001;
    const phone = '+79161234567';
    const db = testDb();
    const redisUrl = inject('redisUrl');
    const settings = queueSettings(redisUrl, testPrefix('e2e-shapes'));
    const logger = createLogger(process.env.E2E_LOG ?? 'silent');
    const ws = await ensureWorkspace(db, uniqueSlug('tgshapes'), { timezone: 'Europe/Moscow', locale: 'en' });
    const ctx = coreContext(db);
    const { user: manager, inviteCode } = await addUser(ctx, systemActor(ws), { name: 'Mary', role: 'manager', locale: 'en' });
    // the customer is known already by their phone (say, from a web form)
    const known = await findOrCreateContact(ctx, systemActor(ws), { phone: '8 916 123-45-67', name: 'Olga from the form' });

    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 120 });
    await server.start();
    cleanups.push(() => server.stop());
    const token = `${Math.floor(Math.random() * 1e9) + 1000}:E2E${randomUUID().replace(/-/g, '')}`;
    const api = createTelegramApi({ token, apiRoot: server.config.apiURL });
    const senders = { telegram: new TelegramSender(api) };
    const workers = await startWorkers({ ctx, settings, senders, logger, reconcile: false });
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
      concurrency: 2,
    });
    cleanups.push(() => chat.close());
    const intake = new TelegramIntake(api, inbound, { workspaceId: ws.id });
    const poller = startPolling({ api, intake, idleBackoffMs: 100, logger });
    cleanups.push(() => poller.stop());

    const opts = { timeout: 15_000, interval: 100 };
    const managerClient = server.getClient(token, { userId: managerId, chatId: managerId, firstName: 'Mary', userName: 'mary', ...opts });
    const customerClient = server.getClient(token, { userId: customerId, chatId: customerId, firstName: 'Olga', userName: 'olga', ...opts });
    const customer = { id: customerId, first_name: 'Olga', is_bot: false, language_code: 'en' };
    let last: BotMessage | undefined;
    const nextToManager = async (what: string): Promise<string> => {
      try {
        last = ((await managerClient.getUpdates()).result as unknown as BotMessage[])[0]!;
        return last.message.text;
      } catch (e) {
        throw new Error(`no bot message to the manager in time: ${what}`, { cause: e });
      }
    };

    await managerClient.sendMessage(managerClient.makeMessage(`/start ${inviteCode}`, { from: { id: managerId, first_name: 'Mary', is_bot: false } } as never));
    expect(await nextToManager('welcome')).toContain('Welcome');

    // 1. "share my phone": the contact is found by the phone, the identity joins it
    await customerClient.sendMessage(
      customerClient.makeMessage('', { from: customer, contact: { phone_number: phone.slice(1), first_name: 'Olga', user_id: customerId } } as never),
    );
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
    await customerClient.sendMessage(customerClient.makeMessage('', { from: customer, location: { latitude: 55.751244, longitude: 37.618423 } } as never));
    const place = await nextToManager('the location');
    expect(place).toContain('📍 location: 55.751244, 37.618423');
    expect(place).toContain('https://www.openstreetmap.org/?mlat=55.751244&amp;mlon=37.618423#map=17/55.751244/37.618423');

    // 3. an edit of an earlier message reaches the manager as an edit and is on the timeline
    await customerClient.sendMessage(customerClient.makeMessage('Deliver on Monday', { from: customer } as never));
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
    await managerClient.sendMessage(
      managerClient.makeMessage('Are you there?', {
        from: { id: managerId, first_name: 'Mary', is_bot: false },
        reply_to_message: { message_id: editNotice.messageId, chat: { id: managerId, type: 'private' }, date: now, text: editNotice.message.text },
      } as never),
    );
    expect(await nextToManager('the refusal')).toBe(
      '⚠️ Not sent: Olga from the form blocked the bot (Telegram). They can be reached there again once they write to it.',
    );
    expect(await db.message.count({ where: { workspaceId: ws.id, direction: 'outbound' } })).toBe(0);
    // nothing reached the customer after the block: their last bot message is the acknowledgement
    const history = (await customerClient.getUpdatesHistory()) as unknown as Array<{ message?: { chat_id?: number | string; text?: string } }>;
    const toCustomer = history.filter((u) => String(u.message?.chat_id) === String(customerId)).map((u) => u.message?.text);
    expect(toCustomer.length).toBeGreaterThan(0);
    expect(toCustomer).not.toContain('Are you there?');
    // 5. the customer writes again: they unblocked the bot, so they are reachable again
    await customerClient.sendMessage(customerClient.makeMessage('Sorry, I am back', { from: customer } as never));
    expect(await nextToManager('the message after the block')).toContain('Sorry, I am back');
    expect(await db.identity.findUniqueOrThrow({ where: { id: identity.id } })).toMatchObject({ unreachable: false, unreachableReason: null });
    expect(manager.id).toBe(lead.assigneeId);
  }, 90_000);
});
