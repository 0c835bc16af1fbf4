// Start-up reconciliation: Postgres is the truth, Redis only the schedule. Every open task
// gets its reminder job again (adding an existing job id is a no-op), and every task whose
// reminder is due but not settled (no claim, or claimed but the message was never
// recorded as sent — e.g. Redis lost its data) is scheduled to fire now. Works in keyset
// batches so 10^5 tasks cost a few queries and bulk adds (ReminderStore, ctx.stores.reminders).
import type { CoreContext } from '../context.js';

export interface ReminderPlan {
  taskId: number;
  dueAt: Date;
}

/** The bulk side of the reminder scheduler (the BullMQ scheduler implements it). */
export interface BulkReminderScheduler {
  scheduleReminders(plans: ReminderPlan[]): Promise<void>;
}

export interface ReconcileOptions {
  batchSize?: number;
  /** reminders overdue by more than this are not sent late (counted as tooOld); default 7 days */
  catchUpMs?: number;
  /** only these workspaces (a deployment sharded by workspace; tests); default all */
  workspaceIds?: number[];
}

export interface ReconcileReport {
  /** future reminders (re)scheduled */
  upcoming: number;
  /** overdue and unsettled: fired now */
  overdue: number;
  /** overdue and already delivered: left alone */
  settled: number;
  /** overdue beyond the catch-up window: not sent */
  tooOld: number;
}

export async function reconcileReminders(
  ctx: CoreContext,
  scheduler: BulkReminderScheduler,
  now: Date,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const batchSize = options.batchSize ?? 5000;
  const since = new Date(now.getTime() - (options.catchUpMs ?? 7 * 24 * 3600 * 1000));
  const report: ReconcileReport = { upcoming: 0, overdue: 0, settled: 0, tooOld: 0 };
  let cursor = 0;
  for (;;) {
    const rows = await ctx.stores.reminders.openTasksAfter(ctx.db, { now, afterId: cursor, limit: batchSize, workspaceIds: options.workspaceIds ?? null });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.id;
    const plans: ReminderPlan[] = [];
    for (const row of rows) {
      if (row.due.getTime() > now.getTime()) {
        report.upcoming++;
        plans.push({ taskId: row.id, dueAt: row.due });
      } else if (row.settled) report.settled++;
      else if (row.due.getTime() < since.getTime()) report.tooOld++;
      else {
        report.overdue++;
        plans.push({ taskId: row.id, dueAt: row.due });
      }
    }
    if (plans.length) await scheduler.scheduleReminders(plans);
    if (rows.length < batchSize) break;
  }
  return report;
}
