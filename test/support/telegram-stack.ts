// Whole Telegram stacks for tests, on the production pipeline of chat-stack.ts (real Postgres,
// Redis, BullMQ inbound and outbound queues, the chat worker, the outbound worker with
// TelegramSender):
// - telegramStack: the strict Bot API fake (limited-bot-api.ts), TelegramIntake fed with Update
//   objects (what the webhook and long polling hand it); people are linked in the database.
// - telegramEmulator / telegramEmulatorStack: the Bot API emulator (telegram-test-api) with
//   grammY long polling, people writing, replying and pressing buttons as Telegram clients,
//   and everything the bot sent to a chat readable as the emulator received it.
import { randomUUID } from 'node:crypto';
import type { Update } from 'grammy/types';
import type { Api } from 'grammy';
import { LimitedBotApi } from './limited-bot-api.js';
import { TelegramServer, type BotMessage } from './telegram-emulator.js';
import { chatBase, type ChatBase, type ChatStack } from './chat-stack.js';
import { freePort, waitFor } from './wait.js';
import { createTelegramApi } from '../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { TelegramIntake } from '../../bots/telegram/telegram-intake.js';
import { startPolling } from '../../bots/telegram/telegram-polling.js';
import type { Senders } from '../../bots/chat-runtime.js';

let updateSeq = 1;

const botToken = (tag: string) => `${Math.floor(Math.random() * 1e9) + 1000}:${tag}${randomUUID().replace(/-/g, '')}`;

export interface TelegramStack extends Pick<ChatStack, 'db' | 'ws' | 'workers' | 'chat'> {
  api: LimitedBotApi;
  intake: TelegramIntake;
  /** the bot token the senders use (a second worker process sends with it too) */
  token: string;
  /** the queues' Redis prefix (a second worker process joins them with it) */
  prefix: string;
  /** a team member linked to Telegram chat `chatId` */
  member(name: string, chatId: number, opts?: { onDuty?: boolean; role?: 'manager' | 'head' | 'admin' }): Promise<{ id: number; chatId: number }>;
  /** a private-chat text from `fromId`, optionally replying to a bot message */
  text(fromId: number, text: string, opts?: { firstName?: string; replyTo?: { messageId: number; text: string } }): Update;
  close(): Promise<void>;
}

export async function telegramStack(opts: { chatConcurrency?: number } = {}): Promise<TelegramStack> {
  const base = await chatBase({ slug: 'tgstack' });
  const { db, ws } = base;
  const api = await new LimitedBotApi().start();
  base.onClose(() => api.close());
  const token = botToken('STACK');
  const tg = createTelegramApi({ token, apiRoot: api.apiRoot });
  const { workers, chat, close } = await base.run({ senders: { telegram: new TelegramSender(tg) }, chatConcurrency: opts.chatConcurrency ?? 8 });
  const intake = new TelegramIntake(tg, base.inbound, { workspaceId: ws.id });
  return {
    db,
    ws,
    api,
    workers,
    chat,
    intake,
    token,
    prefix: base.settings.prefix,
    async member(name, chatId, o = {}) {
      const user = await db.user.create({ data: { workspaceId: ws.id, name, role: o.role ?? 'manager', locale: 'en', onDuty: o.onDuty ?? true } });
      await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: String(chatId), chatId: String(chatId), userId: user.id } });
      return { id: user.id, chatId };
    },
    text(fromId, text, o = {}) {
      const id = updateSeq++ + Math.floor(Math.random() * 1e6) * 1000;
      return {
        update_id: id,
        message: {
          message_id: id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: fromId, type: 'private', first_name: o.firstName ?? `User ${fromId}` },
          from: { id: fromId, is_bot: false, first_name: o.firstName ?? `User ${fromId}`, language_code: 'en' },
          text,
          ...(o.replyTo
            ? {
                reply_to_message: {
                  message_id: o.replyTo.messageId,
                  date: Math.floor(Date.now() / 1000),
                  chat: { id: fromId, type: 'private' },
                  text: o.replyTo.text,
                },
              }
            : {}),
        },
      } as unknown as Update;
    },
    close,
  };
}

/** A person's private chat with the bot, driven through the emulator as their Telegram client would. */
export interface EmulatorChat {
  readonly id: number;
  /** the `from` of this person's messages */
  readonly from: { id: number; first_name: string; is_bot: false; language_code?: string };
  /** a message from this person; `replyTo` makes it a reply to one of the bot's messages; `extra` adds Message fields (contact, location, ...) */
  send(text: string, opts?: { replyTo?: BotMessage; extra?: Record<string, unknown> }): Promise<void>;
  /** the next message the bot sent to this chat, in order; fails naming `what` when none comes within 15 s */
  next(what: string): Promise<BotMessage>;
  /** presses a button (callback data) on one of the bot's messages in this chat */
  press(data: string, on: BotMessage): Promise<void>;
  /** everything the bot sent to this chat so far, as the emulator received it, oldest first */
  received(): BotMessage[];
}

export interface TelegramEmulator {
  server: InstanceType<typeof TelegramServer>;
  token: string;
  /** grammY's Api on the emulator (what TelegramSender and the poller use) */
  api: Api;
  sender: TelegramSender;
  intake: TelegramIntake;
  chat(id: number, person: { firstName: string; userName?: string; languageCode?: string }): EmulatorChat;
  /** everything the bot sent to chat `id`, oldest first */
  sentTo(id: number | string): BotMessage[];
}

/** Starts a Bot API emulator and long polling into `base`'s inbound queue; stopped by `base.close()`. */
export async function telegramEmulator(base: ChatBase, opts: { tokenTag?: string } = {}): Promise<TelegramEmulator> {
  const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 120 });
  await server.start();
  base.onClose(() => server.stop());
  const token = botToken(opts.tokenTag ?? 'E2E');
  const api = createTelegramApi({ token, apiRoot: server.config.apiURL });
  const intake = new TelegramIntake(api, base.inbound, { workspaceId: base.ws.id });
  const poller = startPolling({ api, intake, idleBackoffMs: 100, logger: base.logger });
  base.onClose(() => poller.stop());

  const sentTo = (id: number | string): BotMessage[] =>
    server.storage.botMessages.filter((u) => u.botToken === token && String(u.message.chat_id) === String(id)) as unknown as BotMessage[];

  const chat = (id: number, person: { firstName: string; userName?: string; languageCode?: string }): EmulatorChat => {
    const client = server.getClient(token, { userId: id, chatId: id, firstName: person.firstName, userName: person.userName, timeout: 15_000, interval: 100 });
    const from = { id, first_name: person.firstName, is_bot: false as const, ...(person.languageCode ? { language_code: person.languageCode } : {}) };
    const seen = new Set<BotMessage>();
    return {
      id,
      from,
      async send(text, o = {}) {
        const reply = o.replyTo
          ? {
              reply_to_message: {
                message_id: o.replyTo.messageId,
                chat: { id, type: 'private' },
                date: Math.floor(Date.now() / 1000),
                text: o.replyTo.message.text,
              },
            }
          : {};
        await client.sendMessage(client.makeMessage(text, { from, ...reply, ...o.extra } as never));
      },
      async next(what) {
        const found = await waitFor(() => sentTo(id).find((m) => !seen.has(m)), `a bot message to ${person.firstName}: ${what}`, 15_000, 50);
        seen.add(found);
        return found;
      },
      async press(data, on) {
        await client.sendCallback({
          data,
          message: { message_id: on.messageId, chat: { id, type: 'private' } },
          from,
          botToken: token,
          date: Math.floor(Date.now() / 1000),
        } as never);
      },
      received: () => sentTo(id),
    };
  };
  return { server, token, api, sender: new TelegramSender(api), intake, chat, sentTo };
}

export interface TelegramEmulatorStack extends ChatStack {
  tg: TelegramEmulator;
}

/** A workspace whose only transport is Telegram through the emulator (more senders, e.g. email, may be added). */
export async function telegramEmulatorStack(
  opts: {
    slug?: string;
    locale?: 'en' | 'ru';
    timezone?: string;
    chatConcurrency?: number;
    senders?: (base: ChatBase) => Senders;
    telegramBotUsername?: string;
    miniAppUrl?: string;
  } = {},
): Promise<TelegramEmulatorStack> {
  const base = await chatBase({ slug: opts.slug ?? 'tg', locale: opts.locale, timezone: opts.timezone, queuePrefix: 'e2e' });
  try {
    const tg = await telegramEmulator(base);
    const stack = await base.run({
      senders: { telegram: tg.sender, ...opts.senders?.(base) },
      chatConcurrency: opts.chatConcurrency,
      telegramBotUsername: opts.telegramBotUsername,
      miniAppUrl: opts.miniAppUrl,
    });
    return { ...stack, tg };
  } catch (e) {
    await base.close().catch(() => {});
    throw e;
  }
}
