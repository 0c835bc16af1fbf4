// Round robin: the next lead goes to the on-duty, active manager who was assigned one
// longest ago (never assigned first). One UPDATE ... RETURNING statement picks and stamps
// the user atomically (database clock, so stamps never tie), so worker processes
// capturing leads in parallel take different managers and spread leads evenly.
import type { User } from '../../prisma/generated/client.js';
import type { Role } from '../../prisma/generated/enums.js';
import type { CoreContext } from '../context.js';

type Pool = 'managers' | 'leads';

/** Who each pool is: managers first; heads and admins when no manager is on duty. */
const POOL_ROLES: Record<Pool, readonly Role[]> = { managers: ['manager'], leads: ['head', 'admin'] };

/**
 * The pick is one UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING
 * statement (AssigneeStore.pickNext, ctx.stores.assignees), preceded in the same short
 * transaction by a per-workspace advisory lock: a statement's snapshot is taken when it
 * starts, so without the lock two parallel picks could both rank by the same stale stamps and
 * hand one manager two leads in a row. The lock is held for the few microseconds of the pick
 * only (not across the lead's creation). NO KEY UPDATE (not UPDATE): inserting a lead takes a
 * KEY SHARE lock on its assignee's row for the foreign key, which must not make that manager
 * look busy and be skipped.
 */
function pickFrom(ctx: CoreContext, workspaceId: number, pool: Pool, now: Date, except: number | null): Promise<User | null> {
  return ctx.stores.assignees.pickNext(ctx.db, { workspaceId, roles: POOL_ROLES[pool], except, now });
}

async function anyOnDuty(ctx: CoreContext, workspaceId: number, pool: Pool, except: number | null): Promise<boolean> {
  const n = await ctx.db.user.count({
    where: { workspaceId, active: true, onDuty: true, role: { in: [...POOL_ROLES[pool]] }, ...(except !== null ? { id: { not: except } } : {}) },
  });
  return n > 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The next assignee, or null when nobody is on duty (the lead then stays unassigned).
 * Falls back to on-duty heads and admins when no manager is on duty. `except`: a user who
 * does not count (a lead's current assignee when it is handed on), so a head or admin on
 * duty takes it when that assignee is the only manager on duty.
 */
export async function pickRoundRobinAssignee(ctx: CoreContext, workspaceId: number, except: number | null = null): Promise<User | null> {
  for (const pool of ['managers', 'leads'] as const) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const user = await pickFrom(ctx, workspaceId, pool, ctx.clock.now(), except);
      if (user) return user;
      // nobody returned: either nobody is on duty in this pool, or every candidate row is
      // locked for a moment by a parallel pick; only the first means "fall back"
      if (!(await anyOnDuty(ctx, workspaceId, pool, except))) break;
      await sleep(2 + Math.random() * 8);
    }
  }
  return null;
}
