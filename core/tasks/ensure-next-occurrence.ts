// "Recurring tasks produce their next occurrence when one is done or passes": both halves
// (completion, and the reminder worker when an occurrence passes undone) use this.
// Idempotent: a series gets at most one later occurrence per due time, however often this
// runs (reminder retries, reconciliation, a completion racing with the reminder).
import type { Task } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { Actor } from '../actor.js';
import { recordActivity, recordAudit } from '../audit.js';
import { nextOccurrence } from './recurrence.js';
import { taskSnapshot } from './task-access.js';
import { timezoneOfUser } from '../users/load-member.js';

/**
 * The series' next occurrence after `task`, created when the series has no later task yet.
 * Returns the later task (new or existing), or null when the series has ended.
 * With an actor (a person completing the task) the creation is also audited in their name.
 * Runs in the caller's transaction (ctx.db), or in one of its own on a client.
 */
export async function ensureNextOccurrence(ctx: CoreContext, task: Task, now: Date, actor?: Actor): Promise<{ task: Task; created: boolean } | null> {
  if (!task.rrule) return null;
  const rrule = task.rrule;
  return inTx(ctx.db, async (tx) => {
    const seriesId = task.seriesId ?? task.id;
    // serialise concurrent producers of the same series (reminder vs completion)
    await ctx.stores.tasks.lockSeries(tx, seriesId);
    const later = await tx.task.findFirst({
      where: { OR: [{ seriesId }, { id: seriesId }], dueAt: { gt: task.dueAt } },
      orderBy: { dueAt: 'asc' },
    });
    if (later) return { task: later, created: false };
    const root = seriesId === task.id ? task : ((await tx.task.findUnique({ where: { id: seriesId } })) ?? task);
    const timezone = await timezoneOfUser(tx, task.assigneeId);
    const after = task.dueAt.getTime() > now.getTime() ? task.dueAt : now;
    const dueAt = nextOccurrence(rrule, after, timezone, root.dueAt);
    if (!dueAt) return null;
    const next = await tx.task.create({
      data: {
        workspaceId: task.workspaceId,
        title: task.title,
        dueAt,
        assigneeId: task.assigneeId,
        creatorId: task.creatorId,
        rrule,
        seriesId,
        leadId: task.leadId,
        dealId: task.dealId,
        contactId: task.contactId,
      },
    });
    const who = actor ?? { workspaceId: task.workspaceId, userId: null };
    await recordActivity(tx, who, {
      type: 'task.created',
      taskId: next.id,
      leadId: next.leadId,
      dealId: next.dealId,
      contactId: next.contactId,
      data: { title: next.title, dueAt: dueAt.toISOString(), seriesId, recurring: true, after: actor ? 'completed' : 'passed' },
    });
    if (actor) await recordAudit(tx, actor, { action: 'task.create', entity: 'task', entityId: next.id, after: taskSnapshot(next) });
    return { task: next, created: true };
  });
}
