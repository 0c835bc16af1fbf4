// Workers of the reminders and SLA queues: thin shells around core's fireReminder/checkSla. A
// due reminder is delivered in its own job, through the send runner (one job and one claim per
// reminder delivery: its occurrence and its send are claimed in one statement, and no second,
// outbound job is queued for it).
import { DelayedError, type Job, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import type { Outbox, Scheduler } from '../../core/ports.js';
import { fireReminder, type FireOutcome, type ReminderJobData } from '../../core/reminders/fire-reminder.js';
import type { DeliveryOutcome } from '../../core/outbound/deliver.js';
import { checkSla, type SlaOutcome } from '../../core/sla/check-sla.js';
import type { QueueSettings } from './connection.js';
import { REMINDER_QUEUE, SLA_QUEUE, groupSlaJob, reminderJob, slaJob } from './reminder-scheduler.js';
import { checkGroupSla, type GroupSlaOutcome } from '../../core/sla/check-group-sla.js';
import { payloadOf, startJobWorker } from './job-definition.js';
import type { SendRunner } from './send-runner.js';
import { reminderLateness, slaBreaches } from '../metrics/work-metrics.js';

/** A reminder job's end: what firing found and, for a due one, how its delivery went. */
export type ReminderOutcome = FireOutcome & { delivery?: DeliveryOutcome };

export interface TimedWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  outbox: Outbox;
  scheduler: Scheduler;
  /** delivers a due reminder's message in its job (send-runner.ts; closed by its creator) */
  runner: SendRunner;
  logger?: Logger;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** called after each reminder job (benchmarks and tests measure lateness with it) */
  onReminder?: (data: ReminderJobData, outcome: ReminderOutcome, firedAt: number) => void;
  /** called after each SLA check job (tests wait for it instead of sleeping) */
  onSlaCheck?: (data: { leadId: number; dueAtMs: number }, outcome: SlaOutcome) => void;
}

/** A just-scheduled job may race the commit that made it due: look again a few times. */
const RECHECK_WINDOW_MS = 15_000;
const RECHECKS = 3;

export function startReminderWorker(options: TimedWorkerOptions): Worker {
  const { ctx, scheduler, runner, logger } = options;
  return startJobWorker<ReminderOutcome>(
    options.settings,
    REMINDER_QUEUE,
    async (job: Job, token?: string) => {
      const data = payloadOf(reminderJob, job, logger);
      const { taskId, dueAtMs, rechecks, ...state } = data;
      const firedAt = Date.now();
      const fired = await fireReminder(ctx, { taskId, dueAtMs }, runner);
      if (fired.status !== 'due') await runner.abandon(state); // a ticket kept from an earlier run is not needed now
      if (fired.status === 'stale') {
        const maybeUncommitted = fired.reason === 'missing' || (fired.reason === 'moved' && (fired.currentDueAtMs ?? 0) < dueAtMs);
        if (maybeUncommitted && firedAt - job.timestamp < RECHECK_WINDOW_MS && (rechecks ?? 0) < RECHECKS) {
          await job.updateData({ taskId, dueAtMs, rechecks: (rechecks ?? 0) + 1 });
          await job.moveToDelayed(Date.now() + 1000, token);
          throw new DelayedError();
        }
        logger?.debug({ jobId: job.id, reason: fired.reason }, 'stale reminder dropped');
        options.onReminder?.(data, fired, firedAt);
        return fired;
      }
      if (fired.status === 'no_recipient') logger?.warn({ taskId }, 'reminder has nobody to go to: the assignee has no reachable channel');
      // before the delivery, which may put this job back as delayed (a run after it schedules it again: a no-op)
      if (fired.next) await scheduler.scheduleReminder(fired.next.taskId, fired.next.dueAt);
      const outcome: ReminderOutcome =
        fired.status === 'due'
          ? {
              ...fired,
              delivery: await runner.deliver({
                job,
                token,
                item: fired.item,
                state,
                claimed: fired.claimed,
                save: (next) => job.updateData({ taskId, dueAtMs, ...(rechecks ? { rechecks } : {}), ...next }),
              }),
            }
          : fired;
      if (outcome.delivery?.status === 'sent') reminderLateness.observe(Math.max(0, Date.now() - dueAtMs) / 1000);
      options.onReminder?.(data, outcome, firedAt);
      return outcome;
    },
    { concurrency: options.concurrency ?? 50, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
}

export function startSlaWorker(options: Omit<TimedWorkerOptions, 'onReminder' | 'scheduler' | 'runner'>): Worker {
  const { ctx, outbox, logger } = options;
  return startJobWorker<SlaOutcome | GroupSlaOutcome>(
    options.settings,
    SLA_QUEUE,
    async (job: Job) => {
      // a client group's clock (core/chat/client-group.ts)
      if (job.name === groupSlaJob.name) {
        const group = payloadOf(groupSlaJob, job, logger);
        const outcome = await checkGroupSla(ctx, outbox, group);
        if (outcome.status === 'breached') {
          slaBreaches.inc({ kind: 'group' });
          logger?.info({ groupId: group.groupId, outcome }, 'client group first-response SLA breached');
        }
        return outcome;
      }
      const data = payloadOf(slaJob, job, logger);
      const outcome = await checkSla(ctx, outbox, data);
      if (outcome.status === 'breached' && outcome.fresh) {
        slaBreaches.inc({ kind: 'lead' });
        logger?.info({ leadId: data.leadId, outcome }, 'first-response SLA breached');
      }
      options.onSlaCheck?.({ leadId: data.leadId, dueAtMs: data.dueAtMs }, outcome);
      return outcome;
    },
    { concurrency: options.concurrency ?? 5, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
}
