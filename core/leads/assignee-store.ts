// Round robin's statement as a port: core says who may be picked (the roles of each pool,
// round-robin.ts), connectors/db/stores/assignees.ts picks and stamps in SQL.
import type { User } from '../../prisma/generated/client.js';
import type { Role } from '../../prisma/generated/enums.js';
import type { DbOrTx } from '../db.js';

export interface AssigneeStore {
  /**
   * The active, on-duty user of the workspace with one of `roles` (never `except`) who was
   * assigned a lead longest ago (never assigned first, then lowest id), stamped as assigned
   * (database clock, so stamps never tie; `now`: the row's updatedAt). Null when no such row
   * is free: nobody matches, or every match is locked for a moment by a parallel pick.
   * Picks in one workspace are serialized for the pick's own few microseconds (an advisory
   * lock in the caller's transaction, or in a short one of its own on a client).
   */
  pickNext(db: DbOrTx, q: { workspaceId: number; roles: readonly Role[]; except: number | null; now: Date }): Promise<User | null>;
}
