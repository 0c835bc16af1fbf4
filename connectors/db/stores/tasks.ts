// Task queries in SQL (core/tasks/task-store.ts is the port).
import type { OpenTasksQuery, TaskStore } from '../../../core/tasks/task-store.js';
import { statement } from '../statement.js';
import { effectiveDue } from './fragments.js';

const DUE = effectiveDue('t');

/** Open bounds: effective due times are always within them. */
const EARLIEST = '-infinity';
const LATEST = 'infinity';

type Window = { workspaceId: number; from: Date | string; to: Date | string; limit: number };

/** One assignee's open tasks with effective due time in [:from, :to), by due time, then id. */
const assigneeTasks = statement<Window & { assigneeId: number }, { id: number }>(`
SELECT t.id FROM "Task" t
WHERE t."workspaceId" = :workspaceId AND t."assigneeId" = :assigneeId AND t.status = 'open'
  AND ${DUE} >= :from::timestamp(3) AND ${DUE} < :to::timestamp(3)
ORDER BY ${DUE}, t.id
LIMIT :limit`);

/** The same for the whole workspace. */
const workspaceTasks = statement<Window, { id: number }>(`
SELECT t.id FROM "Task" t
WHERE t."workspaceId" = :workspaceId AND t.status = 'open'
  AND ${DUE} >= :from::timestamp(3) AND ${DUE} < :to::timestamp(3)
ORDER BY ${DUE}, t.id
LIMIT :limit`);

/** Serializes the producers of one recurring series until the transaction ends (first key 7411: "series"). */
const lockSeries = statement<{ seriesId: number }>(`
SELECT pg_advisory_xact_lock(7411, :seriesId::int)`);

export const sqlTaskStore: TaskStore = {
  async openTaskIdsByDue(db, q: OpenTasksQuery) {
    const window: Window = { workspaceId: q.workspaceId, from: q.from ?? EARLIEST, to: q.to ?? LATEST, limit: q.limit };
    const rows = q.assigneeId === null ? await workspaceTasks.query(db, window) : await assigneeTasks.query(db, { ...window, assigneeId: q.assigneeId });
    return rows.map((r) => r.id);
  },

  async lockSeries(tx, seriesId) {
    await lockSeries.execute(tx, { seriesId });
  },
};
