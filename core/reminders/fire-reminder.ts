// What happens when a reminder's time comes. Postgres is the truth: the job only says
// "task T may be due at D". Exactly once, end to end:
//   1. the job is stale (task closed, moved, snoozed, deleted) => nothing;
//   2. claim the occurrence: INSERT ReminderDelivery(taskId, dueAt) ON CONFLICT DO NOTHING,
//      and, for a recurring task, create its next occurrence in the same transaction;
//   3. enqueue the outbound message with the deterministic dedupe key rem-<task>-<dueMs>,
//      also when the claim already existed (a retry after a crash between 2 and 3): the
//      outbound queue and its OutboundDelivery ledger turn a repeated enqueue into a no-op.
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { Outbox } from '../ports.js';
import { effectiveDueAt } from '../tasks/task-access.js';
import { loadTeamRecipient } from '../outbound/recipient.js';
import { ensureNextOccurrence } from './next-occurrence.js';
import { reminderItem } from './reminder-message.js';

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
  const task = await ctx.db.task.findUnique({
    where: { id: job.taskId },
    include: { lead: { select: { title: true } }, deal: { select: { title: true } }, contact: { select: { name: true } } },
  });
  if (!task) return { status: 'stale', reason: 'missing' };
  if (task.status !== 'open') return { status: 'stale', reason: 'closed' };
  const due = effectiveDueAt(task);
  if (due.getTime() !== job.dueAtMs) return { status: 'stale', reason: 'moved', currentDueAtMs: due.getTime() };

  const now = ctx.clock.now();
  const { fresh, next } = await inTx(ctx.db, async (tx) => {
    const claim = await tx.reminderDelivery.createMany({ data: [{ taskId: task.id, dueAt: due }], skipDuplicates: true });
    const fresh = claim.count === 1;
    const next = task.rrule ? await ensureNextOccurrence(tx, task, now) : null;
    return { fresh, next };
  });
  const nextInfo = next && next.task.status === 'open' ? { taskId: next.task.id, dueAt: effectiveDueAt(next.task) } : undefined;

  const recipient = await loadTeamRecipient(ctx.db, task.assigneeId);
  if (!recipient?.identityId) return { status: 'no_recipient', fresh, next: nextInfo };
  await outbox.enqueue(reminderItem({ identityId: recipient.identityId, locale: recipient.locale, timezone: recipient.timezone }, task, due, nextInfo?.dueAt));
  return { status: 'enqueued', fresh, next: nextInfo };
}
