// The team as its admins run it from chat and the CLI: who may do what, the member list with
// each member's load (open leads, deals, tasks), and role changes. Vacations are in
// vacation.ts, deactivation with a handover in handover.ts.
import type { User } from '../../prisma/generated/client.js';
import type { Role } from '../../prisma/generated/enums.js';
import type { Actor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import { parseRole } from './add-user.js';
import { ensureDefaultDigestSubscriptions } from '../digests/subscriptions.js';

/** Admin-only team changes (roles, deactivation); a head or a manager gets a clear refusal. */
export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new DomainError('forbidden', 'team.forbidden_admin');
}

/** Team changes heads of sales may make too (duty, vacations, invites, reassigning work). */
export function assertHeadOrAdmin(actor: Actor): void {
  if (actor.role !== 'admin' && actor.role !== 'head') throw new DomainError('forbidden', 'team.forbidden_heads');
}

export interface MemberLoad {
  leads: number;
  deals: number;
  tasks: number;
}

export interface TeamMember {
  id: number;
  name: string;
  role: Role;
  onDuty: boolean;
  active: boolean;
  vacationUntil: Date | null;
  /** has a linked messenger account */
  linked: boolean;
  load: MemberLoad;
}

/** Open leads, open deals and open tasks per user of the workspace. */
export async function loadsOf(ctx: CoreContext, workspaceId: number, userIds?: number[]): Promise<Map<number, MemberLoad>> {
  const only = userIds ? { in: userIds } : undefined;
  const [leads, deals, tasks] = await Promise.all([
    ctx.db.lead.groupBy({
      by: ['assigneeId'],
      where: { workspaceId, status: { in: [...OPEN_LEAD_STATUSES] }, assigneeId: only ?? { not: null } },
      _count: { _all: true },
    }),
    ctx.db.deal.groupBy({ by: ['ownerId'], where: { workspaceId, status: 'open', ...(only ? { ownerId: only } : {}) }, _count: { _all: true } }),
    ctx.db.task.groupBy({ by: ['assigneeId'], where: { workspaceId, status: 'open', ...(only ? { assigneeId: only } : {}) }, _count: { _all: true } }),
  ]);
  const out = new Map<number, MemberLoad>();
  const at = (id: number) => {
    let load = out.get(id);
    if (!load) out.set(id, (load = { leads: 0, deals: 0, tasks: 0 }));
    return load;
  };
  for (const r of leads) if (r.assigneeId !== null) at(r.assigneeId).leads = r._count._all;
  for (const r of deals) at(r.ownerId).deals = r._count._all;
  for (const r of tasks) at(r.assigneeId).tasks = r._count._all;
  return out;
}

/** Every member of the actor's workspace with their load; colleagues are visible to every member. */
export async function listTeam(ctx: CoreContext, actor: Actor, options: { includeInactive?: boolean } = {}): Promise<TeamMember[]> {
  const users = await ctx.db.user.findMany({
    where: { workspaceId: actor.workspaceId, ...(options.includeInactive ? {} : { active: true }) },
    include: { identities: { select: { id: true } } },
    orderBy: { id: 'asc' },
  });
  const loads = await loadsOf(
    ctx,
    actor.workspaceId,
    users.map((u) => u.id),
  );
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    role: u.role,
    onDuty: u.onDuty,
    active: u.active,
    vacationUntil: u.vacationUntil,
    linked: u.identities.length > 0,
    load: loads.get(u.id) ?? { leads: 0, deals: 0, tasks: 0 },
  }));
}

/** One member of the actor's workspace (any state), or not found. */
export async function teamMember(ctx: CoreContext, actor: Actor, userId: number): Promise<TeamMember> {
  const all = await listTeam(ctx, actor, { includeInactive: true });
  const m = all.find((u) => u.id === userId);
  if (!m) throw notFound('what.user', { id: userId });
  return m;
}

/** Admins change roles; the last active admin cannot stop being one (nobody could undo it). */
export async function changeRole(ctx: CoreContext, actor: Actor, userId: number, roleText: string): Promise<{ user: User; before: Role }> {
  const role = parseRole(roleText);
  assertAdmin(actor);
  const result = await inTx(ctx.db, async (tx) => {
    const before = await tx.user.findFirst({ where: { id: userId, workspaceId: actor.workspaceId } });
    if (!before) throw notFound('what.user', { id: userId });
    if (!before.active) throw invalid('invalid.assignee_inactive', { name: before.name });
    if (before.role === role) return { user: before, before: before.role };
    if (before.role === 'admin') {
      const admins = await tx.user.count({ where: { workspaceId: actor.workspaceId, role: 'admin', active: true } });
      if (admins <= 1) throw invalid('team.last_admin', { name: before.name });
    }
    const user = await tx.user.update({ where: { id: userId }, data: { role } });
    // a new head or admin also gets the team digests (their own choices are kept)
    await ensureDefaultDigestSubscriptions(tx, user);
    await recordChange(
      tx,
      actor,
      { type: 'user.updated', data: { userId, field: 'role', value: role } },
      { action: 'user.set_role', entity: 'user', entityId: userId, before: { role: before.role }, after: { role }, actorKind: actor.userId ? 'user' : 'cli' },
    );
    return { user, before: before.role };
  });
  await ctx.scheduler?.rescheduleDigests?.(userId);
  return result;
}
