// The manager's "today": overdue and due-today tasks, their new leads (plus unassigned ones
// for heads) and deals with no activity for the workspace's staleDealDays, all in the
// recipient's local day. Each section is one SQL query returning the total and the first items.
import type { CoreContext } from '../context.js';
import type { DbOrTx } from '../db.js';
import type { DealItem, LeadItem, LeadSource, Listed, TaskItem, TodayDigest } from './digest.js';
import { DigestRun } from './digest-run.js';
import { addDays, localDateOf, zonedTimeToUtc } from './local-time.js';
import { loadRecipient, seesTeam } from './recipient.js';

/** How many items of each list a digest shows (the count covers all). */
export const DIGEST_LIST_LIMIT = 10;
const DAY_MS = 86_400_000;

export async function composeTodayDigest(ctx: CoreContext, userId: number, now: Date, run = new DigestRun(now)): Promise<TodayDigest> {
  const recipient = await loadRecipient(ctx.db, userId);
  const { staleDealDays, ...who } = recipient;
  const today = localDateOf(now, who.timezone);
  const day = { start: zonedTimeToUtc(today, 0, 0, who.timezone), end: zonedTimeToUtc(addDays(today, 1), 0, 0, who.timezone) };
  const staleBefore = new Date(now.getTime() - staleDealDays * DAY_MS);

  const [tasks, newLeads, unassignedLeads, staleDeals] = await Promise.all([
    openTasksUntil(ctx.db, userId, now, day.end),
    newLeadsOf(ctx.db, who.workspaceId, userId),
    seesTeam(who)
      ? run.once(`unassigned:${who.workspaceId}`, () => newLeadsOf(ctx.db, who.workspaceId, null))
      : Promise.resolve(null),
    staleDealsOf(ctx.db, who.workspaceId, userId, staleBefore),
  ]);
  return {
    kind: 'today',
    recipient: who,
    generatedAt: now,
    day,
    overdue: tasks.overdue,
    dueToday: tasks.dueToday,
    newLeads,
    unassignedLeads,
    staleDeals: { ...staleDeals, days: staleDealDays },
  };
}

interface TaskRow {
  id: number;
  title: string;
  due: Date;
  overdue: boolean;
  n: number;
}

/** Open tasks whose effective due time (snoozedUntil ?? dueAt) is before the end of the local day. */
async function openTasksUntil(db: DbOrTx, userId: number, now: Date, dayEnd: Date) {
  const rows = await db.$queryRaw<TaskRow[]>`
    SELECT id, title, due, overdue, n FROM (
      SELECT t.id, t.title, COALESCE(t."snoozedUntil", t."dueAt") AS due,
             COALESCE(t."snoozedUntil", t."dueAt") < ${now.toISOString()}::timestamp AS overdue,
             (count(*) OVER w)::int AS n,
             row_number() OVER (w ORDER BY COALESCE(t."snoozedUntil", t."dueAt"), t.id) AS rn
        FROM "Task" t
       WHERE t."assigneeId" = ${userId} AND t.status = 'open'
         AND COALESCE(t."snoozedUntil", t."dueAt") < ${dayEnd.toISOString()}::timestamp
      WINDOW w AS (PARTITION BY COALESCE(t."snoozedUntil", t."dueAt") < ${now.toISOString()}::timestamp)
    ) s
    WHERE rn <= ${DIGEST_LIST_LIMIT}
    ORDER BY due, id`;
  const overdue: Listed<TaskItem> = { count: 0, items: [] };
  const dueToday: Listed<TaskItem> = { count: 0, items: [] };
  for (const r of rows) {
    const list = r.overdue ? overdue : dueToday;
    list.count = r.n;
    list.items.push({ id: r.id, title: r.title, dueAt: r.due });
  }
  return { overdue, dueToday };
}

interface LeadRow {
  id: number;
  title: string;
  source: LeadSource;
  createdAt: Date;
  n: number;
}

/** Leads still waiting for their first move (status new) of one assignee, or unassigned (null). */
async function newLeadsOf(db: DbOrTx, workspaceId: number, assigneeId: number | null): Promise<Listed<LeadItem>> {
  const rows =
    assigneeId === null
      ? await db.$queryRaw<LeadRow[]>`
          SELECT id, title, source::text AS source, "createdAt", (count(*) OVER ())::int AS n
            FROM "Lead"
           WHERE "workspaceId" = ${workspaceId} AND status = 'new' AND "assigneeId" IS NULL
           ORDER BY "createdAt" DESC, id DESC
           LIMIT ${DIGEST_LIST_LIMIT}`
      : await db.$queryRaw<LeadRow[]>`
          SELECT id, title, source::text AS source, "createdAt", (count(*) OVER ())::int AS n
            FROM "Lead"
           WHERE "workspaceId" = ${workspaceId} AND status = 'new' AND "assigneeId" = ${assigneeId}
           ORDER BY "createdAt" DESC, id DESC
           LIMIT ${DIGEST_LIST_LIMIT}`;
  return {
    count: rows[0]?.n ?? 0,
    items: rows.map((r) => ({ id: r.id, title: r.title, source: r.source, createdAt: r.createdAt })),
  };
}

interface DealRow {
  id: number;
  title: string;
  amount: string | null;
  currency: string | null;
  lastActivityAt: Date;
  n: number;
}

/** Open deals of the owner with no activity since `before`, the quietest first. */
async function staleDealsOf(db: DbOrTx, workspaceId: number, ownerId: number, before: Date): Promise<Listed<DealItem>> {
  const rows = await db.$queryRaw<DealRow[]>`
    SELECT id, title, amount::text AS amount, currency, "lastActivityAt", (count(*) OVER ())::int AS n
      FROM "Deal"
     WHERE "workspaceId" = ${workspaceId} AND "ownerId" = ${ownerId} AND status = 'open'
       AND "lastActivityAt" < ${before.toISOString()}::timestamp
     ORDER BY "lastActivityAt", id
     LIMIT ${DIGEST_LIST_LIMIT}`;
  return {
    count: rows[0]?.n ?? 0,
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      amount: r.amount !== null && r.currency ? { amount: r.amount, currency: r.currency.trim() } : null,
      lastActivityAt: r.lastActivityAt,
    })),
  };
}
