// The `team` queue: a vacation's end (core/users/vacation.ts). Two jobs, so nothing assumes
// one process or a Redis that never forgets:
// - `vacation-end`: one delayed job per member and return time (job id
//   "vacation-<userId>-<untilMs>", so scheduling twice is a no-op), for punctuality;
// - `vacation-sweep`: a job scheduler (every minute by default, StartWorkersOptions.vacationSweepMs) that ends every vacation whose
//   time has passed (a job lost with Redis, one that ran before the change committed).
// Both end a vacation with one conditional UPDATE, so running them twice, late or in several
// worker processes at once ends it once. Start-up and the Redis-loss watch also reconcile.
import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import type { CoreContext } from '../../core/context.js';
import type { Outbox } from '../../core/ports.js';
import { endDueVacations, endVacation, type VacationEndOutcome, type VacationScheduler } from '../../core/users/vacation.js';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue, payloadOf, startJobWorker, type JobLogger } from './job-definition.js';

export const TEAM_QUEUE = 'team';

export const vacationEndJob = defineJob({
  queue: TEAM_QUEUE,
  name: 'vacation-end',
  schema: z.object({ userId: z.number().int().positive(), untilMs: z.number().int() }),
  options: { attempts: 10, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } },
});

export const vacationSweepJob = defineJob({
  queue: TEAM_QUEUE,
  name: 'vacation-sweep',
  schema: z.object({}).passthrough(),
  options: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } },
});

export function vacationJobId(userId: number, untilMs: number): string {
  return `vacation-${userId}-${untilMs}`;
}

export class BullMQVacationScheduler implements VacationScheduler {
  readonly queue: Queue;
  constructor(settings: QueueSettings) {
    this.queue = openQueue(settings, TEAM_QUEUE);
  }

  async scheduleVacationEnd(userId: number, at: Date): Promise<void> {
    const untilMs = at.getTime();
    if (!Number.isFinite(untilMs)) throw new Error(`invalid vacation end for user ${userId}`);
    await this.queue.add(
      vacationEndJob.name,
      { userId, untilMs },
      { ...vacationEndJob.options, jobId: vacationJobId(userId, untilMs), delay: Math.max(0, untilMs - Date.now()) },
    );
  }

  /** The periodic sweep (one scheduler id: every process upserting it keeps one). */
  async startSweep(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler('vacation-sweep', { every: everyMs }, { name: vacationSweepJob.name, data: {}, opts: vacationSweepJob.options });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface TeamWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  outbox: Outbox;
  logger?: JobLogger & { info(obj: object, msg?: string): void };
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** the sweep looks at these workspaces only (sharded deployments; tests on a shared database) */
  workspaceIds?: number[];
  /** called after each vacation that ended (tests, metrics) */
  onVacationEnded?: (userId: number, outcome: VacationEndOutcome) => void;
}

export function startTeamWorker(options: TeamWorkerOptions) {
  const { ctx, outbox, logger } = options;
  const ended = async (userId: number, outcome: VacationEndOutcome) => {
    if (!outcome.ended) return;
    if (outcome.notice) await outbox.enqueue(outcome.notice);
    logger?.info({ userId }, 'vacation over: back on duty');
    options.onVacationEnded?.(userId, outcome);
  };
  return startJobWorker(
    options.settings,
    TEAM_QUEUE,
    async (job: Job) => {
      if (job.name === vacationSweepJob.name) {
        for (const { userId, outcome } of await endDueVacations(ctx, { workspaceIds: options.workspaceIds })) await ended(userId, outcome);
        return;
      }
      const data = payloadOf(vacationEndJob, job, logger);
      const outcome = await endVacation(ctx, data.userId, data.untilMs);
      // a job run before the clock reached its time (clock skew between hosts): try again soon
      if (!outcome.ended && outcome.reason === 'early') throw new Error(`vacation of user ${data.userId} ends at ${data.untilMs}, not yet`);
      await ended(data.userId, outcome);
    },
    { concurrency: 2, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
}
