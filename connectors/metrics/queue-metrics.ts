// Queue depth and age, read from BullMQ when /metrics is scraped (nothing is counted on the
// hot path): per queue one job-count call and one look at the oldest waiting job, all on one
// Redis connection and in parallel, so a scrape costs a handful of Redis commands whatever the
// backlog. Concurrent scrapes share one read. When Redis does not answer within the timeout
// the two gauges are left empty for that scrape (absent, not stale) and
// leadline_queue_metrics_errors_total counts it.
//
//   leadline_queue_depth{queue,state}             jobs per queue and BullMQ state
//   leadline_queue_oldest_age_seconds{queue}      how long the oldest waiting job has been due (0 when none waits)
import { Queue } from 'bullmq';
import type { Logger } from '../logger.js';
import { INBOUND_QUEUE } from '../queue/inbound-queue.js';
import { OUTBOUND_QUEUE } from '../queue/outbound-queue.js';
import { REMINDER_QUEUE, SLA_QUEUE } from '../queue/reminder-scheduler.js';
import { TEAM_QUEUE } from '../queue/team-queue.js';
import { DIGEST_QUEUE } from '../queue/digest-scheduler.js';
import { AI_QUEUE } from '../queue/ai-queue.js';
import { MAILING_QUEUE } from '../queue/mailing-queue.js';
import { WEBHOOK_QUEUE } from '../queue/webhook-queue.js';
import { ALBUM_QUEUE } from '../queue/album-queue.js';
import { connectRedis, queuePrefix, redisTarget, type RedisLike } from '../queue/connection.js';
import { counter, gauge } from './registry.js';

/** Every BullMQ queue Leadline runs. */
export const LEADLINE_QUEUES: readonly string[] = [
  INBOUND_QUEUE,
  OUTBOUND_QUEUE,
  REMINDER_QUEUE,
  SLA_QUEUE,
  DIGEST_QUEUE,
  AI_QUEUE,
  TEAM_QUEUE,
  MAILING_QUEUE,
  WEBHOOK_QUEUE,
  ALBUM_QUEUE,
];

/** BullMQ job states reported as leadline_queue_depth{state}. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'failed', 'completed'] as const;

interface QueueSnapshot {
  queue: string;
  counts: Record<string, number>;
  oldestAgeSeconds: number;
}

interface Source {
  queues: Queue[];
  timeoutMs: number;
  logger?: Logger;
}

const sources = new Set<Source>();
let inFlight: Promise<QueueSnapshot[] | undefined> | undefined;

const errors = counter({
  name: 'leadline_queue_metrics_errors_total',
  help: 'Scrapes in which the queue gauges could not be read from Redis (in time)',
  // metrics are rendered concurrently: count this scrape's failure before rendering
  async collect() {
    await readAll();
  },
});

gauge({
  name: 'leadline_queue_depth',
  help: 'Jobs per queue and BullMQ state, read at scrape time',
  labelNames: ['queue', 'state'],
  async collect() {
    const snapshots = await readAll();
    this.reset();
    for (const s of snapshots ?? []) for (const state of QUEUE_STATES) this.set({ queue: s.queue, state }, s.counts[state] ?? 0);
  },
});

gauge({
  name: 'leadline_queue_oldest_age_seconds',
  help: 'Seconds since the oldest waiting job of the queue became due (0 when nothing waits), read at scrape time',
  labelNames: ['queue'],
  async collect() {
    const snapshots = await readAll();
    this.reset();
    for (const s of snapshots ?? []) this.set({ queue: s.queue }, s.oldestAgeSeconds);
  },
});

/** One read shared by both gauges and by concurrent scrapes. */
function readAll(): Promise<QueueSnapshot[] | undefined> {
  inFlight ??= (async () => {
    try {
      const all = await Promise.all([...sources].map((s) => readSource(s)));
      return all.flat();
    } catch {
      return undefined;
    } finally {
      inFlight = undefined;
    }
  })();
  return inFlight;
}

async function readSource(source: Source): Promise<QueueSnapshot[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue metrics: Redis did not answer within ${source.timeoutMs} ms`)), source.timeoutMs);
  });
  try {
    return await Promise.race([Promise.all(source.queues.map(snapshot)), deadline]);
  } catch (err) {
    errors.inc();
    source.logger?.warn({ err }, 'queue metrics: could not read queue depths');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function snapshot(queue: Queue): Promise<QueueSnapshot> {
  // prioritized jobs (the inbound queue's fair order) wait too: the age is that of the oldest of
  // the next job of the wait list and the next of the prioritized set (the one taken first)
  const [counts, waiting, prioritized] = await Promise.all([
    queue.getJobCounts(...QUEUE_STATES),
    queue.getJobs(['wait'], 0, 0, true),
    queue.getJobs(['prioritized'], 0, 0, true),
  ]);
  // a delayed job only starts waiting when its delay is over
  const due = [waiting[0], prioritized[0]].filter((j) => j).map((j) => j!.timestamp + (j!.delay ?? 0));
  const dueAt = due.length ? Math.min(...due) : undefined;
  return { queue: queue.name, counts, oldestAgeSeconds: dueAt === undefined ? 0 : Math.max(0, (Date.now() - dueAt) / 1000) };
}

export interface QueueMetrics {
  close(): Promise<void>;
}

/**
 * Reports the depth and age of Leadline's queues (under `prefix`) on /metrics. One Redis
 * connection of its own that never queues commands while Redis is away, so a scrape during
 * an outage fails fast instead of piling up.
 */
export function watchQueues(options: { redis: RedisLike; prefix: string; queues?: readonly string[]; timeoutMs?: number; logger?: Logger }): QueueMetrics {
  const target = redisTarget(options.redis);
  const redis = connectRedis(target, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  redis.on('error', () => undefined); // ioredis reconnects by itself; a failed scrape is counted and logged
  const queues = (options.queues ?? LEADLINE_QUEUES).map((name) => {
    const queue = new Queue(name, { connection: redis, prefix: queuePrefix({ prefix: options.prefix, redis: target }, name) });
    queue.on('error', () => undefined); // the connection's errors: a failed scrape is counted and logged
    return queue;
  });
  const source: Source = {
    queues,
    timeoutMs: options.timeoutMs ?? 2000,
    logger: options.logger,
  };
  sources.add(source);
  return {
    async close() {
      sources.delete(source);
      await Promise.all(source.queues.map((q) => q.close().catch(() => undefined)));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
