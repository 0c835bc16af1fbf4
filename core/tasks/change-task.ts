// Snooze, reschedule and cancel: each moves (or drops) the task's reminder after commit.
import type { Prisma, Task } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { invalid } from '../errors.js';
import { assertTaskOpen, assertValidDate, effectiveDueAt, loadTask, taskSnapshot } from './task-access.js';

async function changeTask(
  ctx: CoreContext,
  actor: Actor,
  id: number,
  action: string,
  data: (task: Task) => Prisma.TaskUpdateInput,
  activityData: Prisma.InputJsonObject | (() => Prisma.InputJsonObject),
): Promise<Task> {
  return inTx(ctx.db, async (tx) => {
    const before = await loadTask(tx, actor, id);
    assertTaskOpen(before, actor);
    const task = await tx.task.update({ where: { id }, data: data(before) });
    await recordChange(
      tx,
      actor,
      {
        type: `task.${action}`,
        taskId: id,
        leadId: task.leadId,
        dealId: task.dealId,
        contactId: task.contactId,
        data: { title: task.title, ...(typeof activityData === 'function' ? activityData() : activityData) },
      },
      { action: `task.${action}`, entity: 'task', entityId: id, before: taskSnapshot(before), after: taskSnapshot(task) },
    );
    return task;
  });
}

async function moveReminder(ctx: CoreContext, task: Task) {
  await ctx.scheduler?.cancelReminder(task.id);
  await ctx.scheduler?.scheduleReminder(task.id, effectiveDueAt(task));
}

/**
 * Hides the task until `until` (its due time stays; the reminder moves). `until` may be a
 * function of the moment the snooze counts from: the task's effective due time while that is
 * still ahead, else now. So "1h" on a task due tomorrow at 10:00 means tomorrow at 11:00,
 * never earlier than it was.
 */
export async function snoozeTask(ctx: CoreContext, actor: Actor, id: number, until: Date | ((from: Date) => Date)): Promise<Task> {
  const now = ctx.clock.now();
  const target = (task: Task) => {
    const due = effectiveDueAt(task);
    const at = typeof until === 'function' ? until(due.getTime() > now.getTime() ? due : now) : until;
    assertValidDate(at);
    if (at.getTime() <= now.getTime()) throw invalid('invalid.snooze_past');
    return at;
  };
  let at: Date | undefined;
  const task = await changeTask(
    ctx,
    actor,
    id,
    'snoozed',
    (before) => ({ snoozedUntil: (at = target(before)) }),
    () => ({ until: at!.toISOString() }),
  );
  await moveReminder(ctx, task);
  return task;
}

/** Moves the due time (and clears a snooze). */
export async function rescheduleTask(ctx: CoreContext, actor: Actor, id: number, dueAt: Date): Promise<Task> {
  assertValidDate(dueAt);
  const task = await changeTask(ctx, actor, id, 'rescheduled', () => ({ dueAt, snoozedUntil: null }), { dueAt: dueAt.toISOString() });
  await moveReminder(ctx, task);
  return task;
}

/** Cancels the task; for a recurring task this ends the series (no next occurrence). */
export async function cancelTask(ctx: CoreContext, actor: Actor, id: number): Promise<Task> {
  const task = await changeTask(ctx, actor, id, 'cancelled', () => ({ status: 'cancelled' }), {});
  await ctx.scheduler?.cancelReminder(task.id);
  return task;
}
