// A relay thread is not a pipe, end to end through the real transports: the manager answers a
// lead notification in its thread (a Telegram reply to it through the Bot API emulator and
// grammY long polling; a Slack thread reply through the signed Bolt receiver and the fake Web
// API), on the same platform as the customer and across (customer on Telegram, manager on
// Slack, and the other way round). In the thread
// - a command acts on that lead (/tasks today, /take, a deal with an amount, a stage move) and
//   only the manager gets its answer;
// - "!text" and "/note text" are stored on the lead's timeline and never sent;
// - a button press acts on the lead;
// - plain text reaches the customer on the customer's channel, and the manager is shown
//   exactly what was sent.
// What the customer's chat received is read from the emulator or the fake, after a sentinel:
// the manager's confirmation of the answer, then both queues empty.
import { describe, expect, it, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../support/wait.js';
import { chatBase, type ChatStack } from '../support/chat-stack.js';
import { telegramEmulator, type TelegramEmulator } from '../support/telegram-stack.js';
import { slackEdge, type SlackEdge } from '../support/slack-stack.js';
import type { BotMessage } from '../support/telegram-emulator.js';
import type { FakeSlackCall } from '../support/fake-slack.js';
import { addUser } from '../../core/users/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import type { Senders } from '../../bots/chat-runtime.js';

type Platform = 'telegram' | 'slack';

/** What a platform received, as core wrote it (both renderers escape &, < and >). */
const plain = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One message to the manager: its text, its buttons' callback data, and the platform's own record of it. */
interface Said {
  text: string;
  buttons: string[];
  raw: BotMessage | FakeSlackCall;
}

interface ManagerSide {
  next(what: string): Promise<Said>;
  /** plain text in the notification's thread */
  inThread(text: string, notification: Said): Promise<void>;
  /**
   * A command in the notification's thread, typed as the platform lets it be typed there:
   * Slack runs no slash command in a thread and takes a message starting with "/" for one of
   * its own, so people put a space in front (Slack's own advice); Telegram sends it as is.
   */
  commandInThread(command: string, notification: Said): Promise<void>;
  press(data: string, on: Said): Promise<void>;
}

interface CustomerSide {
  write(text: string): Promise<void>;
  next(what: string): Promise<string>;
  /** everything the customer's chat received, as the platform received it */
  received(): string[];
}

interface World {
  stack: ChatStack;
  managerId: number;
  manager: ManagerSide;
  customer: CustomerSide;
}

let world: World | undefined;
afterEach(async () => {
  await world?.stack.close();
  world = undefined;
});

const tag = () => randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();

async function telegramManager(tg: TelegramEmulator, inviteCode: string): Promise<ManagerSide> {
  // a chat id of this run's own: notification refs are unique per (channel, chat, message) across workspaces
  const chat = tg.chat(40_000_000 + Math.floor(Math.random() * 9_000_000), { firstName: 'Mary', userName: 'mary', languageCode: 'en' });
  const said = (m: BotMessage): Said => ({
    text: plain(m.message.text),
    buttons: (m.message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data),
    raw: m,
  });
  await chat.send(`/start ${inviteCode}`);
  expect((await chat.next('welcome')).message.text).toContain('Welcome');
  return {
    next: async (what) => said(await chat.next(what)),
    inThread: (text, n) => chat.send(text, { replyTo: n.raw as BotMessage }),
    commandInThread: (command, n) => chat.send(command, { replyTo: n.raw as BotMessage }),
    press: (data, on) => chat.press(data, on.raw as BotMessage),
  };
}

async function slackManager(slack: SlackEdge, inviteCode: string, userId: number): Promise<ManagerSide> {
  const user = `UMGR${tag()}`;
  slack.fake.addUser({ id: user, team_id: slack.fake.teamId, name: 'mary', real_name: 'Mary Manager', locale: 'en-US' });
  const dm = await slack.link(user, inviteCode, userId);
  const posts = slack.channel(dm);
  const said = (c: FakeSlackCall): Said => {
    const blocks = (c.params.blocks ?? []) as Array<{ type: string; elements?: Array<{ value: string }> }>;
    return { text: plain(String(c.params.text)), buttons: blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements!.map((e) => e.value)), raw: c };
  };
  expect((await posts.next('welcome')).params.text).toContain('Welcome');
  const inThread = async (text: string, n: Said) => {
    const res = await slack.postEvent({
      type: 'message',
      channel: dm,
      channel_type: 'im',
      user,
      team: slack.fake.teamId,
      text,
      ts: slack.nextTs(),
      thread_ts: (n.raw as FakeSlackCall).ts,
    });
    expect(res.status).toBe(200);
  };
  return {
    next: async (what) => said(await posts.next(what)),
    inThread,
    commandInThread: (command, n) => inThread(` ${command}`, n),
    press: async (data, on) => {
      expect((await slack.click(user, data, { channel: dm, messageTs: (on.raw as FakeSlackCall).ts! })).status).toBe(200);
    },
  };
}

function telegramCustomer(tg: TelegramEmulator): CustomerSide {
  const chat = tg.chat(50_000_000 + Math.floor(Math.random() * 9_000_000), { firstName: 'Olga', userName: 'olga', languageCode: 'en' });
  return {
    write: (text) => chat.send(text),
    next: async (what) => plain((await chat.next(what)).message.text),
    received: () => chat.received().map((m) => plain(m.message.text)),
  };
}

function slackCustomer(slack: SlackEdge): CustomerSide {
  const user = `UCUST${tag()}`;
  const channel = `CSHARED${tag()}`;
  slack.fake.addUser({ id: user, team_id: 'TCUSTOMER', name: 'olga', real_name: 'Olga Petrova', locale: 'en-US' });
  slack.fake.addChannel({ id: channel, name: 'olga-shared', is_shared: true, is_ext_shared: true });
  let thread: string | undefined;
  const posts = () => slack.channel(channel);
  const reader = posts();
  return {
    async write(text) {
      const ts = slack.nextTs();
      thread ??= ts;
      const res = await slack.postEvent({
        type: 'message',
        channel,
        channel_type: 'channel',
        user,
        user_team: 'TCUSTOMER',
        text,
        ts,
        ...(ts === thread ? {} : { thread_ts: thread }),
      });
      expect(res.status).toBe(200);
    },
    async next(what) {
      const post = await reader.next(what);
      // the customer is answered in their own thread, never in the channel at large
      expect(post.params.thread_ts).toBe(thread);
      return plain(String(post.params.text));
    },
    received: () =>
      posts()
        .received()
        .map((c) => plain(String(c.params.text))),
  };
}

/** A workspace with one manager and one customer on the platforms given, through the real transports. */
async function relayWorld(on: { customer: Platform; manager: Platform }): Promise<World> {
  const base = await chatBase({ slug: 'relay', queuePrefix: 'e2e-relay' });
  try {
    const uses = new Set([on.customer, on.manager]);
    const tg = uses.has('telegram') ? await telegramEmulator(base, { tokenTag: 'RELAY' }) : undefined;
    const slack = uses.has('slack') ? await slackEdge(base) : undefined;
    const senders: Senders = {};
    if (tg) senders.telegram = tg.sender;
    if (slack) senders.slack = slack.transport.sender;
    const stack = await base.run({ senders, onHandled: slack ? (m) => void slack.transport.refreshAfter(m) : undefined });
    const { user, inviteCode } = await addUser(dbContext(stack.db), systemActor(stack.ws), { name: 'Mary', role: 'manager', locale: 'en' });
    const manager = on.manager === 'telegram' ? await telegramManager(tg!, inviteCode) : await slackManager(slack!, inviteCode, user.id);
    const customer = on.customer === 'telegram' ? telegramCustomer(tg!) : slackCustomer(slack!);
    return { stack, managerId: user.id, manager, customer };
  } catch (e) {
    await base.close().catch(() => {});
    throw e;
  }
}

const ACK = 'Thank you! We have received your message and a manager will reply shortly.';

async function relayThread(on: { customer: Platform; manager: Platform }) {
  world = await relayWorld(on);
  const { stack, manager, customer, managerId } = world;
  const { db, ws } = stack;

  // a customer writes: a lead, the acknowledgement, the manager's notification with buttons
  await customer.write('Hello, I need 20 office chairs');
  const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id }, include: { contact: true } }), 'the lead');
  expect(lead.assigneeId).toBe(managerId);
  expect(await customer.next('the acknowledgement')).toBe(ACK);
  const notification = await manager.next('the lead notification');
  expect(notification.text).toContain(`New lead #${lead.id}`);
  expect(notification.buttons).toContain(`lead:remind:${lead.id}`);

  // commands in the thread: each acts on the thread's lead and answers the manager
  await manager.commandInThread('/tasks today', notification);
  const tasks = await manager.next('the answer to /tasks today');
  expect(tasks.text).toMatch(/^(Today, \d+ tasks?:|Nothing due today\.)/);

  await manager.commandInThread('/take', notification);
  expect((await manager.next('the answer to /take')).text).toBe(`Lead #${lead.id} is yours now.`);

  await manager.commandInThread('/deal 1700000 RUB', notification);
  const created = await manager.next('the answer to /deal with an amount');
  const deal = await db.deal.findFirstOrThrow({ where: { workspaceId: ws.id } });
  expect({ leadId: deal.leadId, contactId: deal.contactId, amount: deal.amount?.toString(), currency: deal.currency }).toEqual({
    leadId: lead.id,
    contactId: lead.contactId,
    amount: '1700000',
    currency: 'RUB',
  });
  expect(created.text).toMatch(new RegExp(`^Deal #${deal.id} ".*" created, .*1.?700.?000.* in stage New\\.$`));

  await manager.commandInThread('/stage negotiation', notification);
  expect((await manager.next('the answer to /stage')).text).toBe(`Deal #${deal.id} "${deal.title}" moved to Negotiation.`);
  expect((await db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } })).stage.name).toBe('Negotiation');

  // a slash that makes no command is not an answer either
  await manager.commandInThread('/tasks, please', notification);
  expect((await manager.next('the answer to a malformed command')).text).toBe(
    '/tasks, is not a command, and it was not sent to the customer. To send a text that starts with "/", write it after /reply. Commands: /help.',
  );

  // internal notes: stored on the lead's timeline, never sent
  await manager.inThread('! called, no answer', notification);
  expect((await manager.next('the answer to !note')).text).toBe(`Note added to lead #${lead.id}. It stays internal.`);
  await manager.commandInThread('/note will call back at 5', notification);
  expect((await manager.next('the answer to /note')).text).toBe(`Note added to lead #${lead.id}. It stays internal.`);
  const notes = await db.activity.findMany({ where: { leadId: lead.id, type: 'note' }, orderBy: { id: 'asc' } });
  expect(notes.map((n) => (n.data as { text: string }).text)).toEqual(['called, no answer', 'will call back at 5']);

  // a button press on the notification acts on the lead
  await manager.press(`lead:remind:${lead.id}`, notification);
  const ask = await manager.next('the Remind me question');
  expect(ask.text).toBe(`When should I remind you about lead #${lead.id}?`);
  expect(ask.buttons).toContain(`lead:remind:${lead.id}:30m`);
  await manager.press(`lead:remind:${lead.id}:30m`, ask);
  const set = await manager.next('the reminder set');
  const task = await waitFor(() => db.task.findFirst({ where: { workspaceId: ws.id, leadId: lead.id, title: { startsWith: 'Follow up' } } }), 'the reminder');
  expect(task).toMatchObject({ assigneeId: managerId, title: `Follow up lead #${lead.id}: ${lead.contact.name}` });
  expect(set.text).toContain(`Reminder #${task.id} set: Follow up lead #${lead.id}`);

  // plain text is the answer: it reaches the customer, the manager sees exactly what was sent
  const answer = 'Hello Olga! The offer for 20 chairs follows today.';
  await manager.inThread(answer, notification);
  expect((await manager.next('the relay confirmation')).text).toBe(`Sent to ${lead.contact.name}:\n${answer}`);
  expect(await customer.next('the answer')).toBe(answer);

  // the sentinel: every message was handled and everything it sent went out
  await stack.drained();
  expect(customer.received()).toEqual([ACK, answer]);
  const outbound = await db.message.findMany({ where: { workspaceId: ws.id, direction: 'outbound' }, select: { text: true, authorUserId: true } });
  expect(outbound).toEqual([{ text: answer, authorUserId: managerId }]);
  expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).firstResponseAt).not.toBeNull();
}

describe('relay threads end to end', () => {
  it('Telegram customer, Telegram manager', { timeout: 90_000 }, async () => {
    await relayThread({ customer: 'telegram', manager: 'telegram' });
  });
  it('Slack customer, Slack manager', { timeout: 90_000 }, async () => {
    await relayThread({ customer: 'slack', manager: 'slack' });
  });
  it('Telegram customer, Slack manager', { timeout: 90_000 }, async () => {
    await relayThread({ customer: 'telegram', manager: 'slack' });
  });
  it('Slack customer, Telegram manager', { timeout: 90_000 }, async () => {
    await relayThread({ customer: 'slack', manager: 'telegram' });
  });
});
