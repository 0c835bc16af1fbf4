// The outbound queue: every message to a user or customer goes through it, direct replies
// to the chat a message came from included (an inbound worker never waits on a platform limit).
// - BullMQOutbox.enqueue validates the OutboxItem (zod, the `outboundJob` definition) and adds
//   a job; an item with a dedupeKey gets the job id "out-<key>", so adding it twice is a no-op
//   while the job is kept. Lanes are BullMQ priorities: interactive (replies, notifications,
//   reminders) before digests before bulk sends.
// - The worker delivers with core's deliverOutboxItem, retrying transient errors with
//   exponential backoff; permanent refusals end with UnrecoverableError (no endless retries).
// - Limits come from ChannelRateLimiter (shared through Redis): a job takes a ticket on its
//   chat's clock, waits for its slot as a delayed job (no worker holds it), then takes the
//   send under the chat and per-bot limits. A sender's RateLimitedError (429 retry_after)
//   pushes the chat's clocks and puts the job back as delayed, keeping its ticket (order),
//   without spending an attempt.
// - A notice about a customer's message (item.notice) registers in its chat's fold set with
//   its ticket; the notice whose send is taken carries the others waiting there (at most
//   FOLD_MAX) in one summary (core/outbound/coalesce.ts), so a manager's chat offered more
//   than its limit gets fewer, fuller messages instead of a queue without end. A folded
//   notice's job finds its ledger row "coalesced" and ends; if the carrying message is not
//   sent, the notices are handed back (Redis and ledger) and go with the next one.
//
// Exactly-once and its residual window: a deduplicated item is claimed in the
// OutboundDelivery ledger before the platform call and marked sent in one statement right
// after it. If a process dies between the platform's acceptance and that statement, the
// claim goes stale after `sendingStaleMs` and the message is sent again; no platform API
// lets us close that window.
import { DelayedError, UnrecoverableError, type Job, type JobsOptions, type Queue, type Worker } from 'bullmq';
import { z } from 'zod';
import type { CoreContext } from '../../core/context.js';
import {
  deliverOutboxItem,
  itemAddress,
  recordGivenUp,
  type ChannelSenders,
  type DeliveryOutcome,
  type DeliveryTarget,
  type SendTaken,
} from '../../core/outbound/deliver.js';
import { FOLD_MAX, foldable, foldedNotice, parseFoldedNotice, type FoldedNotice } from '../../core/outbound/coalesce.js';
import { RateLimitedError, type Outbox, type OutboxItem, type OutboxLane } from '../../core/ports.js';
import { CHANNELS } from '../../core/channels.js';
import type { Logger } from 'pino';
import type { QueueSettings } from './connection.js';
import { ChannelRateLimiter, DEFAULT_CHANNEL_LIMITS, newSendHandle, type ChannelLimits, type FoldedEntry } from './rate-limit.js';
import { defineJob, openQueue, payloadOf, startJobWorker } from './job-definition.js';
import { deliveryLedger } from '../db/delivery-ledger.js';
import { GroupCommit } from '../db/group-commit.js';
import type { FileStore } from '../../core/files/file-store.js';

const idNum = z.number().int().positive();
// webApp: a Mini App button (an https URL; core/miniapp/open-button.ts)
const button = z.object({ label: z.string().min(1), data: z.string().min(1).max(64), webApp: z.url().optional() });

export const outboxItemSchema = z
  .object({
    workspaceId: idNum,
    identityId: idNum.optional(),
    chat: z.object({ channel: z.enum(CHANNELS), chatId: z.string().min(1) }).optional(),
    lane: z.enum(['interactive', 'digest', 'bulk']).optional(),
    text: z.string(),
    buttons: z.array(z.array(button)).optional(),
    replyToExternalId: z.string().optional(),
    asksForReply: z.boolean().optional(),
    businessConnectionId: z.string().max(200).optional(),
    subject: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    image: z.object({ pngBase64: z.string().min(1), filename: z.string().min(1), caption: z.string().optional() }).optional(),
    files: z
      .array(
        z.object({
          key: z.string().min(1).max(300),
          name: z.string().min(1).max(300),
          kind: z.string().min(1),
          size: z.number().int().nonnegative(),
          mime: z.string().optional(),
        }),
      )
      .max(20)
      .optional(),
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
    mailingContactId: idNum.optional(),
    dedupeKey: z.string().min(1).max(200).optional(),
    editOf: z.string().min(1).max(200).optional(),
    // an answer that stops the lead's SLA clock once the platform accepts it
    firstResponse: z.object({ leadId: idNum, at: z.iso.datetime() }).optional(),
    // a notice to a team member about a customer's message: may be folded with others (core/outbound/coalesce.ts)
    notice: z.object({ name: z.string(), leadId: idNum.optional(), dealId: idNum.optional(), snippet: z.string(), locale: z.enum(['en', 'ru']) }).optional(),
  })
  .refine((i) => i.identityId !== undefined || i.chat !== undefined, {
    message: 'needs an identityId or a chat',
    path: ['identityId'],
  }) satisfies z.ZodType<OutboxItem>;

/** BullMQ priority per lane (1 is served first). */
export const LANE_PRIORITY: Record<OutboxLane, number> = { interactive: 1, digest: 5, bulk: 10 };

export const outboundJob = defineJob({
  queue: 'outbound',
  name: 'send',
  schema: z.object({
    item: outboxItemSchema,
    /** the ticket this job holds on its chat's clock (Redis epoch ms; kept across postpones and retries) */
    slot: z.number().int().optional(),
    /** how many 429s this job has waited out */
    limited: z.number().int().min(0).optional(),
  }),
  options: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000 },
    // kept a day so a re-added dedupe key is a no-op in Redis too (the ledger covers longer)
    removeOnComplete: { age: 24 * 3600, count: 200_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});
export const OUTBOUND_QUEUE = outboundJob.queue;
export type OutboundJobData = z.infer<typeof outboundJob.schema>;

export function outboundJobId(dedupeKey: string): string {
  return `out-${dedupeKey.replace(/:/g, '-')}`;
}

export interface OutboundJobOptions {
  attempts?: number;
  /** first retry delay; doubles each time */
  backoffMs?: number;
}

type OutboundJob = { name: string; data: OutboundJobData; opts: JobsOptions };

export class BullMQOutbox implements Outbox {
  readonly queue: Queue<OutboundJobData>;
  private readonly jobOptions: JobsOptions;
  /**
   * Concurrent enqueues of a process (the inbound worker's jobs each queue their turn's items)
   * share one addBulk: at most two in flight, the rest go together in the next one. A failed
   * batch is retried job by job, so one bad job fails only its caller.
   */
  private readonly adds = new GroupCommit<OutboundJob, void>({
    run: async (batch) => {
      await this.queue.addBulk(batch);
      return batch.map(() => undefined);
    },
    // a dedupe key twice in one addBulk: the second waits for the next batch (and is a no-op there)
    keys: (job) => (job.opts.jobId ? [job.opts.jobId] : []),
    maxInFlight: 2,
    maxBatch: 500,
  });

  constructor(settings: QueueSettings, options: OutboundJobOptions = {}) {
    this.queue = openQueue<OutboundJobData>(settings, outboundJob.queue);
    this.jobOptions = {
      ...outboundJob.options,
      attempts: options.attempts ?? outboundJob.options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
    };
  }

  private toJob(item: OutboxItem): OutboundJob {
    const parsed = outboxItemSchema.parse(item);
    const opts: JobsOptions = { ...this.jobOptions, priority: LANE_PRIORITY[parsed.lane ?? 'interactive'] };
    if (parsed.dedupeKey) opts.jobId = outboundJobId(parsed.dedupeKey);
    return { name: outboundJob.name, data: { item: parsed }, opts };
  }

  async enqueue(item: OutboxItem): Promise<void> {
    await this.adds.submit(this.toJob(item));
  }

  async enqueueMany(items: OutboxItem[]): Promise<void> {
    // every item validated before any is queued: a bad one queues none of its turn's
    const jobs = items.map((i) => this.toJob(i));
    await Promise.all(jobs.map((j) => this.adds.submit(j)));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface OutboundWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  senders: ChannelSenders;
  /** where items' files are read (core/files) */
  files?: Pick<FileStore, 'get'>;
  /** where failure notices go (normally the same outbound queue) */
  outbox: Outbox;
  logger?: Logger;
  concurrency?: number;
  limits?: ChannelLimits;
  /** added to every limit's interval and window (OUTBOUND_LIMIT_MARGIN_MS) */
  marginMs?: number;
  /** the bulk lane's share of the per-bot rate (OUTBOUND_BULK_SHARE) */
  bulkShare?: number;
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
/**
 * A job whose turn it is (its ticket first, its slot due) waits for the chat's and the bot's
 * clocks in-process, up to this long in all (those waits are at most about one interval);
 * beyond it the job is put back as delayed.
 */
const INLINE_BUDGET_MS = 2500;

/**
 * A notice folded into another job's message looks at its ledger row again after this long
 * (by then the carrying message is normally recorded, and the row final).
 */
const FOLDED_RECHECK_MS = 1000;

/**
 * A notice that joined others waiting for its chat wakes this long after their slot: by then
 * the first of them has normally carried it (one job per message wakes at the slot, not all
 * of them); if that one did not, it carries them itself.
 */
const JOINED_GRACE_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OutboundWorker {
  worker: Worker;
  close(): Promise<void>;
}

export function startOutboundWorker(options: OutboundWorkerOptions): OutboundWorker {
  const { ctx, senders, outbox, logger } = options;
  const limiter = new ChannelRateLimiter(options.settings.redis, options.settings.prefix, options.limits ?? DEFAULT_CHANNEL_LIMITS, {
    marginMs: options.marginMs,
    bulkShare: options.bulkShare,
  });
  const maxWaits = options.maxRateLimitWaits ?? 20;
  const sendingStaleMs = options.sendingStaleMs ?? Math.max(60_000, 2 * (options.lockDurationMs ?? 30_000));

  const processJob = async (job: Job, token?: string): Promise<DeliveryOutcome> => {
    const data = payloadOf(outboundJob, job, logger);
    const lane = data.item.lane ?? 'interactive';
    let target: DeliveryTarget | undefined;
    let slot = data.slot;
    // the job's place in the bot's queue: its id; ordered by its chat slot, else by when it was enqueued
    const send = newSendHandle({ id: String(job.id), since: job.timestamp });

    const postpone = async (waitMs: number, patch: Partial<OutboundJobData>): Promise<never> => {
      // away from the bot's queue while delayed; back in its old place when it returns
      if (target) await limiter.leaveQueue(target.channel, send);
      await job.updateData({ ...data, slot, ...patch });
      await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(waitMs)), token);
      throw new DelayedError();
    };
    /** a ticket on the chat's clock, taken once per job: its place in the chat's order */
    const ticket = async (channel: DeliveryTarget['channel'], chatId: string) => {
      if (slot !== undefined) return;
      // owned by the job: run again after its worker died, it gets this very ticket back
      const r = await limiter.reserveChat(channel, chatId, String(job.id));
      slot = r.slot;
      if (r.wait > INLINE_WAIT_MS) await postpone(r.wait, {});
    };

    // a reply's chat is known before any database work: its ticket is the first thing taken,
    // so the replies of one handled message keep their order
    const address = itemAddress(data.item);
    if (address.chat && senders[address.chat.channel]) await ticket(address.chat.channel, address.chat.chatId);

    /** the chat whose send this job took (finished once the platform call is over, whatever its outcome) */
    let taken: DeliveryTarget | undefined;
    const finish = async () => {
      if (!taken) return;
      const t = taken;
      taken = undefined;
      await limiter.finishSend(t.channel, t.chatId, send);
    };
    // a notice that may be folded with others waiting for its chat (coalescing)
    const fold = foldable(data.item) ? data.item : undefined;
    const group = String(data.item.workspaceId);
    /** the notices handed to this job's send: given back when it is not sent after all */
    const beforeSendFold = async (t: DeliveryTarget, item: NonNullable<typeof fold>): Promise<SendTaken> => {
      const r = await limiter.reserveFold(t.channel, t.chatId, group, item.dedupeKey, JSON.stringify(foldedNotice(item)), slot ?? -1);
      // another notice's message took this one: look again once that is recorded
      if (r.status === 'folded') return postpone(FOLDED_RECHECK_MS, {});
      slot = r.slot;
      // one that joined waiting notices is normally carried by the first of them: it looks
      // again a while after their slot, by when its ledger row is final (or it carries them)
      if (r.joined && r.wait + JOINED_GRACE_MS > INLINE_WAIT_MS) await postpone(r.wait + JOINED_GRACE_MS, {});
      if (r.wait > INLINE_WAIT_MS) await postpone(r.wait, {});
      let waited = 0;
      for (;;) {
        const a = await limiter.acquireFold(t.channel, t.chatId, group, item.dedupeKey, slot, FOLD_MAX, lane, send);
        if (a.status === 'taken') {
          taken = t;
          const folded: FoldedNotice[] = [];
          for (const f of a.folded) {
            const notice = parseFoldedNotice(f.entry);
            if (notice && notice.dedupeKey === f.key) {
              folded.push(notice);
              foldSlots.set(f.key, f);
            } else logger?.warn({ key: f.key }, 'a folded notice did not read back: left to its own job');
          }
          return { folded };
        }
        // another notice's message carries this one: look again once that is recorded
        if (a.status === 'folded') await postpone(FOLDED_RECHECK_MS, {});
        else {
          const wait = a.wait;
          if (wait < 0) await postpone(-wait, {});
          if (waited + wait > INLINE_BUDGET_MS) await postpone(wait, {});
          waited += wait;
          await sleep(wait);
        }
      }
    };
    const foldSlots = new Map<string, FoldedEntry>();
    const unfold = async (t: DeliveryTarget, notices: FoldedNotice[]) => {
      const entries = notices.map((n) => foldSlots.get(n.dedupeKey)).filter((e): e is FoldedEntry => e !== undefined);
      await limiter.unfold(t.channel, t.chatId, group, entries);
    };
    const beforeSend = async (t: DeliveryTarget): Promise<void | SendTaken> => {
      target = t;
      if (fold && limiter.folds(t.channel, t.chatId)) return beforeSendFold(t, fold);
      await ticket(t.channel, t.chatId);
      let waited = 0;
      for (;;) {
        const wait = await limiter.acquireSend(t.channel, t.chatId, slot ?? -1, lane, send, String(job.id));
        if (wait === 0) {
          taken = t;
          return;
        }
        // an earlier message to this chat goes first: free this worker slot for it
        if (wait < 0) await postpone(-wait, {});
        if (waited + wait > INLINE_BUDGET_MS) await postpone(wait, {});
        waited += wait;
        await sleep(wait);
      }
    };
    const releaseTicket = async () => {
      const where = target ?? (address.chat ? { channel: address.chat.channel, chatId: address.chat.chatId } : undefined);
      if (where && slot !== undefined)
        await limiter.releaseSlot(where.channel, where.chatId, slot).catch((err) => logger?.warn({ err }, 'could not release a chat ticket'));
    };

    try {
      const outcome = await deliverOutboxItem(ctx, senders, data.item, {
        ledger: deliveryLedger,
        files: options.files,
        beforeSend,
        unfold,
        afterSend: finish,
        outbox,
        sendingStaleMs,
        logger,
      });
      await finish(); // a refused send (no afterSend) is over too
      // another process is inside the send of this very item: look again when it should be done
      if (outcome.status === 'busy') await postpone(Math.min(5000, sendingStaleMs / 2), {});
      if (outcome.status !== 'sent') await releaseTicket();
      if (outcome.status === 'failed') throw new UnrecoverableError(`permanent delivery failure: ${outcome.reason}`);
      if (outcome.status !== 'sent') logger?.info({ jobId: job.id, outcome }, 'outbound item not sent');
      return outcome;
    } catch (e) {
      await finish().catch((err: unknown) => logger?.warn({ err }, 'could not finish a send in the rate limiter'));
      if (e instanceof DelayedError || e instanceof UnrecoverableError) throw e;
      if (e instanceof RateLimitedError && target) {
        const limited = (data.limited ?? 0) + 1;
        if (limited <= maxWaits) {
          logger?.warn({ jobId: job.id, channel: target.channel, retryAfterMs: e.retryAfterMs }, 'rate limited by the platform; rescheduled');
          await limiter.penalize(target.channel, target.chatId, e.retryAfterMs, slot ?? -1);
          // back through the same clocks, keeping the ticket (the chat's order)
          await postpone(e.retryAfterMs + limiter.chatInterval(target.channel, target.chatId), { limited });
        }
      }
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        const reason = `gave_up: ${(e as Error).message ?? String(e)}`.slice(0, 500);
        logger?.error({ jobId: job.id, err: e }, 'outbound item failed for good');
        await releaseTicket();
        await recordGivenUp(ctx, data.item, 'failed', reason, outbox);
      } else {
        // keep the ticket for the retry
        if (slot !== undefined && slot !== data.slot) await job.updateData({ ...data, slot });
        logger?.warn({ jobId: job.id, attempt: job.attemptsMade + 1, err: e }, 'outbound send failed; will retry');
      }
      throw e;
    }
  };

  const worker = startJobWorker<DeliveryOutcome>(
    options.settings,
    outboundJob.queue,
    processJob,
    { concurrency: options.concurrency ?? 50, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
  return {
    worker,
    async close() {
      await worker.close();
      await limiter.close();
    },
  };
}
