// The task queries the ORM cannot state, as a port (connectors/db/stores/tasks.ts).
import type { DbOrTx, Tx } from '../db.js';

export interface OpenTasksQuery {
  workspaceId: number;
  /** whose tasks; null: the whole workspace */
  assigneeId: number | null;
  /** effective due time (snoozedUntil ?? dueAt) from, inclusive; null: no lower bound */
  from: Date | null;
  /** effective due time up to, exclusive; null: no upper bound */
  to: Date | null;
  limit: number;
}

export interface TaskStore {
  /** Ids of the open tasks in the window, by effective due time, then id. */
  openTaskIdsByDue(db: DbOrTx, q: OpenTasksQuery): Promise<number[]>;
  /** Serializes the producers of one recurring series' next occurrence until `tx` ends. */
  lockSeries(tx: Tx, seriesId: number): Promise<void>;
}
