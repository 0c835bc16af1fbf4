// Digests on BullMQ job schedulers: one scheduler per enabled DigestSubscription
// (id "digest:<subscriptionId>"), a cron pattern read in the user's time zone (BullMQ's
// `tz`). Postgres is the truth: syncDigestSchedulers makes Redis match it, at start-up
// (everything) and after a user's time zone or subscriptions change (that user only).
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { digestSchedule, type DigestSchedule } from '../../core/digests/schedule.js';
import { wantedDigestSchedules } from '../../core/digests/subscriptions.js';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue } from './job-definition.js';

export const DIGEST_QUEUE = 'digests';
export const DIGEST_JOB = 'digest';
/** a periodic full sync, so changes made anywhere (chat, CLI, SQL) reach Redis within minutes */
export const DIGEST_SYNC_JOB = 'digest-sync';
export const DIGEST_SYNC_SCHEDULER = 'digest-sync';

/** One subscription's digest, due now (added by its job scheduler). */
export const digestJob = defineJob({
  queue: DIGEST_QUEUE,
  name: DIGEST_JOB,
  schema: z.object({ subscriptionId: z.number().int().positive(), userId: z.number().int().positive() }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: { count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } },
});
/** A sync of the job schedulers with Postgres: all users (periodic) or just these (a user's time zone changed). */
export const digestSyncJob = defineJob({
  queue: DIGEST_QUEUE,
  name: DIGEST_SYNC_JOB,
  schema: z.object({ userIds: z.array(z.number().int().positive()).optional() }),
  options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});
/** The periodic stale-deal sweep of the automation rules (core/automation/run-rules.ts sweepStaleDeals). */
export const AUTOMATION_SWEEP_JOB = 'automation-sweep';
export const AUTOMATION_SWEEP_SCHEDULER = 'automation-sweep';
/** how often stale deals are looked for: a deal is stale after days, so a quarter of an hour is plenty */
export const AUTOMATION_SWEEP_EVERY_MS = 15 * 60_000;
export const automationSweepJob = defineJob({
  queue: DIGEST_QUEUE,
  name: AUTOMATION_SWEEP_JOB,
  schema: z.object({}),
  options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});
export const digestJobSchema = digestJob.schema;
export const digestSyncSchema = digestSyncJob.schema;
export type DigestJobData = z.infer<typeof digestJobSchema> | z.infer<typeof digestSyncSchema> | z.infer<typeof automationSweepJob.schema>;

export function createDigestQueue(settings: QueueSettings): Queue<DigestJobData> {
  return openQueue<DigestJobData>(settings, DIGEST_QUEUE);
}

export interface DigestSyncResult {
  upserted: string[];
  removed: string[];
  unchanged: number;
}

const SCHEDULER_PREFIX = 'digest:';
const PAGE = 1000;

interface ExistingScheduler {
  id: string;
  pattern?: string;
  tz?: string;
  userId?: number;
  subscriptionId?: number;
}

async function existingDigestSchedulers(queue: Queue<DigestJobData>): Promise<ExistingScheduler[]> {
  const found: ExistingScheduler[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = await queue.getJobSchedulers(start, start + PAGE - 1, true);
    for (const s of page) {
      const id = s.key ?? s.id;
      if (!id?.startsWith(SCHEDULER_PREFIX)) continue;
      const data = s.template?.data as { userId?: number; subscriptionId?: number } | undefined;
      found.push({ id, pattern: s.pattern ?? undefined, tz: s.tz ?? undefined, userId: data?.userId, subscriptionId: data?.subscriptionId });
    }
    if (page.length < PAGE) return found;
  }
}

export async function upsertDigestScheduler(queue: Queue<DigestJobData>, s: DigestSchedule): Promise<void> {
  await queue.upsertJobScheduler(
    s.id,
    { pattern: s.pattern, tz: s.tz },
    {
      name: digestJob.name,
      data: { subscriptionId: s.subscriptionId, userId: s.userId },
      opts: digestJob.options,
    },
  );
}

/**
 * Adds, moves and removes digest schedulers so Redis matches the enabled subscriptions in
 * Postgres. With userIds, only those users' schedulers are touched (a time zone changed).
 * Unchanged schedulers are left alone, so a restart does not reschedule anything.
 */
export async function syncDigestSchedulers(db: Db, queue: Queue<DigestJobData>, options: { userIds?: number[] } = {}): Promise<DigestSyncResult> {
  const wanted = (await wantedDigestSchedules(db, options.userIds)).map(digestSchedule);
  const wantedById = new Map(wanted.map((s) => [s.id, s]));
  const scope = options.userIds ? new Set(options.userIds) : null;
  const existing = (await existingDigestSchedulers(queue)).filter((e) => !scope || (e.userId !== undefined && scope.has(e.userId)) || wantedById.has(e.id));
  const existingById = new Map(existing.map((e) => [e.id, e]));

  const result: DigestSyncResult = { upserted: [], removed: [], unchanged: 0 };
  for (const e of existing) {
    if (wantedById.has(e.id)) continue;
    await queue.removeJobScheduler(e.id);
    result.removed.push(e.id);
  }
  for (const s of wanted) {
    const e = existingById.get(s.id);
    if (e && e.pattern === s.pattern && e.tz === s.tz && e.userId === s.userId && e.subscriptionId === s.subscriptionId) {
      result.unchanged++;
      continue;
    }
    await upsertDigestScheduler(queue, s);
    result.upserted.push(s.id);
  }
  return result;
}

/**
 * Start-up: a full sync now, and the periodic sync job (every `syncEveryMs`, default 5 min)
 * that keeps schedulers following time zone and subscription changes. Safe from any
 * number of processes (upserts are idempotent).
 */
export async function startDigestScheduling(db: Db, queue: Queue<DigestJobData>, options: { syncEveryMs?: number } = {}): Promise<DigestSyncResult> {
  const result = await syncDigestSchedulers(db, queue);
  await queue.upsertJobScheduler(
    DIGEST_SYNC_SCHEDULER,
    { every: options.syncEveryMs ?? 5 * 60_000 },
    { name: digestSyncJob.name, data: {}, opts: digestSyncJob.options },
  );
  await queue.upsertJobScheduler(
    AUTOMATION_SWEEP_SCHEDULER,
    { every: AUTOMATION_SWEEP_EVERY_MS },
    { name: automationSweepJob.name, data: {}, opts: automationSweepJob.options },
  );
  return result;
}
