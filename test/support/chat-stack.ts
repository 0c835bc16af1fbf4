// The production chat pipeline for end-to-end tests, transport-neutral: a workspace of its own
// in the real test database, the inbound queue (Redis), the outbound, reminder and SLA workers
// with the senders the test's transports give, and the chat worker running the engine on the
// inbound queue. Built in two steps, because a transport's edge needs the inbound queue to
// submit to and the workers need the transport's sender:
//
//   const base = await chatBase({ slug: 'tg' });          // workspace + inbound queue
//   const tg = await telegramEmulator(base);              // an edge (telegram-stack.ts, slack-stack.ts)
//   const stack = await base.run({ senders: { telegram: tg.sender } });
//   ...
//   await stack.close();                                   // everything, in reverse order
import type { WebViewLinks } from '../../core/miniapp/web-token.js';
import { inject } from 'vitest';
import { testDb, uniqueSlug } from './db.js';
import { queuesDrained } from './push.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { queueSettings, type QueueSettings } from '../../connectors/queue/connection.js';
import { testPrefix } from './redis-keys.js';
import { startWorkers, type RunningWorkers, type StartWorkersOptions } from '../../connectors/queue/workers.js';
import { InboundQueue } from '../../connectors/queue/inbound-queue.js';
import { startChatWorker, type ChatWorker, type Senders } from '../../bots/chat-runtime.js';
import { createLogger, type Logger } from '../../connectors/logger.js';
import type { InboundMessage } from '../../core/chat/inbound.js';

export type Workspace = Awaited<ReturnType<typeof ensureWorkspace>>;

export interface ChatBase {
  db: ReturnType<typeof testDb>;
  ws: Workspace;
  settings: QueueSettings;
  logger: Logger;
  inbound: InboundQueue;
  /** registers something to stop at close(); stopped in reverse order of registration */
  onClose(stop: () => Promise<unknown>): void;
  /** starts the workers (outbound with these senders, reminders, SLA) and the chat worker */
  run(opts: {
    senders: Senders;
    chatConcurrency?: number;
    onHandled?: (message: InboundMessage) => void;
    telegramBotUsername?: string;
    /** more worker options (mailing links, limits ...) */
    workers?: Partial<StartWorkersOptions>;
    webView?: WebViewLinks;
    /** MINIAPP_URL: notifications carry the Mini App button */
    miniAppUrl?: string;
  }): Promise<ChatStack>;
  close(): Promise<void>;
}

export interface ChatStack extends ChatBase {
  workers: RunningWorkers;
  chat: ChatWorker;
  /**
   * Resolves once the inbound and the outbound queue have nothing waiting, running or delayed:
   * every message handed in before was handled and whatever it sent went out. The sentinel for
   * "nothing more was sent", never a sleep.
   */
  drained(): Promise<void>;
}

export async function chatBase(opts: { slug: string; locale?: 'en' | 'ru'; timezone?: string; queuePrefix?: string }): Promise<ChatBase> {
  const db = testDb();
  const settings = queueSettings(inject('redisUrl'), testPrefix(opts.queuePrefix ?? opts.slug));
  const logger = createLogger(process.env.E2E_LOG ?? process.env.TEST_LOG ?? 'silent');
  const ws = await ensureWorkspace(db, uniqueSlug(opts.slug), { timezone: opts.timezone ?? 'UTC', locale: opts.locale ?? 'en' });
  const stops: Array<() => Promise<unknown>> = [];
  const inbound = new InboundQueue(settings);
  stops.push(() => inbound.close());
  const base: ChatBase = {
    db,
    ws,
    settings,
    logger,
    inbound,
    onClose: (stop) => void stops.push(stop),
    async run(o) {
      const workers = await startWorkers({ ctx: dbContext(db), settings, senders: o.senders, logger, reconcile: false, ...o.workers });
      stops.push(() => workers.close());
      const chat = startChatWorker({
        db,
        settings,
        workspaceId: ws.id,
        outbox: workers.outbox,
        scheduler: workers.scheduler,
        logger,
        concurrency: o.chatConcurrency ?? 4,
        onHandled: o.onHandled,
        telegramBotUsername: o.telegramBotUsername,
        webView: o.webView,
        miniAppUrl: o.miniAppUrl,
      });
      stops.push(() => chat.close());
      return { ...base, workers, chat, drained: () => queuesDrained(inbound.queue, workers.outbox.queue) };
    },
    async close() {
      // every part is stopped even when one fails; the first failure is reported
      let failure: unknown;
      for (const stop of stops.splice(0).reverse()) await stop().catch((e: unknown) => (failure ??= e));
      if (failure) throw failure;
    },
  };
  return base;
}
