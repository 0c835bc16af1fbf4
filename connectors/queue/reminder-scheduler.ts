// The Scheduler port on BullMQ: one delayed job per reminder occurrence and one per SLA check.
// Reminder job ids are deterministic, "reminder-<taskId>-<dueAtMs>" (BullMQ forbids ':' in
// custom ids), so scheduling the same occurrence twice is a no-op. A moved (edited, snoozed)
// task gets a new job and its previous one is removed; the worker also drops any job whose
// due time no longer matches the task, so a removal that loses a race is harmless.
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Scheduler } from '../../core/ports.js';
import type { BulkReminderScheduler, ReminderPlan } from '../../core/reminders/reconcile.js';
import type { BulkSlaScheduler, SlaPlan } from '../../core/sla/reconcile.js';
import type { ReminderJobData } from '../../core/reminders/fire-reminder.js';
import type { SlaJobData } from '../../core/sla/check-sla.js';
import type { GroupSlaJobData } from '../../core/sla/check-group-sla.js';
import { connectRedis, type QueueSettings, type RedisClient } from './connection.js';
import { createDigestQueue, digestSyncJob, type DigestJobData } from './digest-scheduler.js';
import { defineJob, openQueue } from './job-definition.js';
import { sendStateSchema } from './send-runner.js';
import { BullMQVacationScheduler } from './team-queue.js';

export const REMINDER_QUEUE = 'reminders';
export const SLA_QUEUE = 'sla';

export function reminderJobId(taskId: number, dueAtMs: number): string {
  return `reminder-${taskId}-${dueAtMs}`;
}

export function slaJobId(leadId: number): string {
  return `sla-${leadId}`;
}

/** One occurrence of a task's reminder (ReminderJobData), and how often it was re-checked against an uncommitted change. */
export const reminderJob = defineJob({
  queue: REMINDER_QUEUE,
  name: 'fire',
  // and what its delivery keeps across postpones (its chat ticket, 429s waited out: send-runner.ts)
  schema: sendStateSchema.extend({ taskId: z.number().int().positive(), dueAtMs: z.number().int(), rechecks: z.number().int().min(0).optional() }),
  options: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    // kept a week: re-adding a fired occurrence (reconciliation, a retried schedule) stays a no-op
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
});

/** A lead's first-response check (SlaJobData). */
export const slaJob = defineJob({
  queue: SLA_QUEUE,
  name: 'check',
  schema: z.object({ leadId: z.number().int().positive(), dueAtMs: z.number().int() }),
  options: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    // removed once done so a later "remind in 10 min" can reuse sla-<leadId>
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/** A client group's first-response check (GroupSlaJobData): one job per clock, id sla-group-<group>-<due>. */
export const groupSlaJob = defineJob({
  queue: SLA_QUEUE,
  name: 'group-check',
  schema: z.object({ groupId: z.number().int().positive(), dueAtMs: z.number().int() }),
  options: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    // kept a day: scheduling the same clock again (reconciliation) stays a no-op
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

export class BullMQScheduler implements Scheduler, BulkReminderScheduler, BulkSlaScheduler {
  readonly reminders: Queue<ReminderJobData>;
  /** lead checks and client group checks (job name `check` or `group-check`) */
  readonly sla: Queue<SlaJobData | GroupSlaJobData>;
  readonly digests: Queue<DigestJobData>;
  /** the `team` queue: vacations' ends */
  readonly team: BullMQVacationScheduler;
  private readonly redis: RedisClient;
  private readonly currentKey: string;

  constructor(settings: QueueSettings) {
    this.reminders = openQueue<ReminderJobData>(settings, REMINDER_QUEUE);
    this.sla = openQueue<SlaJobData | GroupSlaJobData>(settings, SLA_QUEUE);
    this.digests = createDigestQueue(settings);
    this.team = new BullMQVacationScheduler(settings);
    this.redis = connectRedis(settings.redis, { maxRetriesPerRequest: 3 });
    // taskId -> id of its current reminder job, to remove it when the task moves (one hash: its
    // pipelined HSETs go to one slot of a cluster)
    this.currentKey = `${settings.prefix}:${REMINDER_QUEUE}:current`;
  }

  private reminderJob(taskId: number, dueAt: Date) {
    const dueAtMs = dueAt.getTime();
    if (!Number.isFinite(dueAtMs)) throw new Error(`invalid due time for task ${taskId}`);
    return {
      name: reminderJob.name,
      data: { taskId, dueAtMs },
      opts: { ...reminderJob.options, jobId: reminderJobId(taskId, dueAtMs), delay: Math.max(0, dueAtMs - Date.now()) },
    };
  }

  async scheduleReminder(taskId: number, dueAt: Date): Promise<void> {
    const job = this.reminderJob(taskId, dueAt);
    const previous = await this.redis.hget(this.currentKey, String(taskId));
    await this.reminders.add(job.name, job.data, job.opts);
    await this.redis.hset(this.currentKey, String(taskId), job.opts.jobId);
    if (previous && previous !== job.opts.jobId) await this.removeQuietly(previous);
  }

  async cancelReminder(taskId: number): Promise<void> {
    const previous = await this.redis.hget(this.currentKey, String(taskId));
    await this.redis.hdel(this.currentKey, String(taskId));
    if (previous) await this.removeQuietly(previous);
  }

  /** Bulk add (reconciliation, imports, the benchmark): existing ids are left as they are. */
  async scheduleReminders(plans: ReminderPlan[]): Promise<void> {
    for (let i = 0; i < plans.length; i += 1000) {
      const chunk = plans.slice(i, i + 1000).map((p) => this.reminderJob(p.taskId, p.dueAt));
      await this.reminders.addBulk(chunk);
      const pipeline = this.redis.pipeline();
      for (const j of chunk) pipeline.hset(this.currentKey, String(j.data.taskId), j.opts.jobId);
      await pipeline.exec();
    }
  }

  /** The digest worker re-syncs this user's job schedulers (moved to their new time zone). */
  async rescheduleDigests(userId: number): Promise<void> {
    await this.digests.add(digestSyncJob.name, { userIds: [userId] }, digestSyncJob.options);
  }

  async scheduleVacationEnd(userId: number, at: Date): Promise<void> {
    await this.team.scheduleVacationEnd(userId, at);
  }

  async scheduleSlaCheck(leadId: number, dueAt: Date, options: { first?: boolean } = {}): Promise<void> {
    const dueAtMs = dueAt.getTime();
    if (!Number.isFinite(dueAtMs)) throw new Error(`invalid SLA due time for lead ${leadId}`);
    const id = slaJobId(leadId);
    const opts = { ...slaJob.options, delay: Math.max(0, dueAtMs - Date.now()) };
    // a lead just captured has no check yet (lead ids are never reused): add it, one round trip
    if (options.first) {
      await this.sla.add(slaJob.name, { leadId, dueAtMs }, { ...opts, jobId: id });
      return;
    }
    const existing = await this.sla.getJob(id);
    if (existing?.data.dueAtMs === dueAtMs) return;
    // the old check is running right now and cannot be removed: add this one beside it (adding
    // under its id would be a no-op, and this due time lost)
    const beside = existing ? !(await this.removeQuietly(id, this.sla)) : false;
    await this.sla.add(slaJob.name, { leadId, dueAtMs }, { ...opts, jobId: beside ? `${id}-${dueAtMs}` : id });
  }

  /** A stopped or restarted clock's old check finds another due time on the group and does nothing. */
  async scheduleGroupCheck(groupId: number, dueAt: Date): Promise<void> {
    const dueAtMs = dueAt.getTime();
    if (!Number.isFinite(dueAtMs)) throw new Error(`invalid SLA due time for group ${groupId}`);
    await this.sla.add(
      groupSlaJob.name,
      { groupId, dueAtMs },
      {
        ...groupSlaJob.options,
        jobId: `sla-group-${groupId}-${dueAtMs}`,
        delay: Math.max(0, dueAtMs - Date.now()),
      },
    );
  }

  async scheduleSlaChecks(plans: SlaPlan[]): Promise<void> {
    for (let i = 0; i < plans.length; i += 1000) {
      await this.sla.addBulk(
        plans.slice(i, i + 1000).map((p) => ({
          name: slaJob.name,
          data: { leadId: p.leadId, dueAtMs: p.dueAt.getTime() },
          opts: { ...slaJob.options, jobId: slaJobId(p.leadId), delay: Math.max(0, p.dueAt.getTime() - Date.now()) },
        })),
      );
    }
  }

  /** Removes a job; false when it could not be (locked by a worker right now). */
  private async removeQuietly(jobId: string, queue: Queue = this.reminders): Promise<boolean> {
    try {
      if (queue === this.reminders) {
        // a reminder whose delivery is under way (put back to wait for its chat or a 429) holds
        // a ticket on its chat's clock: run it now instead, so it finds the task moved or closed
        // and gives the ticket back (removed, it would hold up the chat's later messages)
        const job = await queue.getJob(jobId);
        if (job && (job.data as { slot?: number }).slot !== undefined) {
          if (await job.isDelayed()) await job.promote();
          return true;
        }
      }
      return (await queue.remove(jobId)) === 1;
    } catch {
      // locked by a worker right now: the worker's staleness check drops it
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.reminders.close(), this.sla.close(), this.digests.close(), this.team.close()]);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
