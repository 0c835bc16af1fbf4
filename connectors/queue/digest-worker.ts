// The digest job: a scheduler tick for one subscription composes the digest now (core),
// draws the chart for team digests and hands the message to the outbound queue (Outbox),
// which delivers it once (dedupe key per subscription and local day).
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Db } from '../../core/db.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import type { Clock, Outbox, Scheduler } from '../../core/ports.js';
import { sweepStaleDeals } from '../../core/automation/run-rules.js';
import { systemClock } from '../../core/ports.js';
import { prepareDigestDelivery, type DigestChartRenderer } from '../../core/digests/prepare-delivery.js';
import { DigestRun } from '../../core/digests/digest-run.js';
import { renderDigestChart, renderDigestChartOnce } from '../charts/render-digest-chart.js';
import type { Digest } from '../../core/digests/digest.js';
import type { QueueSettings } from './connection.js';
import {
  automationSweepJob,
  createDigestQueue,
  DIGEST_QUEUE,
  digestJob,
  digestSyncJob,
  startDigestScheduling,
  syncDigestSchedulers,
} from './digest-scheduler.js';
import { payloadOf, startJobWorker } from './job-definition.js';
import { logger as defaultLogger, type Logger } from '../logger.js';

export interface DigestJobDeps {
  db: Db;
  outbox: Outbox;
  /** schedules the reminders of the tasks the stale-deal sweep creates */
  scheduler?: Scheduler;
  clock?: Clock;
  chart?: DigestChartRenderer;
  logger?: Logger;
  /** the composition run a job joins: digests of one minute share queries and aggregates */
  runFor?: (now: Date) => DigestRun;
}

/** Hands out one DigestRun per window, so concurrent jobs batch their queries into one per section. */
export function sharedDigestRuns(windowMs = 60_000): (now: Date) => DigestRun {
  let current: { run: DigestRun; until: number } | undefined;
  return (now) => {
    if (!current || now.getTime() >= current.until) current = { run: new DigestRun(now), until: now.getTime() + windowMs };
    return current.run;
  };
}

export type DigestJobOutcome = { sent: true; dedupeKey: string } | { sent: false; reason: string };

export const defaultDigestChart: DigestChartRenderer = (digest) => renderDigestChart(digest, digest.recipient.locale);

export async function handleDigestJob(deps: DigestJobDeps, data: unknown): Promise<DigestJobOutcome> {
  const parsed = digestJob.schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`bad digest job payload: ${parsed.error.message}`);
  const log = deps.logger ?? defaultLogger;
  const clock = deps.clock ?? systemClock;
  const ctx = dbContext(deps.db, { clock });
  const now = clock.now();
  const run = deps.runFor?.(now);
  const chart = deps.chart ?? (run ? (d: Digest) => renderDigestChartOnce(run, d, d.recipient.locale) : defaultDigestChart);
  const prepared = await prepareDigestDelivery(ctx, parsed.data.subscriptionId, now, { chart, run });
  if ('skipped' in prepared) {
    log.info({ subscriptionId: parsed.data.subscriptionId, reason: prepared.skipped }, 'digest not sent');
    return { sent: false, reason: prepared.skipped };
  }
  if (prepared.chartError) log.warn({ err: prepared.chartError, subscriptionId: parsed.data.subscriptionId }, 'digest chart failed; sending the text alone');
  await deps.outbox.enqueue(prepared.item);
  return { sent: true, dedupeKey: prepared.item.dedupeKey ?? '' };
}

export interface RunningDigestWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** Runs digest jobs (and the periodic scheduler sync) from the digests queue. */
export function startDigestWorker(settings: QueueSettings, deps: DigestJobDeps, concurrency = 16): RunningDigestWorker {
  const withRuns = { ...deps, runFor: deps.runFor ?? sharedDigestRuns() };
  const queue = createDigestQueue(settings);
  const log = deps.logger ?? defaultLogger;
  const processJob = async (job: Job) => {
    if (job.name === digestSyncJob.name) return syncDigestSchedulers(deps.db, queue, payloadOf(digestSyncJob, job, log));
    if (job.name === automationSweepJob.name) {
      const tasks = await sweepStaleDeals(dbContext(deps.db, { clock: deps.clock ?? systemClock, scheduler: deps.scheduler }));
      if (tasks.length) log.info({ tasks: tasks.length }, 'stale-deal reminders created');
      return { tasks: tasks.length };
    }
    return handleDigestJob(withRuns, payloadOf(digestJob, job, log));
  };
  const worker = startJobWorker(settings, DIGEST_QUEUE, processJob, { concurrency }, log);
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id }, 'digest job failed'));
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

/**
 * The digests part of the worker role in one call: syncs the job schedulers with Postgres,
 * schedules the periodic sync, and runs the digest worker. Close it on shutdown.
 */
export async function startDigests(
  options: DigestJobDeps & { settings: QueueSettings; concurrency?: number; syncEveryMs?: number },
): Promise<{ close(): Promise<void> }> {
  const queue = createDigestQueue(options.settings);
  try {
    const synced = await startDigestScheduling(options.db, queue, { syncEveryMs: options.syncEveryMs });
    (options.logger ?? defaultLogger).info(
      { upserted: synced.upserted.length, removed: synced.removed.length, unchanged: synced.unchanged },
      'digest schedulers synced with the database',
    );
  } finally {
    await queue.close();
  }
  const running = startDigestWorker(options.settings, options, options.concurrency);
  return { close: () => running.close() };
}
