// Jobs as definitions (as Twenty's jobs and BullMQ's own tests do it): each job Leadline
// queues is declared once with its queue, name, zod payload schema and the options it is
// added with; every worker is built by startJobWorker from the same tuning. A payload that
// does not match its schema is an UnrecoverableError with one log line (never retried,
// never half-processed).
import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions, type Processor } from 'bullmq';
import type { z } from 'zod';
import { queuePrefix, type QueueSettings } from './connection.js';
import { jobSeconds } from '../metrics/work-metrics.js';

export interface JobDefinition<S extends z.ZodType> {
  queue: string;
  name: string;
  schema: S;
  /** how the job is added: attempts, backoff, retention (ids are set per job) */
  options: JobsOptions;
}

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export type JobPayload<D> = D extends JobDefinition<infer S> ? z.infer<S> : never;

/** A producer's handle on a queue (one construction for every queue of the process). */
export function openQueue<T = unknown>(settings: QueueSettings, queue: string): Queue<T> {
  const q = new Queue<T>(queue, { connection: settings.connection, prefix: queuePrefix(settings, queue) });
  // an unreachable Redis surfaces on the next call; the queue object itself must not crash the process
  q.on('error', () => undefined);
  return q;
}

export interface JobLogger {
  error(obj: object, msg?: string): void;
}

/** The job's payload, validated by its definition; a bad one fails for good with a log line. */
export function payloadOf<S extends z.ZodType>(definition: JobDefinition<S>, job: Job, log?: JobLogger): z.infer<S> {
  const parsed = definition.schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
  const err = new UnrecoverableError(`invalid ${definition.queue}/${definition.name} payload (job ${job.id}): ${detail}`);
  log?.error({ err, jobId: job.id, queue: definition.queue }, 'invalid job payload: failed for good');
  throw err;
}

export interface WorkerTuning {
  concurrency: number;
  /** how long a crashed worker's job stays locked before another takes it (default 30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** how often a job may lose its worker before it is failed (default BullMQ's 1) */
  maxStalledCount?: number;
  /** the retry wait for jobs added with backoff { type: <custom> } */
  backoffMs?: (attemptsMade: number) => number;
}

/** Starts a worker on `queue` with the process's Redis settings and the given tuning; worker errors are logged with { err }. */
export function startJobWorker<R>(
  settings: QueueSettings,
  queue: string,
  processor: Processor<unknown, R>,
  tuning: WorkerTuning,
  log?: JobLogger,
): Worker<unknown, R> {
  // every run timed by how it ended (connectors/metrics/work-metrics.ts)
  const timed: Processor<unknown, R> = async (job, token, signal) => {
    const stop = jobSeconds.startTimer({ queue });
    try {
      const result = await processor(job, token, signal);
      stop({ outcome: 'completed' });
      return result;
    } catch (e) {
      stop({ outcome: e instanceof DelayedError ? 'delayed' : 'failed' });
      throw e;
    }
  };
  const worker = new Worker<unknown, R>(queue, timed, {
    connection: settings.connection,
    prefix: queuePrefix(settings, queue),
    concurrency: tuning.concurrency,
    lockDuration: tuning.lockDurationMs ?? 30_000,
    stalledInterval: tuning.stalledIntervalMs ?? 30_000,
    ...(tuning.maxStalledCount !== undefined ? { maxStalledCount: tuning.maxStalledCount } : {}),
    ...(tuning.backoffMs ? { settings: { backoffStrategy: tuning.backoffMs } } : {}),
  });
  worker.on('error', (err) => log?.error({ err, queue }, 'queue worker error'));
  return worker;
}
