// The chat engine of a process (createChatEngine) and the chat side of a worker process: the
// inbound queue's worker runs the engine on each message and queues its replies for the chat
// the message came from, kept with the turn's other outbox items until queued (the REST API
// runs the same engine for the leads it creates); they and the pushes
// (notifications, acknowledgements, relayed answers) all go through the outbound queue, so
// no inbound worker ever waits on a platform limit. Used by `leadline start`,
// the console chat, the end-to-end test and the inbound benchmark.
import type { WebViewLinks } from '../core/miniapp/web-token.js';
import type { Db } from '../core/db.js';
import type { Clock, ChannelSender, CustomerIntake, Outbox } from '../core/ports.js';
import { SqlCustomerIntake } from '../connectors/db/intake/index.js';
import { sqlStores } from '../connectors/db/stores/index.js';
import { systemClock } from '../core/ports.js';
import type { Channel } from '../prisma/generated/enums.js';
import { handleInbound, handleInboundOutcome, type InboundOutcome } from '../core/chat/handle-inbound.js';
import type { ChatDeps } from '../core/chat/turn.js';
import type { InboundMessage } from '../core/chat/inbound.js';
import type { Reply } from '../core/chat/reply.js';
import { RuleParser } from '../core/parse/parser.js';
import { InboundQueue, startInboundWorker, type InboundRetryPolicy, type InboundWorker } from '../connectors/queue/inbound-queue.js';
import { RedisClarifyStore } from '../connectors/queue/redis-clarify-store.js';
import { RedisAttemptLimiter, type AttemptLimits } from '../connectors/queue/attempt-limiter.js';
import type { QueueSettings } from '../connectors/queue/connection.js';
import type { Logger } from '../connectors/logger.js';
import type { Scheduler } from '../core/ports.js';
import type { Worker } from 'bullmq';
import type { Llm } from '../core/ports.js';
import type { AiJobs } from '../core/ai/jobs.js';
import { handOffUnknownText } from '../core/chat/ai/chat-actions.js';
import type { ChatFiles } from '../core/files/file-store.js';
import { BullMQAlbumScheduler, startAlbumWorker } from '../connectors/queue/album-queue.js';
import { forwardAlbum } from '../core/chat/albums.js';
import { BullMQMailingJobs } from '../connectors/queue/mailing-queue.js';

export type Senders = Partial<Record<Channel, ChannelSender>>;

export interface ChatEngineOptions {
  db: Db;
  settings: QueueSettings;
  workspaceId: number;
  outbox: Outbox;
  /** the intake store (default: the SQL store on `db`) */
  intake?: CustomerIntake;
  scheduler?: Scheduler;
  clock?: Clock;
  /** AI assist: both set = on (connectors/llm/create-llm.ts, connectors/queue/ai-queue.ts) */
  llm?: Llm;
  ai?: AiJobs;
  logger?: Logger;
  /** wrong invite codes allowed per identity and per workspace (INVITE_ATTEMPTS_* settings) */
  attemptLimits?: AttemptLimits;
  /** file storage, sources and limits (bots/chat-files.ts); without it attachments stay metadata lines */
  files?: ChatFiles;
  /** TELEGRAM_BOT_USERNAME: invites from /team carry a t.me deep link */
  telegramBotUsername?: string;
  /** web-view links (MINIAPP_URL, MINIAPP_LINK_SECRET): the App Home's "open in a browser" button */
  webView?: WebViewLinks;
  /** MINIAPP_URL: new-lead notifications on Telegram carry a button that opens the board */
  miniAppUrl?: string;
}

/**
 * The one road of an inbound message, whoever received it: the inbound queue's worker runs it
 * for every channel, and the REST API runs it in the web process for a lead it creates (so an
 * API lead is deduped, assigned, notified, acknowledged and handed to AI extraction exactly
 * like a form post or a Telegram message). `handle` = the engine on the message; its replies
 * for the message's chat are queued by the engine's own pipeline (deps.queueReplies).
 */
export interface ChatEngine {
  deps: ChatDeps;
  handle(message: InboundMessage): Promise<Reply[]>;
  /** handle, with the lead the turn created when it knows it (the REST API answers with it) */
  run(message: InboundMessage): Promise<InboundOutcome>;
  close(): Promise<void>;
}

export function createChatEngine(opts: ChatEngineOptions): ChatEngine {
  const clarify = new RedisClarifyStore(opts.settings.redis, opts.settings.prefix);
  const albums = new BullMQAlbumScheduler(opts.settings);
  const attempts = new RedisAttemptLimiter(opts.settings.redis, opts.settings.prefix, opts.attemptLimits);
  const mailings = new BullMQMailingJobs(opts.settings);
  const deps: ChatDeps = {
    db: opts.db,
    clock: opts.clock ?? systemClock,
    outbox: opts.outbox,
    intake: opts.intake ?? new SqlCustomerIntake(opts.db),
    stores: sqlStores,
    defaultWorkspaceId: opts.workspaceId,
    scheduler: opts.scheduler,
    parser: new RuleParser(),
    clarify,
    llm: opts.llm,
    ai: opts.ai,
    mailings,
    // text the rules do not understand goes to AI assist (a no-op answer when it is off)
    unknownText: handOffUnknownText,
    logger: opts.logger,
    attempts,
    files: opts.files,
    webView: opts.webView,
    miniAppUrl: opts.miniAppUrl,
    albums,
    // replies are queued with the turn's other items, kept on its InboundEvent until queued
    queueReplies: true,
    telegramBotUsername: opts.telegramBotUsername,
  };
  return {
    deps,
    async handle(message) {
      return handleInbound(deps, message);
    },
    async run(message) {
      return handleInboundOutcome(deps, message);
    },
    async close() {
      await Promise.all([clarify.close(), attempts.close(), albums.close(), mailings.close()]);
    },
  };
}

/** Where a turn run outside a queue job keeps its message while it runs (connectors/queue/inbound-queue.ts InboundQueue.guard). */
export interface TurnGuard {
  guard(message: InboundMessage, delayMs: number): Promise<void>;
  unguard(dedupeKey: string): Promise<void>;
}

/** How long a guarded turn may take before a worker's sweep runs its copy: far beyond any live turn, so none runs twice at once. */
export const TURN_GUARD_MS = 60_000;

/**
 * The engine for turns run outside a queue job (the REST API's, in the `web` role). A queue
 * job is redelivered when its worker dies; such a turn has no job, so its message is kept in
 * Redis while it runs (InboundQueue.guard) and taken back once it is done. A process that
 * dies between the turn's commit and its items reaching the outbound queue (or before the
 * commit) leaves the message, which a worker queues as an inbound job after `delayMs`: the
 * claimed dedupe key makes that job queue what the turn left behind (an unclaimed one runs
 * the turn). A turn that failed keeps its guard for the same reason: whatever it committed is
 * finished by the job.
 */
export function guardedEngine(engine: ChatEngine, guard: TurnGuard, delayMs = TURN_GUARD_MS): ChatEngine {
  const guarded = async <T>(message: InboundMessage, turn: () => Promise<T>): Promise<T> => {
    await guard.guard(message, delayMs);
    const out = await turn();
    // left in place, it becomes a job that finds nothing to do: not worth failing the answer for
    await guard
      .unguard(message.dedupeKey)
      .catch((err: unknown) => engine.deps.logger?.warn({ err, dedupeKey: message.dedupeKey }, "could not take back a finished turn's guard"));
    return out;
  };
  return {
    deps: engine.deps,
    handle: (message) => guarded(message, () => engine.handle(message)),
    run: (message) => guarded(message, () => engine.run(message)),
    close: () => engine.close(),
  };
}

export interface ChatWorkerOptions extends ChatEngineOptions {
  concurrency?: number;
  /** what is retried how often, and how often kept failures are re-driven (INBOUND_* settings) */
  retry?: Partial<InboundRetryPolicy>;
  redriveMs?: number;
  /** how often to look for REST API turns whose process died (default 15 s) */
  guardSweepMs?: number;
  /** how long a crashed worker's inbound job stays locked before another takes it (default 30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** called after each message is handled (benchmarks, console echo) */
  onHandled?: (message: InboundMessage, replies: Reply[]) => void;
}

export interface ChatWorker {
  deps: ChatDeps;
  worker: Worker;
  close(): Promise<void>;
}

export function startChatWorker(opts: ChatWorkerOptions): ChatWorker {
  const engine = createChatEngine(opts);
  // an album's one forward, a short window after its first item (core/chat/albums.ts)
  const albumWorker = startAlbumWorker(opts.settings, (job) => forwardAlbum(engine.deps, job), opts.logger);
  const inbound: InboundWorker = startInboundWorker(
    opts.settings,
    async (message) => {
      const replies = await engine.handle(message);
      opts.onHandled?.(message, replies);
    },
    {
      concurrency: opts.concurrency,
      logger: opts.logger,
      retry: opts.retry,
      redriveMs: opts.redriveMs,
      guardSweepMs: opts.guardSweepMs,
      lockDurationMs: opts.lockDurationMs,
      stalledIntervalMs: opts.stalledIntervalMs,
    },
  );
  return {
    deps: engine.deps,
    worker: inbound.worker,
    async close() {
      await inbound.close();
      await albumWorker.close();
      await engine.close();
    },
  };
}

export { InboundQueue };
