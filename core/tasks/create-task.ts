// Create a task for yourself or a colleague (managers may assign to colleagues; both then see it).
import type { Task } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { isSystemActor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx, type Tx } from '../db.js';
import { invalid } from '../errors.js';
import { loadActiveMember } from '../users/load-member.js';
import { normalizeRrule } from './recurrence.js';
import { assertValidDate, effectiveDueAt, taskSnapshot } from './task-access.js';
import { resolveTaskLinks } from './task-links.js';

export interface CreateTaskInput {
  title: string;
  dueAt: Date;
  /** defaults to the actor */
  assigneeId?: number;
  /** RFC 5545 RRULE without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=MO" */
  rrule?: string | null;
  leadId?: number | null;
  dealId?: number | null;
  contactId?: number | null;
}

/** The task and its audit rows in the caller's transaction; the reminder is the caller's to schedule. */
export async function createTaskInTx(tx: Tx, actor: Actor, input: CreateTaskInput): Promise<Task> {
  const title = input.title?.trim();
  if (!title) throw invalid('invalid.task_title_empty');
  const dueAt = assertValidDate(input.dueAt);
  const assigneeId = input.assigneeId ?? (isSystemActor(actor) ? undefined : actor.userId);
  if (!assigneeId) throw invalid('invalid.task_assignee_required');
  const rrule = input.rrule?.trim() ? normalizeRrule(input.rrule) : null;

  await loadActiveMember(tx, actor.workspaceId, assigneeId);
  const links = await resolveTaskLinks(tx, actor, input);
  let created = await tx.task.create({
    data: {
      workspaceId: actor.workspaceId,
      title,
      dueAt,
      assigneeId,
      creatorId: isSystemActor(actor) ? null : actor.userId,
      rrule,
      ...links,
    },
  });
  if (rrule) created = await tx.task.update({ where: { id: created.id }, data: { seriesId: created.id } });
  await recordChange(
    tx,
    actor,
    { type: 'task.created', taskId: created.id, ...links, data: { title, dueAt: dueAt.toISOString(), assigneeId, rrule } },
    { action: 'task.create', entity: 'task', entityId: created.id, after: taskSnapshot(created) },
  );
  return created;
}

export async function createTask(ctx: CoreContext, actor: Actor, input: CreateTaskInput): Promise<Task> {
  const task = await inTx(ctx.db, (tx) => createTaskInTx(tx, actor, input));
  await ctx.scheduler?.scheduleReminder(task.id, effectiveDueAt(task));
  return task;
}
