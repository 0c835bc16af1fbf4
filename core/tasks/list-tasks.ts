// "today", "overdue" and "upcoming" task lists, computed in the user's own time zone.
import type { Task } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { assertCanActFor, isSystemActor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { notFound } from '../errors.js';
import { startOfLocalDay } from '../time/zoned.js';
import { loadTask } from './task-access.js';

export type TaskWindow = 'today' | 'overdue' | 'upcoming';

export interface ListTasksOptions {
  limit?: number;
  /** whose tasks (their assigned tasks); defaults to the actor; others' lists need head/admin */
  userId?: number;
}

export interface TaskWindowBounds {
  from?: Date;
  /** exclusive */
  to?: Date;
}

/**
 * The effective-due range of each list, in `timeZone`:
 * today = the local calendar day containing now (also tasks already past due today);
 * overdue = before now; upcoming = from the start of tomorrow on.
 */
export function taskWindowBounds(window: TaskWindow, now: Date, timeZone: string): TaskWindowBounds {
  switch (window) {
    case 'today':
      return { from: startOfLocalDay(now, timeZone), to: startOfLocalDay(now, timeZone, 1) };
    case 'overdue':
      return { to: now };
    case 'upcoming':
      return { from: startOfLocalDay(now, timeZone, 1) };
  }
}

export async function getTask(ctx: CoreContext, actor: Actor, id: number): Promise<Task> {
  return loadTask(ctx.db, actor, id);
}

/** Open tasks assigned to the user, by effective due time (snoozed tasks count at their snooze time). */
export async function listTasks(ctx: CoreContext, actor: Actor, window: TaskWindow, options: ListTasksOptions = {}): Promise<Task[]> {
  const userId = options.userId ?? actor.userId;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  let timeZone = actor.timezone;
  const wholeWorkspace = isSystemActor(actor) && userId === 0;
  if (!wholeWorkspace) {
    assertCanActFor(actor, userId);
    const user = await ctx.db.user.findFirst({
      where: { id: userId, workspaceId: actor.workspaceId },
      select: { timezone: true, workspace: { select: { timezone: true } } },
    });
    if (!user) throw notFound('what.user', { id: userId });
    timeZone = user.timezone ?? user.workspace.timezone;
  }
  const { from, to } = taskWindowBounds(window, ctx.clock.now(), timeZone);
  const ids = await ctx.stores.tasks.openTaskIdsByDue(ctx.db, {
    workspaceId: actor.workspaceId,
    assigneeId: wholeWorkspace ? null : userId,
    from: from ?? null,
    to: to ?? null,
    limit,
  });
  if (!ids.length) return [];
  const tasks = await ctx.db.task.findMany({ where: { id: { in: ids } } });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return ids.map((id) => byId.get(id)).filter((t): t is Task => t !== undefined);
}
