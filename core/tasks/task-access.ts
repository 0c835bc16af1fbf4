// Who may see and change a task: its assignee and its creator; heads and admins all of them.
import type { Task } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { DbOrTx } from '../db.js';
import { forbidden, invalid, conflict, notFound } from '../errors.js';
import { t } from '../i18n/index.js';

export function canSeeTask(actor: Actor, task: Pick<Task, 'assigneeId' | 'creatorId'>): boolean {
  return seesWholeTeam(actor) || task.assigneeId === actor.userId || task.creatorId === actor.userId;
}

/** The task, checked against the actor; another workspace's task is "not found". */
export async function loadTask(db: DbOrTx, actor: Actor, id: number): Promise<Task> {
  const task = await db.task.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!task) throw notFound('what.task', { id });
  if (!canSeeTask(actor, task)) throw forbidden('what.task', { id });
  return task;
}

export function assertTaskOpen(task: Pick<Task, 'id' | 'status'>, actor: Pick<Actor, 'locale'>): void {
  if (task.status !== 'open') throw conflict('invalid.task_closed', { id: task.id, status: t(actor.locale, `task.status.${task.status}`) });
}

/** When the task is really due: a snooze overrides the due time. */
export function effectiveDueAt(task: Pick<Task, 'dueAt' | 'snoozedUntil'>): Date {
  return task.snoozedUntil ?? task.dueAt;
}

export function assertValidDate(value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid('invalid.date', { value: String(value) });
  return value;
}

/** The fields an audit row keeps for a task. */
export function taskSnapshot(task: Task) {
  return {
    title: task.title,
    dueAt: task.dueAt,
    snoozedUntil: task.snoozedUntil,
    assigneeId: task.assigneeId,
    status: task.status,
    rrule: task.rrule,
  };
}
