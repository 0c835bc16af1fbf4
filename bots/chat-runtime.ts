// The chat side of a worker process: the inbound queue's worker runs the engine on each
// message and queues its replies for the chat the message came from; they and the pushes
// (notifications, acknowledgements, relayed answers) all go through the outbound queue, so
// no inbound worker ever waits on a platform limit. Used by `leadline start`,
// the console chat, the end-to-end test and the inbound benchmark.
import type { Db } from '../core/db.js';
import type { Clock, ChannelSender, CustomerIntake, Outbox } from '../core/ports.js';
import { SqlCustomerIntake } from '../connectors/db/intake/index.js';
import { systemClock, type OutboxItem } from '../core/ports.js';
import { createHash } from 'node:crypto';
import type { Channel } from '../prisma/generated/enums.js';
import { handleInbound } from '../core/chat/handle-inbound.js';
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

export type Senders = Partial<Record<Channel, ChannelSender>>;

/** Dedupe keys are at most 200 characters; longer inbound keys are hashed. */
function replyKey(message: InboundMessage, index: number): string {
  const base = message.dedupeKey.length > 160 ? createHash('sha256').update(message.dedupeKey).digest('hex') : message.dedupeKey;
  return `reply:${base}#${index}`;
}

/**
 * The engine's replies as outbox items for the chat the message came from. They go through the
 * outbound queue like every other message (per-chat spacing and order, per-bot limit, 429s
 * rescheduled), so an inbound worker never waits on a platform limit; the dedupe keys make a
 * re-run of the same inbound job send each reply once.
 */
export function replyItems(workspaceId: number, message: InboundMessage, replies: Reply[]): OutboxItem[] {
  return replies.map((r, i) => {
    const item: OutboxItem = {
      workspaceId,
      chat: { channel: message.channel, chatId: message.externalChatId },
      text: r.text,
      lane: 'interactive',
      dedupeKey: replyKey(message, i),
    };
    if (r.buttons?.length) item.buttons = r.buttons;
    if (r.replyToExternalId) item.replyToExternalId = r.replyToExternalId;
    return item;
  });
}

/** Queues the engine's replies (one round trip when the outbox takes many). */
export async function sendReplies(outbox: Outbox, workspaceId: number, message: InboundMessage, replies: Reply[]): Promise<void> {
  const items = replyItems(message.workspaceId ?? workspaceId, message, replies);
  if (items.length === 0) return;
  if (outbox.enqueueMany) await outbox.enqueueMany(items);
  else for (const item of items) await outbox.enqueue(item);
}

export interface ChatWorkerOptions {
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
  concurrency?: number;
  /** what is retried how often, and how often kept failures are re-driven (INBOUND_* settings) */
  retry?: Partial<InboundRetryPolicy>;
  redriveMs?: number;
  /** how long a crashed worker's inbound job stays locked before another takes it (default 30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** wrong invite codes allowed per identity and per workspace (INVITE_ATTEMPTS_* settings) */
  attemptLimits?: AttemptLimits;
  /** file storage, sources and limits (bots/chat-files.ts); without it attachments stay metadata lines */
  files?: ChatFiles;
  /** called after each message is handled (benchmarks, console echo) */
  onHandled?: (message: InboundMessage, replies: Reply[]) => void;
}

export interface ChatWorker {
  deps: ChatDeps;
  worker: Worker;
  close(): Promise<void>;
}

export function startChatWorker(opts: ChatWorkerOptions): ChatWorker {
  const clarify = new RedisClarifyStore(opts.settings.redis, opts.settings.prefix);
  const albums = new BullMQAlbumScheduler(opts.settings);
  const attempts = new RedisAttemptLimiter(opts.settings.redis, opts.settings.prefix, opts.attemptLimits);
  const deps: ChatDeps = {
    db: opts.db,
    clock: opts.clock ?? systemClock,
    outbox: opts.outbox,
    intake: opts.intake ?? new SqlCustomerIntake(opts.db),
    defaultWorkspaceId: opts.workspaceId,
    scheduler: opts.scheduler,
    parser: new RuleParser(),
    clarify,
    llm: opts.llm,
    ai: opts.ai,
    // text the rules do not understand goes to AI assist (a no-op answer when it is off)
    unknownText: handOffUnknownText,
    logger: opts.logger,
    attempts,
    files: opts.files,
    albums,
  };
  // an album's one forward, a short window after its first item (core/chat/albums.ts)
  const albumWorker = startAlbumWorker(opts.settings, (job) => forwardAlbum(deps, job), opts.logger);
  const inbound: InboundWorker = startInboundWorker(
    opts.settings,
    async (message) => {
      const replies = await handleInbound(deps, message);
      await sendReplies(opts.outbox, opts.workspaceId, message, replies);
      opts.onHandled?.(message, replies);
    },
    {
      concurrency: opts.concurrency,
      logger: opts.logger,
      retry: opts.retry,
      redriveMs: opts.redriveMs,
      lockDurationMs: opts.lockDurationMs,
      stalledIntervalMs: opts.stalledIntervalMs,
    },
  );
  return {
    deps,
    worker: inbound.worker,
    async close() {
      await inbound.close();
      await albumWorker.close();
      await Promise.all([clarify.close(), attempts.close(), albums.close()]);
    },
  };
}

export { InboundQueue };
