// The inbound queue: transports acknowledge fast by putting an InboundMessage here (job id
// = the platform dedupe key, so a redelivered update is one job), and workers run the chat
// engine on it.
//
// Accepted means stored. Once a transport answered 2xx (or advanced its IMAP cursor) the job
// is in Redis, and:
// - a transient failure (Postgres or Redis away, a dropped connection, a conflict:
//   connectors/transient-error.ts) is retried without a give-up horizon, with a backoff
//   capped at `maxDelayMs`: an outage of any length ends with every message stored;
// - any other failure (a bug, data the engine cannot handle) is retried `maxAttempts` times,
//   then kept in the failed set with its reason (never removed by age) and re-driven: by
//   every worker process at start-up (a new build may have fixed it), every `redriveMs`
//   while running, and by `leadline inbound retry`;
// - a malformed payload fails at once (UnrecoverableError) and is kept the same way;
// - a worker killed mid-job: BullMQ hands the job to another worker once its lock expires
//   (the engine's dedupe key makes the second run a no-op for what the first one committed).
// What is NOT covered: Redis losing its data (run it with appendonly yes; see README).
//
// Fair between chats: each job's BullMQ priority is its chat's number among that chat's
// unfinished jobs (inbound-fairness.ts), so a flood from one chat waits behind other
// customers' first messages while each chat's messages keep their order. Retries keep the
// number; a kept failure gives it back and takes a new one when it is re-driven.
import { UnrecoverableError, type Job, type Queue, type Worker } from 'bullmq';
import { ZodError } from 'zod';
import { inboundChatKey, parseInboundMessage, type InboundMessage, type InboundMessageInput } from '../../core/chat/inbound.js';
import { ChatFairness } from './inbound-fairness.js';
import { closeRedis, connectRedis, type QueueSettings, type RedisClient } from './connection.js';
import { logger as defaultLogger, type Logger } from '../logger.js';
import { failureReason, isTransientError } from '../transient-error.js';
import { openQueue, startJobWorker } from './job-definition.js';

export const INBOUND_QUEUE = 'inbound';

/** Effectively unbounded: transient failures never exhaust a job (non-transient ones stop at maxAttempts). */
const UNBOUNDED_ATTEMPTS = 1_000_000_000;
const BACKOFF_TYPE = 'inbound';

export interface InboundRetryPolicy {
  /** attempts for a failure that is not transient, before the job is kept as failed (default 8) */
  maxAttempts: number;
  /** the longest wait between two attempts (default 30 s); the first wait is 1 s, doubling */
  maxDelayMs: number;
}

export const DEFAULT_INBOUND_RETRY: InboundRetryPolicy = { maxAttempts: 8, maxDelayMs: 30_000 };

/** How often a worker looks for guarded turns left by a dead process (InboundQueue.sweepGuards). */
export const DEFAULT_GUARD_SWEEP_MS = 15_000;

/** Capped exponential backoff with ±20% jitter, so a crowd of retried jobs does not return at one instant. */
export function inboundBackoffMs(attemptsMade: number, maxDelayMs: number, random = Math.random): number {
  const base = Math.min(maxDelayMs, 1000 * 2 ** Math.min(30, Math.max(0, attemptsMade - 1)));
  return Math.round(base * (0.8 + random() * 0.4));
}

/** BullMQ custom ids may not be integers and may contain ":" only as exactly three parts. */
export function inboundJobId(dedupeKey: string): string {
  const id = dedupeKey.includes(':') && dedupeKey.split(':').length !== 3 ? dedupeKey.replace(/:/g, '|') : dedupeKey;
  return /^\d+$/.test(id) ? `k${id}` : id;
}

/** A turn guard as InboundQueue.guard keeps it, or null when it is not one. */
function readGuard(raw: string): { due: number; message: InboundMessageInput } | null {
  try {
    const entry = JSON.parse(raw) as { due?: unknown; message?: unknown };
    if (typeof entry.due !== 'number' || !Number.isFinite(entry.due) || typeof entry.message !== 'object' || entry.message === null) return null;
    return { due: entry.due, message: entry.message as InboundMessageInput };
  } catch {
    return null;
  }
}

/** The inbound queue is not answering: the transport must not acknowledge (503, no IMAP cursor move). */
export class IntakeUnavailableError extends Error {
  readonly status = 503;
  constructor(cause: unknown) {
    super(`the inbound queue (Redis) is unavailable: ${failureReason(cause)}`, { cause });
    this.name = 'IntakeUnavailableError';
  }
}

const JOB_OPTIONS = {
  attempts: UNBOUNDED_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: { age: 3600, count: 50_000 },
  // kept until re-driven or removed by hand: a failed inbound job is a customer's message
  removeOnFail: false,
} as const;

export interface InboundQueueOptions {
  /** how long an enqueue may wait for Redis before the transport is told to refuse (default 5 s) */
  enqueueTimeoutMs?: number;
  logger?: Logger;
}

export class InboundQueue {
  readonly queue: Queue;
  /** its chats' pending counts (inbound-fairness.ts); the worker releases finished jobs from them */
  readonly fairness: ChatFairness;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  private readonly settings: QueueSettings;
  /** the guards' connection, opened by the first guard or sweep */
  private guardClient?: RedisClient;
  constructor(settings: QueueSettings, options: InboundQueueOptions = {}) {
    this.queue = openQueue(settings, INBOUND_QUEUE);
    this.settings = settings;
    this.fairness = new ChatFairness(settings.redis, settings.prefix);
    this.timeoutMs = options.enqueueTimeoutMs ?? 5000;
    this.log = options.logger ?? defaultLogger;
  }

  private async durably<T>(add: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([add, timeout]);
    } catch (e) {
      // the add may still land once Redis answers: the job id (= dedupe key) keeps that harmless
      add.catch(() => undefined);
      throw new IntakeUnavailableError(e);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The job for one message: its chat's next number as priority (see inbound-fairness.ts). */
  private async fairJob(payload: InboundMessage) {
    const jobId = inboundJobId(payload.dedupeKey);
    const chatKey = inboundChatKey(payload);
    const priority = await this.fairness.claim(chatKey, jobId);
    return { chatKey, job: { name: 'inbound', data: payload, opts: { ...JOB_OPTIONS, jobId, priority } } };
  }

  /**
   * A redelivered update whose job already finished is not added again, but its claim was
   * counted: give it back, or the chat would keep a number that never completes.
   */
  private async settleDuplicates(claimed: Array<{ chatKey: string; jobId: string }>): Promise<void> {
    try {
      await Promise.all(
        claimed.map(async ({ chatKey, jobId }) => {
          const state = await this.queue.getJobState(jobId);
          if (state === 'completed' || state === 'failed' || state === 'unknown') await this.fairness.release(chatKey, jobId);
        }),
      );
    } catch (err) {
      // the job is stored; at worst its chat's numbers stay high until they expire (1 h)
      this.log.warn({ err }, 'inbound: could not check for a duplicate after enqueue');
    }
  }

  /**
   * Cleans, validates and enqueues; resolves once Redis has the job (durable before answering 200).
   * `mintedKey`: the message's dedupe key was made for it just now (a web form post's new id),
   * so no earlier job can hold it and the look for a duplicate after the add is skipped.
   */
  async enqueue(message: InboundMessageInput, options: { mintedKey?: boolean } = {}): Promise<void> {
    // a bad message fails here, before Redis is asked
    const payload = parseInboundMessage(message, new Date());
    const { chatKey, job } = await this.durably(
      (async () => {
        const fair = await this.fairJob(payload);
        await this.queue.add(fair.job.name, fair.job.data, fair.job.opts);
        return fair;
      })(),
    );
    if (!options.mintedKey) await this.settleDuplicates([{ chatKey, jobId: job.opts.jobId }]);
  }

  /** The hash of guarded turns (dedupe key -> when the copy is due and the message): one hash tag, so one slot on a cluster. */
  private get guardsKey(): string {
    return `${this.settings.prefix}:{inbound-guards}`;
  }

  private guards(): RedisClient {
    if (!this.guardClient) {
      // commands wait while Redis reconnects; the guard's own timeout decides when to refuse
      this.guardClient = connectRedis(this.settings.redis, { maxRetriesPerRequest: null });
      this.guardClient.on('error', () => undefined); // each call reports its own failure
    }
    return this.guardClient;
  }

  /**
   * A turn run outside a queue job (a REST API lead: core/api/submit-lead.ts) is guarded: its
   * message is kept in Redis, and if it is still there after `delayMs` (the process died before
   * the turn's items were on the outbound queue, or before its commit), a worker's sweep
   * (sweepGuards) queues it as an inbound job: a claimed dedupe key queues what the turn left
   * behind, an unclaimed one runs the turn. One command each way, so the hot path barely pays.
   * Resolves once Redis has it; `unguard` takes it back once the turn is done.
   */
  async guard(message: InboundMessage, delayMs: number): Promise<void> {
    await this.durably(this.guards().hset(this.guardsKey, message.dedupeKey, JSON.stringify({ due: Date.now() + delayMs, message })));
  }

  /** Takes a finished turn's guard back. */
  async unguard(dedupeKey: string): Promise<void> {
    await this.guards().hdel(this.guardsKey, dedupeKey);
  }

  /**
   * Queues the guarded turns whose copy is due (their process died) as inbound jobs, and drops
   * their guards; returns how many. Any number of workers may sweep at once: the job id (the
   * dedupe key) makes a second add a no-op. An unreadable entry, or a message the queue refuses
   * as invalid, is dropped with an error logged; Redis failing stops the sweep (the next one
   * goes on).
   */
  async sweepGuards(now = Date.now()): Promise<number> {
    const client = this.guards();
    const all = await client.hgetall(this.guardsKey);
    let queued = 0;
    for (const [dedupeKey, raw] of Object.entries(all)) {
      const entry = readGuard(raw);
      if (entry && entry.due > now) continue;
      try {
        if (!entry) throw new Error('unreadable turn guard');
        await this.enqueue(entry.message);
        this.log.warn({ dedupeKey }, 'inbound: a guarded turn was not finished by its process; queued for a worker');
        queued++;
      } catch (err) {
        if (err instanceof IntakeUnavailableError) throw err;
        this.log.error({ err, dedupeKey, guard: raw.slice(0, 4000) }, 'inbound: a turn guard that cannot be queued was dropped');
      }
      await client.hdel(this.guardsKey, dedupeKey);
    }
    return queued;
  }

  /** Many at once (one round trip for the jobs), for bulk intake. */
  async enqueueMany(messages: InboundMessageInput[]): Promise<void> {
    const payloads = messages.map((m) => parseInboundMessage(m, new Date()));
    const fair = await this.durably(
      (async () => {
        const jobs = await Promise.all(payloads.map((p) => this.fairJob(p)));
        await this.queue.addBulk(jobs.map((f) => f.job));
        return jobs;
      })(),
    );
    await this.settleDuplicates(fair.map((f) => ({ chatKey: f.chatKey, jobId: f.job.opts.jobId })));
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.fairness.close();
    if (this.guardClient) await closeRedis(this.guardClient);
  }
}

export interface KeptFailure {
  jobId: string;
  dedupeKey: string | null;
  channel: string | null;
  reason: string;
  attempts: number;
  failedAt: Date | null;
  receivedAt: string | null;
}

/** The inbound jobs kept as failed, newest first (up to `limit`). */
export async function keptFailures(queue: Queue, limit = 1000): Promise<KeptFailure[]> {
  const jobs = await queue.getJobs(['failed'], 0, Math.max(0, limit - 1), false);
  return jobs
    .filter((j): j is Job => Boolean(j))
    .map((j) => {
      const data = (j.data ?? {}) as Partial<InboundMessage>;
      return {
        jobId: String(j.id),
        dedupeKey: typeof data.dedupeKey === 'string' ? data.dedupeKey : null,
        channel: typeof data.channel === 'string' ? data.channel : null,
        reason: j.failedReason ?? '',
        attempts: j.attemptsMade,
        failedAt: j.finishedOn ? new Date(j.finishedOn) : null,
        receivedAt: typeof data.receivedAt === 'string' ? data.receivedAt : null,
      };
    });
}

/** Gives a kept failure a new number among its chat's pending jobs, then puts it back on the queue. */
async function redriveOne(job: Job, fairness: ChatFairness): Promise<void> {
  const data = (job.data ?? {}) as Partial<InboundMessage>;
  if (typeof data.channel === 'string' && typeof data.externalChatId === 'string') {
    const priority = await fairness.claim(inboundChatKey(data as InboundMessage), String(job.id));
    // on a failed job this only sets the number reprocessing uses
    await job.changePriority({ priority });
  }
  await job.retry('failed');
}

/**
 * Puts kept failures back on the queue (all of them, or those with the given job ids);
 * returns how many were re-driven. Each gets one more attempt, or as many as its failure
 * needs if it turns out to be transient, and a place behind its chat's pending messages.
 */
export async function redriveFailures(queue: Queue, fairness: ChatFairness, jobIds?: string[]): Promise<number> {
  let count = 0;
  if (jobIds && jobIds.length) {
    for (const id of jobIds) {
      const job = await queue.getJob(id);
      if (!job || !(await job.isFailed())) continue;
      await redriveOne(job, fairness);
      count++;
    }
    return count;
  }
  for (;;) {
    const batch = await queue.getJobs(['failed'], 0, 499, true);
    if (batch.length === 0) return count;
    let moved = 0;
    for (const job of batch) {
      if (!job) continue;
      try {
        await redriveOne(job, fairness);
        moved++;
      } catch {
        // another process re-drove it first (its claim is the same: claims are per job id)
      }
    }
    count += moved;
    if (moved === 0) return count;
  }
}

export interface InboundWorkerOptions {
  concurrency?: number;
  logger?: Logger;
  retry?: Partial<InboundRetryPolicy>;
  /** how long a crashed worker's job stays locked before another takes it (default 30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** re-drive kept failures this often while running (default 15 min; 0 = only at start-up) */
  redriveMs?: number;
  /** look for guarded turns left by a dead process this often (InboundQueue.sweepGuards; default 15 s; 0 = never) */
  guardSweepMs?: number;
}

export interface InboundWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** Runs `handle` for every inbound job (see the header for what is retried and what is kept). */
export function startInboundWorker(
  settings: QueueSettings,
  handle: (message: InboundMessage) => Promise<void>,
  opts: InboundWorkerOptions = {},
): InboundWorker {
  const log = opts.logger ?? defaultLogger;
  const policy: InboundRetryPolicy = { ...DEFAULT_INBOUND_RETRY, ...opts.retry };
  const worker = startJobWorker(
    settings,
    INBOUND_QUEUE,
    async (job: Job) => {
      let message: InboundMessage;
      try {
        message = parseInboundMessage(job.data, new Date(job.timestamp));
      } catch (e) {
        const detail = e instanceof ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(e);
        log.error({ jobId: job.id, err: e }, 'invalid inbound payload: kept as failed');
        throw new UnrecoverableError(`invalid inbound payload (job ${job.id}): ${detail}`);
      }
      // the request (or the message) its lines name, as the sends it causes do (send-runner.ts)
      const traced = log.child({ traceId: message.traceId ?? message.dedupeKey.slice(0, 128) });
      try {
        await handle(message);
        traced.debug({ jobId: job.id }, 'inbound message handled');
      } catch (e) {
        if (isTransientError(e)) {
          traced.warn({ jobId: job.id, attempt: job.attemptsMade + 1, err: e }, 'inbound message waits for Postgres/Redis; will retry');
          throw e;
        }
        if (job.attemptsMade + 1 >= policy.maxAttempts) {
          traced.error({ jobId: job.id, dedupeKey: message.dedupeKey, attempts: job.attemptsMade + 1, err: e }, 'inbound message failed; kept for a re-drive');
          throw new UnrecoverableError(failureReason(e));
        }
        traced.warn({ jobId: job.id, attempt: job.attemptsMade + 1, err: e }, 'inbound message failed; will retry');
        throw e;
      }
    },
    {
      concurrency: opts.concurrency ?? 16,
      lockDurationMs: opts.lockDurationMs,
      stalledIntervalMs: opts.stalledIntervalMs,
      // a job whose worker died is taken again; one that kills its workers repeatedly is kept as failed
      maxStalledCount: 3,
      backoffMs: (attemptsMade) => inboundBackoffMs(attemptsMade, policy.maxDelayMs),
    },
    log,
  );
  // the queue's own connections serve the counts, the re-drives and the sweep of guards
  const intake = new InboundQueue(settings, { logger: log });
  const { fairness, queue } = intake;
  // a job that completed or failed for good leaves its chat's pending count
  const release = (job: Job | undefined) => {
    if (!job) return;
    const data = (job.data ?? {}) as Partial<InboundMessage>;
    if (typeof data.channel !== 'string' || typeof data.externalChatId !== 'string') return;
    fairness.release(inboundChatKey(data as InboundMessage), String(job.id)).catch((err: unknown) => {
      // its chat's numbers stay one higher until they expire (1 h)
      log.warn({ err, jobId: job.id }, 'inbound: could not release a finished job from its chat count');
    });
  };
  worker.on('completed', (job) => release(job));
  // finishedOn is set only when the job is kept as failed (not on a retry)
  worker.on('failed', (job) => {
    if (job?.finishedOn) release(job);
  });
  const redrive = async (why: string) => {
    try {
      const count = await redriveFailures(queue, fairness);
      if (count > 0) log.warn({ count, why }, 'inbound: kept failures re-driven');
    } catch (e) {
      log.warn({ err: e }, 'inbound: could not re-drive kept failures (Redis away?); will try again');
    }
  };
  void redrive('start-up');
  const every = opts.redriveMs ?? 15 * 60_000;
  const timer = every > 0 ? setInterval(() => void redrive('periodic'), every) : undefined;
  timer?.unref();

  // turns run outside a queue job whose process died (InboundQueue.guard)
  const guardEvery = opts.guardSweepMs ?? DEFAULT_GUARD_SWEEP_MS;
  const sweep = () => intake.sweepGuards().catch((err: unknown) => log.warn({ err }, 'inbound: could not sweep turn guards (Redis away?); will try again'));
  const guardTimer = guardEvery > 0 ? setInterval(() => void sweep(), guardEvery) : undefined;
  guardTimer?.unref();

  return {
    worker,
    async close() {
      if (timer) clearInterval(timer);
      if (guardTimer) clearInterval(guardTimer);
      await worker.close();
      await intake.close();
    },
  };
}
