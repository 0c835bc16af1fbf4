// Vacations: a member is off duty until a return time and back on duty at it, without anyone
// remembering. Setting one schedules a delayed job (Scheduler.scheduleVacationEnd: the BullMQ
// `team` queue, one job id per member and return time, so scheduling twice is a no-op); the
// jobs are planned again from Postgres at start-up and after Redis lost its data
// (reconcileVacations), so neither a restart nor a lost Redis strands anyone off duty.
// Ending is one conditional UPDATE (the member's vacationUntil still equals the job's time and
// has passed): any number of workers may run the job, twice or late, and it ends that vacation
// once and never a newer one set since.
import type { User } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { invalid, notFound } from '../errors.js';
import { formatDateTime, t } from '../i18n/index.js';
import { loadTeamRecipient } from '../outbound/recipient.js';
import type { OutboxItem } from '../ports.js';
import { assertHeadOrAdmin } from './team.js';

/** The longest vacation Leadline takes (a typo like 2062 is refused when set). */
export const MAX_VACATION_DAYS = 366;

export interface VacationScheduler {
  scheduleVacationEnd(userId: number, at: Date): Promise<void>;
}

/**
 * Off duty until `until` (heads and admins), back on duty then by itself; `until` null ends a
 * vacation now. The return time must be ahead and within MAX_VACATION_DAYS.
 */
export async function setVacation(ctx: CoreContext, actor: Actor, userId: number, until: Date | null): Promise<User> {
  assertHeadOrAdmin(actor);
  const now = ctx.clock.now();
  if (until) {
    if (until.getTime() <= now.getTime()) throw invalid('team.vacation_past', { at: formatDateTime(actor.locale, until, actor.timezone) });
    if (until.getTime() - now.getTime() > MAX_VACATION_DAYS * 86_400_000) throw invalid('team.vacation_too_long', { days: MAX_VACATION_DAYS });
  }
  const user = await inTx(ctx.db, async (tx) => {
    const before = await tx.user.findFirst({ where: { id: userId, workspaceId: actor.workspaceId } });
    if (!before) throw notFound('what.user', { id: userId });
    if (!before.active) throw invalid('invalid.assignee_inactive', { name: before.name });
    const data = until ? { onDuty: false, vacationUntil: until } : { onDuty: true, vacationUntil: null };
    const after = await tx.user.update({ where: { id: userId }, data });
    await recordChange(
      tx,
      actor,
      { type: 'user.updated', data: { userId, field: 'vacationUntil', value: until?.toISOString() ?? null } },
      {
        action: until ? 'user.vacation_set' : 'user.vacation_end',
        entity: 'user',
        entityId: userId,
        before: { onDuty: before.onDuty, vacationUntil: before.vacationUntil },
        after: { onDuty: after.onDuty, vacationUntil: after.vacationUntil },
        actorKind: actor.userId ? 'user' : 'cli',
      },
    );
    return after;
  });
  if (until) await ctx.scheduler?.scheduleVacationEnd?.(userId, until);
  return user;
}

export type VacationEndOutcome = { ended: true; user: User; notice: OutboxItem | null } | { ended: false; reason: 'changed' | 'early' };

/**
 * The job at a vacation's return time: back on duty when the member's vacation still ends
 * exactly then (a vacation changed or ended by hand since is left alone), audited as Leadline's
 * own change; the member is told, when reachable. 'early': the clock has not reached it yet.
 */
export async function endVacation(ctx: CoreContext, userId: number, untilMs: number): Promise<VacationEndOutcome> {
  const now = ctx.clock.now();
  if (now.getTime() < untilMs) return { ended: false, reason: 'early' };
  const until = new Date(untilMs);
  const user = await inTx(ctx.db, async (tx) => {
    const changed = await tx.user.updateMany({ where: { id: userId, active: true, vacationUntil: until }, data: { onDuty: true, vacationUntil: null } });
    if (changed.count !== 1) return null;
    const after = await tx.user.findUniqueOrThrow({ where: { id: userId } });
    const system = { workspaceId: after.workspaceId, userId: null };
    await recordChange(
      tx,
      system,
      { type: 'user.updated', data: { userId, field: 'vacationUntil', value: null, reason: 'returned' } },
      {
        action: 'user.vacation_over',
        entity: 'user',
        entityId: userId,
        before: { onDuty: false, vacationUntil: until },
        after: { onDuty: true, vacationUntil: null },
        actorKind: 'system',
      },
    );
    return after;
  });
  if (!user) return { ended: false, reason: 'changed' };
  const to = await loadTeamRecipient(ctx, userId);
  const notice: OutboxItem | null = to?.identityId
    ? {
        workspaceId: user.workspaceId,
        identityId: to.identityId,
        text: t(to.locale, 'team.vacation_over_you'),
        dedupeKey: `vacation-over:${userId}:${untilMs}`,
      }
    : null;
  return { ended: true, user, notice };
}

/** Every pending vacation's end scheduled again (idempotent): at start-up and after Redis lost its data. */
export async function reconcileVacations(ctx: CoreContext, scheduler: VacationScheduler, options: { workspaceIds?: number[] } = {}): Promise<number> {
  const users = await ctx.db.user.findMany({
    where: { active: true, vacationUntil: { not: null }, ...(options.workspaceIds ? { workspaceId: { in: options.workspaceIds } } : {}) },
    select: { id: true, vacationUntil: true },
  });
  for (const u of users) await scheduler.scheduleVacationEnd(u.id, u.vacationUntil!);
  return users.length;
}

/** Ends every vacation whose return time has passed (the periodic sweep); each as endVacation does it. */
export async function endDueVacations(
  ctx: CoreContext,
  options: { limit?: number; workspaceIds?: number[] } = {},
): Promise<Array<{ userId: number; outcome: VacationEndOutcome }>> {
  const due = await ctx.db.user.findMany({
    where: { active: true, vacationUntil: { lte: ctx.clock.now() }, ...(options.workspaceIds ? { workspaceId: { in: options.workspaceIds } } : {}) },
    select: { id: true, vacationUntil: true },
    orderBy: { vacationUntil: 'asc' },
    take: options.limit ?? 500,
  });
  const out: Array<{ userId: number; outcome: VacationEndOutcome }> = [];
  for (const u of due) out.push({ userId: u.id, outcome: await endVacation(ctx, u.id, u.vacationUntil!.getTime()) });
  return out;
}
