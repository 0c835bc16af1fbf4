// End to end through a Bot API emulator (telegram-test-api): a customer writes, the lead is
// in Postgres, the manager's chat gets the notification with buttons, the manager replies
// to it, the customer's chat gets the answer. Real Postgres, Redis, BullMQ queues, grammY.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb, uniqueSlug } from '../support/db.js';
import { freePort, waitFor } from '../support/wait.js';
import { TelegramServer, type BotMessage } from '../support/telegram-emulator.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { addUser } from '../../core/users/index.js';
import { coreContext } from '../../core/context.js';
import { systemActor } from '../../core/actor.js';
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

async function scenario(locale: 'en' | 'ru') {
  // distinct people per scenario: NotificationRef is unique on (channel, chat, message) across workspaces
  const base = locale === 'ru' ? 20_000 : 10_000;
  const managerId = base + 7001;
  const customerId = base + 8001;
  const db = testDb();
  const redisUrl = inject('redisUrl');
  const settings = queueSettings(redisUrl, testPrefix('e2e'));
  const logger = createLogger(process.env.E2E_LOG ?? 'silent');
  const ws = await ensureWorkspace(db, uniqueSlug('tg'), { timezone: 'Europe/Moscow', locale });
  const { user: manager, inviteCode } = await addUser(coreContext(db), systemActor(ws), { name: locale === 'ru' ? 'Мария' : 'Mary', role: 'manager', locale });

  const port = await freePort();
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 120 });
  await server.start();
  cleanups.push(() => server.stop());
  const token = `${Math.floor(Math.random() * 1e9) + 1000}:E2E${randomUUID().replace(/-/g, '')}`;

  const api = createTelegramApi({ token, apiRoot: server.config.apiURL });
  const senders = { telegram: new TelegramSender(api) };
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
  const intake = new TelegramIntake(api, inbound, { workspaceId: ws.id });
  const poller = startPolling({ api, intake, idleBackoffMs: 100, logger });
  cleanups.push(() => poller.stop());

  const managerClient = server.getClient(token, { userId: managerId, chatId: managerId, firstName: 'Mary', userName: 'mary', timeout: 15_000, interval: 100 });
  const customerClient = server.getClient(token, {
    userId: customerId,
    chatId: customerId,
    firstName: locale === 'ru' ? 'Иван' : 'Ivan',
    userName: 'ivan',
    timeout: 15_000,
    interval: 100,
  });
  const botMessages = async (client: typeof managerClient, what: string) => {
    try {
      return (await client.getUpdates()).result as unknown as BotMessage[];
    } catch (e) {
      throw new Error(`no bot message in time: ${what}`, { cause: e });
    }
  };

  // the manager links their Telegram account with the invite code
  await managerClient.sendMessage(
    managerClient.makeMessage(`/start ${inviteCode}`, { from: { id: managerId, first_name: 'Mary', is_bot: false, language_code: locale } } as never),
  );
  const welcome = await botMessages(managerClient, 'welcome');
  expect(welcome[0]!.message.text).toContain(locale === 'ru' ? 'Добро пожаловать' : 'Welcome');

  // a customer writes
  const question = locale === 'ru' ? 'Здравствуйте! Нужно 10 стульев <срочно> & недорого' : 'Hello! I need 10 chairs <urgent> & cheap';
  await customerClient.sendMessage(
    customerClient.makeMessage(question, {
      from: { id: customerId, first_name: locale === 'ru' ? 'Иван' : 'Ivan', is_bot: false, language_code: locale },
    } as never),
  );

  const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id }, include: { contact: true } }), 'the lead');
  expect(lead.assigneeId).toBe(manager.id);
  expect(lead.firstMessage).toBe(question);

  const ack = await botMessages(customerClient, 'ack to the customer');
  expect(ack[0]!.message.text).toBe(
    locale === 'ru'
      ? 'Спасибо! Мы получили ваше сообщение, менеджер скоро ответит.'
      : 'Thank you! We have received your message and a manager will reply shortly.',
  );

  const notification = (await botMessages(managerClient, 'notification to the manager'))[0]!;
  expect(notification.message.text).toContain(locale === 'ru' ? `Новый лид #${lead.id}` : `New lead #${lead.id}`);
  // user text is HTML-escaped
  expect(notification.message.text).toContain('&lt;');
  expect(notification.message.text).toContain('&amp;');
  const buttons = notification.message.reply_markup!.inline_keyboard.flat();
  expect(buttons.map((b) => b.callback_data)).toEqual([
    `lead:reply:${lead.id}`,
    `lead:take:${lead.id}`,
    `lead:deal:${lead.id}`,
    `lead:junk:${lead.id}`,
    `lead:remind:${lead.id}`,
  ]);
  expect(buttons.map((b) => b.text)).toEqual(
    locale === 'ru' ? ['Ответить', 'Взять', 'Создать сделку', 'Мусор', 'Напомнить'] : ['Reply', 'Take', 'Create deal', 'Junk', 'Remind me'],
  );

  // the manager replies to the notification
  const answer = locale === 'ru' ? 'Иван, добрый день! Пришлю предложение сегодня.' : 'Hi Ivan, I will send an offer today.';
  await managerClient.sendMessage(
    managerClient.makeMessage(answer, {
      from: { id: managerId, first_name: 'Mary', is_bot: false, language_code: locale },
      reply_to_message: {
        message_id: notification.messageId,
        chat: { id: managerId, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: notification.message.text,
      },
    } as never),
  );
  const relayed = await botMessages(customerClient, 'relayed answer to the customer');
  expect(relayed[0]!.message.text).toBe(answer);
  const confirm = await botMessages(managerClient, 'relay confirmation');
  expect(confirm[0]!.message.text).toBe(locale === 'ru' ? `Отправлено клиенту (${lead.contact.name}):\n${answer}` : `Sent to ${lead.contact.name}:\n${answer}`);

  const after = await waitFor(async () => {
    const l = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    return l.firstResponseAt ? l : null;
  }, 'first response recorded');
  expect(after.firstResponseAt).not.toBeNull();
  const outbound = await waitFor(
    () => db.message.findFirst({ where: { workspaceId: ws.id, direction: 'outbound', deliveryStatus: 'sent' } }),
    'outbound message marked sent',
  );
  expect(outbound.text).toBe(answer);

  // a button press: Take
  await managerClient.sendCallback({
    data: `lead:take:${lead.id}`,
    message: { message_id: notification.messageId, chat: { id: managerId, type: 'private' } },
    from: { id: managerId, first_name: 'Mary', is_bot: false, language_code: locale },
    botToken: token,
    date: Math.floor(Date.now() / 1000),
  } as never);
  const taken = await botMessages(managerClient, 'take confirmation');
  expect(taken[0]!.message.text).toBe(locale === 'ru' ? `Лид #${lead.id} теперь ваш.` : `Lead #${lead.id} is yours now.`);
}

describe('Telegram end to end through a Bot API emulator', () => {
  it('customer -> lead -> manager notification -> reply -> customer (English)', async () => {
    await scenario('en');
  }, 60_000);
  it('customer -> lead -> manager notification -> reply -> customer (Russian)', async () => {
    await scenario('ru');
  }, 60_000);
});
