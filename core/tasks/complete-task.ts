// Complete a task; a recurring one gets its next occurrence (same series), scheduled at once.
import type { Task } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordChange } from '../audit.js';
import { withTx, type CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { conflict } from '../errors.js';
import { t } from '../i18n/index.js';
import { ensureNextOccurrence } from './ensure-next-occurrence.js';
import { assertTaskOpen, loadTask, taskSnapshot } from './task-access.js';

export interface CompleteTaskResult {
  task: Task;
  /** the next occurrence of a recurring task, when the series goes on */
  next?: Task;
}

export async function completeTask(ctx: CoreContext, actor: Actor, id: number): Promise<CompleteTaskResult> {
  const now = ctx.clock.now();
  const result = await inTx(ctx.db, async (tx) => {
    const before = await loadTask(tx, actor, id);
    assertTaskOpen(before, actor);
    // only one of two concurrent completions wins (and creates the next occurrence)
    const claimed = await tx.task.updateMany({ where: { id, status: 'open' }, data: { status: 'done', completedAt: now } });
    if (claimed.count === 0) throw conflict('invalid.task_closed', { id, status: t(actor.locale, 'task.status.done') });
    const task = await tx.task.findUniqueOrThrow({ where: { id } });
    await recordChange(
      tx,
      actor,
      { type: 'task.completed', taskId: id, leadId: task.leadId, dealId: task.dealId, contactId: task.contactId, data: { title: task.title } },
      { action: 'task.complete', entity: 'task', entityId: id, before: taskSnapshot(before), after: taskSnapshot(task) },
    );
    // finishing a follow-up is activity on its deal (stale-deal digests look at lastActivityAt)
    if (task.dealId) await tx.deal.updateMany({ where: { id: task.dealId }, data: { lastActivityAt: now } });
    if (!task.rrule) return { task };

    // completed late: the next occurrence is the first one still ahead, not a missed one;
    // if the reminder worker already produced it (the occurrence passed), it is reused
    const next = await ensureNextOccurrence(withTx(ctx, tx), task, now, actor);
    if (!next) return { task };
    return { task, next: next.task };
  });
  await ctx.scheduler?.cancelReminder(id);
  if (result.next) await ctx.scheduler?.scheduleReminder(result.next.id, result.next.dueAt);
  return result;
}
