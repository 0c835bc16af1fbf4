// Round robin's pick in SQL (core/leads/assignee-store.ts is the port; the pools' roles come
// from core/leads/round-robin.ts).
//
// The pick is one UPDATE ... WHERE id = (SELECT ... FOR NO KEY UPDATE SKIP LOCKED) RETURNING
// statement, preceded in the same short transaction by a per-workspace advisory lock: a
// statement's snapshot is taken when it starts, so without the lock two parallel picks could
// both rank by the same stale stamps and hand one manager two leads in a row. The lock is held
// for the pick only (not across the lead's creation) when the pick runs on a client; in the
// caller's transaction it lasts until that one ends. NO KEY UPDATE (not UPDATE): inserting a
// lead takes a KEY SHARE lock on its assignee's row for the foreign key, which must not make
// that manager look busy and be skipped. The stamp is clock_timestamp(): never two alike.
import type { User } from '../../../prisma/generated/client.js';
import type { Role } from '../../../prisma/generated/enums.js';
import type { AssigneeStore } from '../../../core/leads/assignee-store.js';
import { inTx } from '../../../core/db.js';
import { statement } from '../statement.js';
import { NEXT_ASSIGNED_AT } from './fragments.js';

/** Serializes picks in one workspace until the transaction ends (first key 0x5252: "round robin"). */
const lockWorkspace = statement<{ workspaceId: number }>(`
SELECT pg_advisory_xact_lock(21074, :workspaceId::int)`);

/** Picks and stamps the next user of :roles (see the file comment); no row: none free. */
const pickNext = statement<{ workspaceId: number; roles: readonly Role[]; except: number | null; now: Date }, User>(`
UPDATE "User" SET "lastAssignedAt" = ${NEXT_ASSIGNED_AT}, "updatedAt" = :now::timestamp(3)
WHERE "id" = (
  SELECT "id" FROM "User"
  WHERE "workspaceId" = :workspaceId AND "active" AND "onDuty" AND "role" = ANY(:roles::"Role"[]) AND "id" IS DISTINCT FROM :except::int
  ORDER BY "lastAssignedAt" ASC NULLS FIRST, "id" ASC
  LIMIT 1
  FOR NO KEY UPDATE SKIP LOCKED
)
RETURNING *`);

export const sqlAssigneeStore: AssigneeStore = {
  async pickNext(db, q) {
    const rows = await inTx(db, async (tx) => {
      await lockWorkspace.execute(tx, q);
      return pickNext.query(tx, q);
    });
    return rows[0] ?? null;
  },
};
