// End to end through a Bot API emulator (telegram-test-api): a customer writes, the lead is
// in Postgres, the manager's chat gets the notification with buttons, the manager replies
// to it, the customer's chat gets the answer. Real Postgres, Redis, BullMQ queues, grammY.
import { describe, it, expect, afterAll } from 'vitest';
import { waitFor } from '../support/wait.js';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import { addUser } from '../../core/users/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';

const stacks: TelegramEmulatorStack[] = [];
afterAll(async () => {
  for (const s of stacks.reverse()) await s.close();
});

async function scenario(locale: 'en' | 'ru') {
  // distinct people per scenario: NotificationRef is unique on (channel, chat, message) across workspaces
  const base = locale === 'ru' ? 20_000 : 10_000;
  const managerId = base + 7001;
  const customerId = base + 8001;
  // the English workspace has a Mini App: its notifications carry a button that opens the board
  const miniAppUrl = locale === 'en' ? 'https://crm.example.test/miniapp/' : undefined;
  const stack = await telegramEmulatorStack({ slug: 'tg', timezone: 'Europe/Moscow', locale, miniAppUrl });
  stacks.push(stack);
  const { db, ws } = stack;
  const { user: manager, inviteCode } = await addUser(dbContext(db), systemActor(ws), { name: locale === 'ru' ? 'Мария' : 'Mary', role: 'manager', locale });

  const managerChat = stack.tg.chat(managerId, { firstName: 'Mary', userName: 'mary', languageCode: locale });
  const customerChat = stack.tg.chat(customerId, { firstName: locale === 'ru' ? 'Иван' : 'Ivan', userName: 'ivan', languageCode: locale });

  // the manager links their Telegram account with the invite code
  await managerChat.send(`/start ${inviteCode}`);
  const welcome = await managerChat.next('welcome');
  expect(welcome.message.text).toContain(locale === 'ru' ? 'Добро пожаловать' : 'Welcome');

  // a customer writes
  const question = locale === 'ru' ? 'Здравствуйте! Нужно 10 стульев <срочно> & недорого' : 'Hello! I need 10 chairs <urgent> & cheap';
  await customerChat.send(question);

  const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id }, include: { contact: true } }), 'the lead');
  expect(lead.assigneeId).toBe(manager.id);
  expect(lead.firstMessage).toBe(question);

  const ack = await customerChat.next('ack to the customer');
  expect(ack.message.text).toBe(
    locale === 'ru'
      ? 'Спасибо! Мы получили ваше сообщение, менеджер скоро ответит.'
      : 'Thank you! We have received your message and a manager will reply shortly.',
  );

  const notification = await managerChat.next('notification to the manager');
  expect(notification.message.text).toContain(locale === 'ru' ? `Новый лид #${lead.id}` : `New lead #${lead.id}`);
  // user text is HTML-escaped
  expect(notification.message.text).toContain('&lt;');
  expect(notification.message.text).toContain('&amp;');
  const all = notification.message.reply_markup!.inline_keyboard.flat() as Array<{ text: string; callback_data?: string; web_app?: { url: string } }>;
  // the Mini App button (a web_app button in a private chat) comes last, only where MINIAPP_URL is set
  const opens = all.filter((b) => b.web_app);
  expect(opens.map((b) => [b.text, b.web_app!.url])).toEqual(miniAppUrl ? [['📊 Open the board', miniAppUrl]] : []);
  const buttons = all.filter((b) => !b.web_app);
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
  await managerChat.send(answer, { replyTo: notification });
  const relayed = await customerChat.next('relayed answer to the customer');
  expect(relayed.message.text).toBe(answer);
  const confirm = await managerChat.next('relay confirmation');
  expect(confirm.message.text).toBe(locale === 'ru' ? `Отправлено клиенту (${lead.contact.name}):\n${answer}` : `Sent to ${lead.contact.name}:\n${answer}`);

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
  await managerChat.press(`lead:take:${lead.id}`, notification);
  const taken = await managerChat.next('take confirmation');
  expect(taken.message.text).toBe(locale === 'ru' ? `Лид #${lead.id} теперь ваш.` : `Lead #${lead.id} is yours now.`);
}

describe('Telegram end to end through a Bot API emulator', () => {
  it('customer -> lead -> manager notification -> reply -> customer (English)', async () => {
    await scenario('en');
  }, 60_000);
  it('customer -> lead -> manager notification -> reply -> customer (Russian)', async () => {
    await scenario('ru');
  }, 60_000);
});
