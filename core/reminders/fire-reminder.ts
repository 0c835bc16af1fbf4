// What happens when a reminder's time comes. Postgres is the truth: the job only says
// "task T may be due at D". Exactly once, end to end:
//   1. the job is stale (task closed, moved, snoozed, deleted) => nothing;
//   2. claim the occurrence: INSERT ReminderDelivery(taskId, dueAt) ON CONFLICT DO NOTHING,
//      and, for a recurring task, create its next occurrence in the same transaction;
//   3. enqueue the outbound message with the deterministic dedupe key rem-<task>-<dueMs>,
//      also when the claim already existed (a retry after a crash between 2 and 3): the
//      outbound queue and its OutboundDelivery ledger turn a repeated enqueue into a no-op.
// The hot path is one statement (load with links and recipient, and claim: ReminderStore,
// ctx.stores.reminders) because reminders come in bursts (everyone's 09:00).
import { withTx, type CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { Outbox } from '../ports.js';
import { CHANNELS } from '../channels.js';
import { toTeamRecipient } from '../outbound/recipient.js';
import { ensureNextOccurrence } from '../tasks/ensure-next-occurrence.js';
import { reminderItem, type ReminderTask } from './reminder-message.js';
import { effectiveDueAt } from '../tasks/task-access.js';

export interface ReminderJobData {
  taskId: number;
  /** the effective due time this job was scheduled for (epoch ms) */
  dueAtMs: number;
}

export type FireOutcome =
  | { status: 'stale'; reason: 'missing' | 'closed' | 'moved'; currentDueAtMs?: number }
  | { status: 'enqueued'; fresh: boolean; next?: { taskId: number; dueAt: Date } }
  | { status: 'no_recipient'; fresh: boolean; next?: { taskId: number; dueAt: Date } };

export async function fireReminder(ctx: CoreContext, outbox: Outbox, job: ReminderJobData): Promise<FireOutcome> {
  const store = ctx.stores.reminders;
  const row = await store.loadAndClaim(ctx.db, { taskId: job.taskId, dueAt: new Date(job.dueAtMs), channelOrder: CHANNELS });
  if (!row) return { status: 'stale', reason: 'missing' };
  if (row.status !== 'open') return { status: 'stale', reason: 'closed' };
  const due = effectiveDueAt(row);
  if (due.getTime() !== job.dueAtMs) return { status: 'stale', reason: 'moved', currentDueAtMs: due.getTime() };

  let fresh: boolean;
  let nextInfo: { taskId: number; dueAt: Date } | undefined;
  if (!row.rrule) {
    fresh = row.claimed;
  } else {
    const now = ctx.clock.now();
    const result = await inTx(ctx.db, async (tx) => {
      const claimed = await store.claim(tx, { taskId: row.id, dueAt: due });
      const task = await tx.task.findUniqueOrThrow({ where: { id: row.id } });
      return { claimed, next: await ensureNextOccurrence(withTx(ctx, tx), task, now) };
    });
    fresh = result.claimed;
    if (result.next && result.next.task.status === 'open') nextInfo = { taskId: result.next.task.id, dueAt: effectiveDueAt(result.next.task) };
  }

  const recipient = toTeamRecipient({
    id: row.assigneeId,
    workspaceId: row.workspaceId,
    name: row.userName,
    locale: row.userLocale,
    timezone: row.userTimezone,
    active: row.userActive,
    wsLocale: row.wsLocale,
    wsTimezone: row.wsTimezone,
    identityId: row.identityId,
    languageCode: row.languageCode,
  });
  if (!recipient.identityId) return { status: 'no_recipient', fresh, next: nextInfo };
  const task: ReminderTask = {
    ...row,
    lead: row.leadTitle !== null ? { title: row.leadTitle } : null,
    deal: row.dealTitle !== null ? { title: row.dealTitle } : null,
    contact: row.contactName !== null ? { name: row.contactName } : null,
  };
  await outbox.enqueue(reminderItem({ identityId: recipient.identityId, locale: recipient.locale, timezone: recipient.timezone }, task, due, nextInfo?.dueAt));
  return { status: 'enqueued', fresh, next: nextInfo };
}
