// Round robin: the next lead goes to the on-duty, active manager who was assigned one
// longest ago (never assigned first). One UPDATE ... WHERE id = (SELECT ... FOR UPDATE
// SKIP LOCKED) RETURNING statement picks and stamps the user atomically, so worker
// processes capturing leads in parallel take different managers and spread leads evenly.
import type { User } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';

type Pool = 'managers' | 'leads';

async function pickFrom(ctx: CoreContext, workspaceId: number, pool: Pool, now: Date): Promise<User | null> {
  const rows =
    pool === 'managers'
      ? await ctx.db.$queryRaw<User[]>`
          UPDATE "User" SET "lastAssignedAt" = ${now}, "updatedAt" = ${now}
          WHERE "id" = (
            SELECT "id" FROM "User"
            WHERE "workspaceId" = ${workspaceId} AND "active" AND "onDuty" AND "role" = 'manager'::"Role"
            ORDER BY "lastAssignedAt" ASC NULLS FIRST, "id" ASC
            LIMIT 1
            FOR UPDATE SKIP LOCKED
          )
          RETURNING *`
      : await ctx.db.$queryRaw<User[]>`
          UPDATE "User" SET "lastAssignedAt" = ${now}, "updatedAt" = ${now}
          WHERE "id" = (
            SELECT "id" FROM "User"
            WHERE "workspaceId" = ${workspaceId} AND "active" AND "onDuty" AND "role" IN ('head'::"Role", 'admin'::"Role")
            ORDER BY "lastAssignedAt" ASC NULLS FIRST, "id" ASC
            LIMIT 1
            FOR UPDATE SKIP LOCKED
          )
          RETURNING *`;
  return rows[0] ?? null;
}

async function anyOnDuty(ctx: CoreContext, workspaceId: number, pool: Pool): Promise<boolean> {
  const roles = pool === 'managers' ? (['manager'] as const) : (['head', 'admin'] as const);
  const n = await ctx.db.user.count({ where: { workspaceId, active: true, onDuty: true, role: { in: [...roles] } } });
  return n > 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The next assignee, or null when nobody is on duty (the lead then stays unassigned).
 * Falls back to on-duty heads and admins when no manager is on duty.
 */
export async function pickRoundRobinAssignee(ctx: CoreContext, workspaceId: number): Promise<User | null> {
  for (const pool of ['managers', 'leads'] as const) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const user = await pickFrom(ctx, workspaceId, pool, ctx.clock.now());
      if (user) return user;
      // nobody returned: either nobody is on duty in this pool, or every candidate row is
      // locked for a moment by a parallel pick; only the first means "fall back"
      if (!(await anyOnDuty(ctx, workspaceId, pool))) break;
      await sleep(2 + Math.random() * 8);
    }
  }
  return null;
}
