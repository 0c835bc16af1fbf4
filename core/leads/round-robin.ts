// Round robin: the next lead goes to the on-duty, active manager who was assigned one
// longest ago (never assigned first). One UPDATE ... RETURNING statement picks and stamps
// the user atomically (database clock, so stamps never tie), so worker processes
// capturing leads in parallel take different managers and spread leads evenly.
import { Prisma, type User } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import { inTx, type DbOrTx } from '../db.js';

type Pool = 'managers' | 'leads';

/**
 * The pick is one UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING
 * statement, preceded in the same short transaction by a per-workspace advisory lock: a
 * statement's snapshot is taken when it starts, so without the lock two parallel picks
 * could both rank by the same stale stamps and hand one manager two leads in a row. The
 * lock is held for the few microseconds of the pick only (not across the lead's creation).
 * NO KEY UPDATE (not UPDATE): inserting a lead takes a KEY SHARE lock on its assignee's
 * row for the foreign key, which must not make that manager look busy and be skipped.
 */
async function pickFrom(ctx: CoreContext, workspaceId: number, pool: Pool, now: Date, except: number | null): Promise<User | null> {
  const roles = pool === 'managers' ? Prisma.sql`'manager'::"Role"` : Prisma.sql`'head'::"Role", 'admin'::"Role"`;
  const pick = (db: DbOrTx) => db.$queryRaw<User[]>`
    UPDATE "User" SET "lastAssignedAt" = clock_timestamp(), "updatedAt" = ${now}
    WHERE "id" = (
      SELECT "id" FROM "User"
      WHERE "workspaceId" = ${workspaceId} AND "active" AND "onDuty" AND "role" IN (${roles}) AND "id" IS DISTINCT FROM ${except}::int
      ORDER BY "lastAssignedAt" ASC NULLS FIRST, "id" ASC
      LIMIT 1
      FOR NO KEY UPDATE SKIP LOCKED
    )
    RETURNING *`;
  const lock = (db: DbOrTx) => db.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, ${workspaceId}::int)`;
  const rows = await inTx(ctx.db, async (tx) => {
    await lock(tx);
    return pick(tx);
  });
  return rows[0] ?? null;
}

/** First key of the advisory lock pair: "round robin" (the second is the workspace id). */
const LOCK_NAMESPACE = 0x52_52;

async function anyOnDuty(ctx: CoreContext, workspaceId: number, pool: Pool, except: number | null): Promise<boolean> {
  const roles = pool === 'managers' ? (['manager'] as const) : (['head', 'admin'] as const);
  const n = await ctx.db.user.count({
    where: { workspaceId, active: true, onDuty: true, role: { in: [...roles] }, ...(except !== null ? { id: { not: except } } : {}) },
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
