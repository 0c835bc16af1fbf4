// The round-robin pick for the inbound hot path: one UPDATE ... RETURNING statement in its
// own implicit transaction, so the manager row is locked only while the statement runs (no
// client round trips while a lock is held). core/leads' pickRoundRobinAssignee serializes
// picks with a workspace advisory lock held across several round trips, which under load
// queues every new lead behind the slowest client; here two picks overlapping within the
// same microseconds may, rarely, both rank by the same stamps and give one manager two
// leads in a row (never one lead to two managers). Falls back to the core pick (heads and
// admins when no manager is on duty) when no manager row is free.
import type { CoreContext } from '../context.js';
import { pickRoundRobinAssignee } from '../leads/index.js';

// raw SQL text (no query compilation on the hot path); $1 now, $2 workspace
const PICK_SQL = `
  UPDATE "User" SET "lastAssignedAt" = clock_timestamp(), "updatedAt" = $1::timestamp(3)
  WHERE "id" = (
    SELECT "id" FROM "User"
    WHERE "workspaceId" = $2 AND "active" AND "onDuty" AND "role" = 'manager'::"Role"
    ORDER BY "lastAssignedAt" ASC NULLS FIRST, "id" ASC
    LIMIT 1
    FOR NO KEY UPDATE SKIP LOCKED
  )
  RETURNING "id"`;

export async function pickAssigneeFast(ctx: CoreContext, workspaceId: number): Promise<{ id: number } | null> {
  const now = ctx.clock.now();
  const rows = await ctx.db.$queryRawUnsafe<Array<{ id: number }>>(PICK_SQL, now.toISOString(), workspaceId);
  if (rows[0]) return rows[0];
  return pickRoundRobinAssignee(ctx, workspaceId);
}
