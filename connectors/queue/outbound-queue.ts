// The outbound queue: every message to a user or customer goes through it.
// - BullMQOutbox.enqueue validates the OutboxItem (zod) and adds a job; an item with a
//   dedupeKey gets the job id "out-<key>", so adding it twice is a no-op while the job is kept.
// - The worker delivers with core's deliverOutboxItem, retrying transient errors with
//   exponential backoff; permanent refusals end with UnrecoverableError (no endless retries).
// - Per-chat and per-channel limits come from ChannelRateLimiter (shared through Redis);
//   a sender's RateLimitedError(retryAfterMs) postpones the job without spending an attempt.
//
// Exactly-once and its residual window: a deduplicated item is skipped when the
// OutboundDelivery ledger says it was sent. If a process dies after the platform accepted
// the message but before the ledger row is marked "sent", the job is retried and the
// message can go out twice; no platform API lets us close that window.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { CoreContext } from '../../core/context.js';
import { deliverOutboxItem, recordGivenUp, type ChannelSenders, type DeliveryOutcome, type DeliveryTarget } from '../../core/outbound/deliver.js';
import { RateLimitedError, type Outbox, type OutboxItem } from '../../core/ports.js';
import type { Logger } from 'pino';
import { queuePrefix, type QueueSettings } from './connection.js';
import { ChannelRateLimiter, DEFAULT_CHANNEL_LIMITS, type ChannelLimits } from './rate-limit.js';

export const OUTBOUND_QUEUE = 'outbound';

const idNum = z.number().int().positive();
const button = z.object({ label: z.string().min(1), data: z.string().min(1).max(64) });

export const outboxItemSchema = z.object({
  workspaceId: idNum,
  identityId: idNum,
  text: z.string(),
  buttons: z.array(z.array(button)).optional(),
  replyToExternalId: z.string().optional(),
  subject: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  image: z.object({ pngBase64: z.string().min(1), filename: z.string().min(1), caption: z.string().optional() }).optional(),
  ref: z
    .object({
      userId: idNum.optional(),
      conversationId: idNum.optional(),
      leadId: idNum.optional(),
      dealId: idNum.optional(),
      taskId: idNum.optional(),
    })
    .optional(),
  messageId: idNum.optional(),
  notifyOnFailureUserId: idNum.optional(),
  dedupeKey: z.string().min(1).max(200).optional(),
}) satisfies z.ZodType<OutboxItem>;

const jobDataSchema = z.object({
  item: outboxItemSchema,
  /** the chat slot this job reserved (epoch ms) and for which attempt */
  slotAt: z.number().optional(),
  slotAttempt: z.number().optional(),
  /** how many 429s this job has waited out */
  limited: z.number().optional(),
});
export type OutboundJobData = z.infer<typeof jobDataSchema>;

export function outboundJobId(dedupeKey: string): string {
  return `out-${dedupeKey.replace(/:/g, '-')}`;
}

export interface OutboundJobOptions {
  attempts?: number;
  /** first retry delay; doubles each time */
  backoffMs?: number;
}

export class BullMQOutbox implements Outbox {
  readonly queue: Queue<OutboundJobData>;
  private readonly jobOptions: JobsOptions;

  constructor(settings: QueueSettings, options: OutboundJobOptions = {}) {
    this.queue = new Queue<OutboundJobData>(OUTBOUND_QUEUE, { connection: settings.connection, prefix: queuePrefix(settings, OUTBOUND_QUEUE) });
    this.jobOptions = {
      attempts: options.attempts ?? 8,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
      // kept a day so a re-added dedupe key is a no-op in Redis too (the ledger covers longer)
      removeOnComplete: { age: 24 * 3600, count: 200_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  private toJob(item: OutboxItem) {
    const parsed = outboxItemSchema.parse(item);
    const opts: JobsOptions = { ...this.jobOptions };
    if (parsed.dedupeKey) opts.jobId = outboundJobId(parsed.dedupeKey);
    return { name: 'send', data: { item: parsed }, opts };
  }

  async enqueue(item: OutboxItem): Promise<void> {
    const job = this.toJob(item);
    await this.queue.add(job.name, job.data, job.opts);
  }

  async enqueueMany(items: OutboxItem[]): Promise<void> {
    if (items.length) await this.queue.addBulk(items.map((i) => this.toJob(i)));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface OutboundWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  senders: ChannelSenders;
  /** where failure notices go (normally the same outbound queue) */
  outbox: Outbox;
  logger?: Logger;
  concurrency?: number;
  limits?: ChannelLimits;
  /** 429s waited out per job before it counts as a failed attempt */
  maxRateLimitWaits?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * A send marked in progress longer ago than this is taken for a crashed worker's and sent
   * again (the at-least-once window); younger marks make a recovered job wait. Default 60 s.
   */
  sendingStaleMs?: number;
}

/** Waits shorter than this are slept in-process; longer ones put the job back as delayed. */
const INLINE_WAIT_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startOutboundWorker(options: OutboundWorkerOptions): { worker: Worker<OutboundJobData>; close(): Promise<void> } {
  const { ctx, senders, outbox, logger } = options;
  const limiter = new ChannelRateLimiter(options.settings.redis, options.settings.prefix, options.limits ?? DEFAULT_CHANNEL_LIMITS);
  const maxWaits = options.maxRateLimitWaits ?? 20;
  const sendingStaleMs = options.sendingStaleMs ?? Math.max(60_000, 2 * (options.lockDurationMs ?? 30_000));

  const processJob = async (job: Job<OutboundJobData>, token?: string): Promise<DeliveryOutcome> => {
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid outbound job ${job.id}: ${parsed.error.message}`);
    const data = parsed.data;
    let target: DeliveryTarget | undefined;

    const postpone = async (waitMs: number, patch: Partial<OutboundJobData>): Promise<never> => {
      const at = Date.now() + waitMs;
      await job.updateData({ ...data, ...patch });
      await job.moveToDelayed(at, token);
      throw new DelayedError();
    };

    const beforeSend = async (t: DeliveryTarget) => {
      target = t;
      const holdsSlot = data.slotAt !== undefined && data.slotAttempt === job.attemptsMade && Date.now() >= data.slotAt - INLINE_WAIT_MS;
      if (!holdsSlot) {
        const wait = await limiter.reserveChat(t.channel, t.chatId);
        if (wait > INLINE_WAIT_MS) await postpone(wait, { slotAt: Date.now() + wait, slotAttempt: job.attemptsMade });
        if (wait > 0) await sleep(wait);
      } else if (data.slotAt! > Date.now()) {
        await sleep(data.slotAt! - Date.now());
      }
      for (;;) {
        const wait = await limiter.acquireChatSend(t.channel, t.chatId);
        if (wait === 0) break;
        // keep holding this job's place: it comes back without reserving a new slot
        if (wait > INLINE_WAIT_MS * 4) await postpone(wait, { slotAt: Date.now() + wait, slotAttempt: job.attemptsMade });
        await sleep(wait);
      }
      for (;;) {
        const wait = await limiter.acquireChannel(t.channel);
        if (wait === 0) break;
        await sleep(wait);
      }
    };

    try {
      const outcome = await deliverOutboxItem(ctx, senders, data.item, {
        beforeSend,
        afterSend: (t) => limiter.markChatSent(t.channel, t.chatId),
        outbox,
        sendingStaleMs,
      });
      // another process is inside the send of this very item: look again when it should be done
      if (outcome.status === 'busy') await postpone(Math.min(5000, sendingStaleMs / 2), { slotAt: undefined, slotAttempt: undefined });
      if (outcome.status === 'failed') throw new UnrecoverableError(`permanent delivery failure: ${outcome.reason}`);
      if (outcome.status !== 'sent') logger?.info({ jobId: job.id, outcome }, 'outbound item not sent');
      return outcome;
    } catch (e) {
      if (e instanceof DelayedError || e instanceof UnrecoverableError) throw e;
      if (e instanceof RateLimitedError && target) {
        const limited = (data.limited ?? 0) + 1;
        if (limited <= maxWaits) {
          logger?.warn({ jobId: job.id, channel: target.channel, retryAfterMs: e.retryAfterMs }, 'rate limited by the platform; waiting');
          await limiter.penalize(target.channel, target.chatId, e.retryAfterMs);
          await postpone(e.retryAfterMs, { limited, slotAt: undefined, slotAttempt: undefined });
        }
      }
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        const reason = `gave_up: ${(e as Error).message ?? String(e)}`.slice(0, 500);
        logger?.error({ jobId: job.id, err: e }, 'outbound item failed for good');
        await recordGivenUp(ctx, data.item, 'failed', reason, outbox);
      } else {
        logger?.warn({ jobId: job.id, attempt: job.attemptsMade + 1, err: e }, 'outbound send failed; will retry');
      }
      throw e;
    }
  };

  const worker = new Worker<OutboundJobData, DeliveryOutcome>(OUTBOUND_QUEUE, processJob, {
    connection: options.settings.connection,
    prefix: queuePrefix(options.settings, OUTBOUND_QUEUE),
    concurrency: options.concurrency ?? 50,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
  });
  worker.on('error', (err) => logger?.error({ err }, 'outbound worker error'));
  return {
    worker,
    async close() {
      await worker.close();
      await limiter.close();
    },
  };
}
