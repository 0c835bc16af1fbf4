// Workers of the reminders and SLA queues: thin shells around core's fireReminder/checkSla.
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import type { Outbox, Scheduler } from '../../core/ports.js';
import { fireReminder, type FireOutcome, type ReminderJobData } from '../../core/reminders/fire-reminder.js';
import { checkSla, type SlaJobData, type SlaOutcome } from '../../core/sla/check-sla.js';
import type { QueueSettings } from './connection.js';
import { REMINDER_QUEUE, SLA_QUEUE } from './reminder-scheduler.js';

export interface TimedWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  outbox: Outbox;
  scheduler: Scheduler;
  logger?: Logger;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** called after each reminder job (benchmarks and tests measure lateness with it) */
  onReminder?: (data: ReminderJobData, outcome: FireOutcome, firedAt: number) => void;
}

/** A just-scheduled job may race the commit that made it due: look again a few times. */
const RECHECK_WINDOW_MS = 15_000;
const RECHECKS = 3;

export function startReminderWorker(options: TimedWorkerOptions): Worker<ReminderJobData & { rechecks?: number }> {
  const { ctx, outbox, scheduler, logger } = options;
  const worker = new Worker<ReminderJobData & { rechecks?: number }, FireOutcome>(
    REMINDER_QUEUE,
    async (job: Job<ReminderJobData & { rechecks?: number }>, token?: string) => {
      const firedAt = Date.now();
      const outcome = await fireReminder(ctx, outbox, { taskId: job.data.taskId, dueAtMs: job.data.dueAtMs });
      if (outcome.status === 'stale') {
        const maybeUncommitted = outcome.reason === 'missing' || (outcome.reason === 'moved' && (outcome.currentDueAtMs ?? 0) < job.data.dueAtMs);
        if (maybeUncommitted && firedAt - job.timestamp < RECHECK_WINDOW_MS && (job.data.rechecks ?? 0) < RECHECKS) {
          await job.updateData({ ...job.data, rechecks: (job.data.rechecks ?? 0) + 1 });
          await job.moveToDelayed(Date.now() + 1000, token);
          throw new DelayedError();
        }
        logger?.debug({ jobId: job.id, reason: outcome.reason }, 'stale reminder dropped');
      } else {
        if (outcome.status === 'no_recipient') logger?.warn({ taskId: job.data.taskId }, 'reminder has nobody to go to: the assignee has no reachable channel');
        if (outcome.next) await scheduler.scheduleReminder(outcome.next.taskId, outcome.next.dueAt);
      }
      options.onReminder?.(job.data, outcome, firedAt);
      return outcome;
    },
    {
      connection: options.settings.connection,
      prefix: options.settings.prefix,
      concurrency: options.concurrency ?? 50,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    },
  );
  worker.on('error', (err) => logger?.error({ err }, 'reminder worker error'));
  return worker;
}

export function startSlaWorker(options: Omit<TimedWorkerOptions, 'onReminder' | 'scheduler'>): Worker<SlaJobData> {
  const { ctx, outbox, logger } = options;
  const worker = new Worker<SlaJobData, SlaOutcome>(
    SLA_QUEUE,
    async (job) => {
      const outcome = await checkSla(ctx, outbox, job.data);
      if (outcome.status === 'breached' && outcome.fresh) logger?.info({ leadId: job.data.leadId, outcome }, 'first-response SLA breached');
      return outcome;
    },
    {
      connection: options.settings.connection,
      prefix: options.settings.prefix,
      concurrency: options.concurrency ?? 5,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    },
  );
  worker.on('error', (err) => logger?.error({ err }, 'SLA worker error'));
  return worker;
}
