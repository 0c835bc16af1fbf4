// A whole Telegram stack for integration tests on the strict Bot API fake
// (limited-bot-api.ts): real Postgres, Redis, BullMQ inbound and outbound queues, the chat
// worker, the outbound worker with TelegramSender, and TelegramIntake fed with Update objects
// (what the webhook and long polling hand it). People are linked directly in the database.
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Update } from 'grammy/types';
import { testDb, uniqueSlug } from './db.js';
import { LimitedBotApi } from './limited-bot-api.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { coreContext } from '../../core/context.js';
import { queueSettings } from '../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../connectors/queue/workers.js';
import { InboundQueue } from '../../connectors/queue/inbound-queue.js';
import { startChatWorker, type ChatWorker } from '../../bots/chat-runtime.js';
import { createTelegramApi } from '../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { TelegramIntake } from '../../bots/telegram/telegram-intake.js';
import { createLogger } from '../../connectors/logger.js';
import { testPrefix } from './redis-keys.js';

let updateSeq = 1;

export interface TelegramStack {
  db: ReturnType<typeof testDb>;
  ws: { id: number };
  api: LimitedBotApi;
  workers: RunningWorkers;
  chat: ChatWorker;
  intake: TelegramIntake;
  /** a team member linked to Telegram chat `chatId` */
  member(name: string, chatId: number, opts?: { onDuty?: boolean; role?: 'manager' | 'head' | 'admin' }): Promise<{ id: number; chatId: number }>;
  /** a private-chat text from `fromId`, optionally replying to a bot message */
  text(fromId: number, text: string, opts?: { firstName?: string; replyTo?: { messageId: number; text: string } }): Update;
  close(): Promise<void>;
}

export async function telegramStack(opts: { chatConcurrency?: number } = {}): Promise<TelegramStack> {
  const db = testDb();
  const redisUrl = inject('redisUrl');
  const settings = queueSettings(redisUrl, testPrefix('tgstack'));
  const logger = createLogger(process.env.TEST_LOG ?? 'silent');
  const ws = await ensureWorkspace(db, uniqueSlug('tgstack'), { timezone: 'UTC', locale: 'en' });
  const api = await new LimitedBotApi().start();
  const token = `${Math.floor(Math.random() * 1e9) + 1000}:STACK${randomUUID().replace(/-/g, '')}`;
  const tg = createTelegramApi({ token, apiRoot: api.apiRoot });
  const workers = await startWorkers({ ctx: coreContext(db), settings, senders: { telegram: new TelegramSender(tg) }, logger, reconcile: false });
  const inbound = new InboundQueue(settings);
  const chat = startChatWorker({
    db,
    settings,
    workspaceId: ws.id,
    outbox: workers.outbox,
    scheduler: workers.scheduler,
    logger,
    concurrency: opts.chatConcurrency ?? 8,
  });
  const intake = new TelegramIntake(tg, inbound, { workspaceId: ws.id });
  return {
    db,
    ws,
    api,
    workers,
    chat,
    intake,
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
    async close() {
      await chat.close();
      await workers.close();
      await inbound.close();
      await api.close();
    },
  };
}
