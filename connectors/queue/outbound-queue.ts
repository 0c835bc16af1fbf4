// The outbound queue: every message to a user or customer goes through it, direct replies
// to the chat a message came from included (an inbound worker never waits on a platform limit).
// - BullMQOutbox.enqueue validates the OutboxItem (zod, the `outboundJob` definition) and adds
//   a job; an item with a dedupeKey gets the job id "out-<key>", so adding it twice is a no-op
//   while the job is kept. Lanes are BullMQ priorities: interactive (replies, notifications,
//   reminders) before digests before bulk sends.
// - The worker delivers each job's item through the send runner (send-runner.ts: platform
//   limits, 429s, coalescing of notices), retrying transient errors with exponential
//   backoff; permanent refusals end with UnrecoverableError (no endless retries). A due
//   reminder is delivered the same way in its own job (reminder-worker.ts), not queued here.
//
// Exactly-once and its residual window: a deduplicated item is claimed in the
// OutboundDelivery ledger before the platform call and marked sent in one statement right
// after it. If a process dies between the platform's acceptance and that statement, the
// claim goes stale after `sendingStaleMs` and the message is sent again; no platform API
// lets us close that window.
import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { DeliveryOutcome } from '../../core/outbound/deliver.js';
import type { Outbox, OutboxItem, OutboxLane } from '../../core/ports.js';
import { CHANNELS } from '../../core/channels.js';
import type { Logger } from 'pino';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue, payloadOf, startJobWorker } from './job-definition.js';
import { GroupCommit } from '../db/group-commit.js';
import { sendStateSchema, type SendRunner } from './send-runner.js';

const idNum = z.number().int().positive();
// webApp: a Mini App button (an https URL; core/miniapp/open-button.ts)
const button = z.object({ label: z.string().min(1), data: z.string().min(1).max(64), webApp: z.url().optional() });

export const outboxItemSchema = z
  .object({
    workspaceId: idNum,
    traceId: z.string().min(1).max(128).optional(),
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
  // the item, and what its job keeps across postpones (its chat ticket, 429s waited out)
  schema: sendStateSchema.extend({ item: outboxItemSchema }),
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
  settings: QueueSettings;
  /** delivers each job's item under the shared limits (send-runner.ts; closed by its creator) */
  runner: SendRunner;
  logger?: Logger;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export function startOutboundWorker(options: OutboundWorkerOptions): Worker {
  const { runner, logger } = options;
  // where the jobs of notices a sent message carried are taken off the queue (below)
  const queue = openQueue<OutboundJobData>(options.settings, outboundJob.queue);
  const worker = startJobWorker<DeliveryOutcome>(
    options.settings,
    outboundJob.queue,
    async (job: Job, token?: string) => {
      const { item, ...state } = payloadOf(outboundJob, job, logger);
      const outcome = await runner.deliver({ job, token, item, state, save: (next) => job.updateData({ item, ...next }) });
      if (outcome.status === 'sent' && outcome.folded?.length) await dropCarried(queue, outcome.folded, logger);
      return outcome;
    },
    { concurrency: options.concurrency ?? 50, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
  worker.on('closed', () => void queue.close().catch(() => undefined));
  return worker;
}

/**
 * The notices a sent message carried (their ledger rows now "coalesced") have nothing left to
 * do: each one's job, waiting as delayed to look at its row again (send-runner.ts), is taken
 * off the queue instead of running only to find the row final (two queue scripts and a ledger
 * read each). A job that is running right now (locked) is not removed and finds its row final
 * as before; a removal that fails changes nothing but the cost. A dedupe key queued again
 * later gets a new job, which the ledger ends as a duplicate.
 */
async function dropCarried(queue: Queue<OutboundJobData>, keys: string[], logger?: Logger): Promise<void> {
  await Promise.all(
    keys.map((key) =>
      queue.remove(outboundJobId(key)).catch((err: unknown) => logger?.debug({ err, key }, 'the job of a carried notice was not removed (it looks itself)')),
    ),
  );
}
