// Workers of the reminders and SLA queues: thin shells around core's fireReminder/checkSla.
import { DelayedError, type Job, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import type { Outbox, Scheduler } from '../../core/ports.js';
import { fireReminder, type FireOutcome, type ReminderJobData } from '../../core/reminders/fire-reminder.js';
import { checkSla, type SlaOutcome } from '../../core/sla/check-sla.js';
import type { QueueSettings } from './connection.js';
import { REMINDER_QUEUE, SLA_QUEUE, groupSlaJob, reminderJob, slaJob } from './reminder-scheduler.js';
import { checkGroupSla, type GroupSlaOutcome } from '../../core/sla/check-group-sla.js';
import { payloadOf, startJobWorker } from './job-definition.js';

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
  /** called after each SLA check job (tests wait for it instead of sleeping) */
  onSlaCheck?: (data: { leadId: number; dueAtMs: number }, outcome: SlaOutcome) => void;
}

/** A just-scheduled job may race the commit that made it due: look again a few times. */
const RECHECK_WINDOW_MS = 15_000;
const RECHECKS = 3;

export function startReminderWorker(options: TimedWorkerOptions): Worker {
  const { ctx, outbox, scheduler, logger } = options;
  return startJobWorker<FireOutcome>(
    options.settings,
    REMINDER_QUEUE,
    async (job: Job, token?: string) => {
      const data = payloadOf(reminderJob, job, logger);
      const firedAt = Date.now();
      const outcome = await fireReminder(ctx, outbox, { taskId: data.taskId, dueAtMs: data.dueAtMs });
      if (outcome.status === 'stale') {
        const maybeUncommitted = outcome.reason === 'missing' || (outcome.reason === 'moved' && (outcome.currentDueAtMs ?? 0) < data.dueAtMs);
        if (maybeUncommitted && firedAt - job.timestamp < RECHECK_WINDOW_MS && (data.rechecks ?? 0) < RECHECKS) {
          await job.updateData({ ...data, rechecks: (data.rechecks ?? 0) + 1 });
          await job.moveToDelayed(Date.now() + 1000, token);
          throw new DelayedError();
        }
        logger?.debug({ jobId: job.id, reason: outcome.reason }, 'stale reminder dropped');
      } else {
        if (outcome.status === 'no_recipient') logger?.warn({ taskId: data.taskId }, 'reminder has nobody to go to: the assignee has no reachable channel');
        if (outcome.next) await scheduler.scheduleReminder(outcome.next.taskId, outcome.next.dueAt);
      }
      options.onReminder?.(data, outcome, firedAt);
      return outcome;
    },
    { concurrency: options.concurrency ?? 50, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
}

export function startSlaWorker(options: Omit<TimedWorkerOptions, 'onReminder' | 'scheduler'>): Worker {
  const { ctx, outbox, logger } = options;
  return startJobWorker<SlaOutcome | GroupSlaOutcome>(
    options.settings,
    SLA_QUEUE,
    async (job: Job) => {
      // a client group's clock (core/chat/client-group.ts)
      if (job.name === groupSlaJob.name) {
        const group = payloadOf(groupSlaJob, job, logger);
        const outcome = await checkGroupSla(ctx, outbox, group);
        if (outcome.status === 'breached') logger?.info({ groupId: group.groupId, outcome }, 'client group first-response SLA breached');
        return outcome;
      }
      const data = payloadOf(slaJob, job, logger);
      const outcome = await checkSla(ctx, outbox, data);
      if (outcome.status === 'breached' && outcome.fresh) logger?.info({ leadId: data.leadId, outcome }, 'first-response SLA breached');
      options.onSlaCheck?.({ leadId: data.leadId, dueAtMs: data.dueAtMs }, outcome);
      return outcome;
    },
    { concurrency: options.concurrency ?? 5, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
}
