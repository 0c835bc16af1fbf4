// The manager's "today": overdue and due-today tasks, their new leads (plus unassigned ones
// for heads) and deals with no activity for the workspace's staleDealDays, all in the
// recipient's local day. Each section is one SQL query returning the total and the first
// items, batched across the digests a DigestRun composes concurrently.
import type { CoreContext } from '../context.js';
import type { DbOrTx } from '../db.js';
import type { DealItem, LeadItem, LeadSource, Listed, TaskItem, TodayDigest } from './digest.js';
import { DigestRun } from './digest-run.js';
import { startOfLocalDay } from '../time/zoned.js';
import { loadRecipient, seesTeam } from './recipient.js';

/** How many items of each list a digest shows (the count covers all). */
export const DIGEST_LIST_LIMIT = 10;
const DAY_MS = 86_400_000;

export async function composeTodayDigest(ctx: CoreContext, userId: number, now: Date, run = new DigestRun(now)): Promise<TodayDigest> {
  const recipient = await loadRecipient(ctx.db, userId, run);
  const { staleDealDays, ...who } = recipient;
  const day = { start: startOfLocalDay(now, who.timezone), end: startOfLocalDay(now, who.timezone, 1) };
  const staleBefore = new Date(now.getTime() - staleDealDays * DAY_MS);
  const db = ctx.db;

  const [tasks, newLeads, unassignedLeads, staleDeals] = await Promise.all([
    run.batch('today.tasks', userId, { userId, now, dayEnd: day.end }, (reqs: TaskRequest[]) => openTasksUntil(db, reqs)),
    run.batch('today.leads', userId, { userId, workspaceId: who.workspaceId }, (reqs: LeadRequest[]) => newLeadsOf(db, reqs)),
    seesTeam(who) ? run.once(`unassigned:${who.workspaceId}`, () => unassignedLeadsOf(db, who.workspaceId)) : Promise.resolve(null),
    run.batch('today.deals', userId, { userId, workspaceId: who.workspaceId, before: staleBefore }, (reqs: DealRequest[]) => staleDealsOf(db, reqs)),
  ]);
  const emptyTasks = { overdue: { count: 0, items: [] }, dueToday: { count: 0, items: [] } };
  return {
    kind: 'today',
    recipient: who,
    generatedAt: now,
    day,
    overdue: (tasks ?? emptyTasks).overdue,
    dueToday: (tasks ?? emptyTasks).dueToday,
    newLeads: newLeads ?? { count: 0, items: [] },
    unassignedLeads,
    staleDeals: { ...(staleDeals ?? { count: 0, items: [] }), days: staleDealDays },
  };
}

interface TaskRequest {
  userId: number;
  now: Date;
  dayEnd: Date;
}
interface TaskRow {
  uid: number;
  id: number;
  title: string;
  due: Date;
  overdue: boolean;
  n: number;
}
type TaskLists = { overdue: Listed<TaskItem>; dueToday: Listed<TaskItem> };

/** Open tasks whose effective due time (snoozedUntil ?? dueAt) is before the end of each user's local day. */
async function openTasksUntil(db: DbOrTx, reqs: TaskRequest[]): Promise<Map<number, TaskLists>> {
  const rows = await db.$queryRaw<TaskRow[]>`
    WITH req AS (
      SELECT * FROM unnest(${reqs.map((r) => r.userId)}::int[], ${reqs.map((r) => r.now.toISOString())}::timestamp[],
                           ${reqs.map((r) => r.dayEnd.toISOString())}::timestamp[]) AS r(uid, now_at, day_end)
    )
    SELECT uid, id, title, due, overdue, n FROM (
      SELECT req.uid, t.id, t.title, COALESCE(t."snoozedUntil", t."dueAt") AS due,
             COALESCE(t."snoozedUntil", t."dueAt") < req.now_at AS overdue,
             (count(*) OVER w)::int AS n,
             row_number() OVER (w ORDER BY COALESCE(t."snoozedUntil", t."dueAt"), t.id) AS rn
        FROM req
        JOIN "Task" t ON t."assigneeId" = req.uid AND t.status = 'open'
         AND COALESCE(t."snoozedUntil", t."dueAt") < req.day_end
      WINDOW w AS (PARTITION BY req.uid, COALESCE(t."snoozedUntil", t."dueAt") < req.now_at)
    ) s
    WHERE rn <= ${DIGEST_LIST_LIMIT}
    ORDER BY uid, due, id`;
  const out = new Map<number, TaskLists>();
  for (const r of rows) {
    let lists = out.get(r.uid);
    if (!lists) out.set(r.uid, (lists = { overdue: { count: 0, items: [] }, dueToday: { count: 0, items: [] } }));
    const list = r.overdue ? lists.overdue : lists.dueToday;
    list.count = r.n;
    list.items.push({ id: r.id, title: r.title, dueAt: r.due });
  }
  return out;
}

interface LeadRow {
  uid: number | null;
  id: number;
  title: string;
  source: LeadSource;
  createdAt: Date;
  n: number;
}

function groupLeads(rows: LeadRow[]): Map<number, Listed<LeadItem>> {
  const out = new Map<number, Listed<LeadItem>>();
  for (const r of rows) {
    const key = r.uid ?? 0;
    let list = out.get(key);
    if (!list) out.set(key, (list = { count: r.n, items: [] }));
    list.items.push({ id: r.id, title: r.title, source: r.source, createdAt: r.createdAt });
  }
  return out;
}

interface LeadRequest {
  userId: number;
  workspaceId: number;
}

/** Leads still waiting for their first move (status new), per assignee. */
async function newLeadsOf(db: DbOrTx, reqs: LeadRequest[]): Promise<Map<number, Listed<LeadItem>>> {
  return groupLeads(
    await db.$queryRaw<LeadRow[]>`
      WITH req AS (
        SELECT * FROM unnest(${reqs.map((r) => r.userId)}::int[], ${reqs.map((r) => r.workspaceId)}::int[]) AS r(uid, ws)
      )
      SELECT uid, id, title, source, "createdAt", n FROM (
        SELECT req.uid, l.id, l.title, l.source::text AS source, l."createdAt",
               (count(*) OVER (PARTITION BY req.uid))::int AS n,
               row_number() OVER (PARTITION BY req.uid ORDER BY l."createdAt" DESC, l.id DESC) AS rn
          FROM req
          JOIN "Lead" l ON l."workspaceId" = req.ws AND l."assigneeId" = req.uid AND l.status = 'new'
      ) s
      WHERE rn <= ${DIGEST_LIST_LIMIT}
      ORDER BY uid, "createdAt" DESC, id DESC`,
  );
}

/** New leads nobody owns in a workspace (shown to heads of sales). */
async function unassignedLeadsOf(db: DbOrTx, workspaceId: number): Promise<Listed<LeadItem>> {
  const rows = await db.$queryRaw<LeadRow[]>`
    SELECT NULL::int AS uid, id, title, source::text AS source, "createdAt", (count(*) OVER ())::int AS n
      FROM "Lead"
     WHERE "workspaceId" = ${workspaceId} AND status = 'new' AND "assigneeId" IS NULL
     ORDER BY "createdAt" DESC, id DESC
     LIMIT ${DIGEST_LIST_LIMIT}`;
  return groupLeads(rows).get(0) ?? { count: 0, items: [] };
}

interface DealRequest {
  userId: number;
  workspaceId: number;
  before: Date;
}
interface DealRow {
  uid: number;
  id: number;
  title: string;
  amount: string | null;
  currency: string | null;
  lastActivityAt: Date;
  n: number;
}

/** Open deals of each owner with no activity since their `before`, the quietest first. */
async function staleDealsOf(db: DbOrTx, reqs: DealRequest[]): Promise<Map<number, Listed<DealItem>>> {
  const rows = await db.$queryRaw<DealRow[]>`
    WITH req AS (
      SELECT * FROM unnest(${reqs.map((r) => r.userId)}::int[], ${reqs.map((r) => r.workspaceId)}::int[],
                           ${reqs.map((r) => r.before.toISOString())}::timestamp[]) AS r(uid, ws, before_at)
    )
    SELECT uid, id, title, amount, currency, "lastActivityAt", n FROM (
      SELECT req.uid, d.id, d.title, d.amount::text AS amount, trim(d.currency) AS currency, d."lastActivityAt",
             (count(*) OVER (PARTITION BY req.uid))::int AS n,
             row_number() OVER (PARTITION BY req.uid ORDER BY d."lastActivityAt", d.id) AS rn
        FROM req
        JOIN "Deal" d ON d."workspaceId" = req.ws AND d."ownerId" = req.uid AND d.status = 'open' AND d."lastActivityAt" < req.before_at
    ) s
    WHERE rn <= ${DIGEST_LIST_LIMIT}
    ORDER BY uid, "lastActivityAt", id`;
  const out = new Map<number, Listed<DealItem>>();
  for (const r of rows) {
    let list = out.get(r.uid);
    if (!list) out.set(r.uid, (list = { count: r.n, items: [] }));
    list.items.push({
      id: r.id,
      title: r.title,
      amount: r.amount !== null && r.currency ? { amount: r.amount, currency: r.currency } : null,
      lastActivityAt: r.lastActivityAt,
    });
  }
  return out;
}
