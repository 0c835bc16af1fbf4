// Workspace-wide aggregates of the team digest, computed in SQL (group by, FILTER,
// percentile_cont) so a digest costs a handful of queries whatever the data volume.
// Everything here depends only on (workspace, period, now): DigestRun shares it among heads.
import type { DbOrTx } from '../db.js';
import type { Compared, FirstResponseStats, FunnelStage, Interval, LeadSource, ManagerOverdue, Money } from './digest.js';

export interface TeamAggregates {
  leadsBySource: Array<{ source: LeadSource } & Compared>;
  leadsTotal: Compared;
  funnel: FunnelStage[];
  openDeals: Compared;
  conversion: { leads: Compared; converted: Compared; won: Compared; lost: Compared };
  wonAmount: Array<{ currency: string; current: string; previous: string }>;
  firstResponse: { current: FirstResponseStats; previous: FirstResponseStats };
  overdueByManager: ManagerOverdue[];
}

const ts = (d: Date) => d.toISOString();

export async function teamAggregates(db: DbOrTx, workspaceId: number, period: Interval, previous: Interval, now: Date): Promise<TeamAggregates> {
  const periodMs = period.end.getTime() - period.start.getTime();
  const [sources, leadStats, closed, funnel, openDeals, overdue] = await Promise.all([
    leadsBySource(db, workspaceId, period, previous),
    leadStatsByPeriod(db, workspaceId, period, previous),
    closedDeals(db, workspaceId, period, previous),
    funnelNow(db, workspaceId),
    openDealsCompared(db, workspaceId, period.start),
    overdueByManager(db, workspaceId, now, new Date(now.getTime() - periodMs)),
  ]);
  const emptyStats: LeadStatsRow = { cur: true, leads: 0, converted: 0, responded: 0, unanswered: 0, median: null, p90: null };
  const cur = leadStats.find((r) => r.cur) ?? emptyStats;
  const prev = leadStats.find((r) => !r.cur) ?? emptyStats;
  const closedCount = (status: 'won' | 'lost', current: boolean) =>
    closed.filter((r) => r.status === status && r.cur === current).reduce((sum, r) => sum + r.n, 0);
  const currencies = [...new Set(closed.filter((r) => r.status === 'won' && r.currency).map((r) => r.currency as string))].sort();
  const wonSum = (currency: string, current: boolean) =>
    closed.find((r) => r.status === 'won' && r.currency === currency && r.cur === current)?.total ?? '0.00';
  return {
    leadsBySource: sources,
    leadsTotal: {
      current: sources.reduce((s, r) => s + r.current, 0),
      previous: sources.reduce((s, r) => s + r.previous, 0),
    },
    funnel,
    openDeals,
    conversion: {
      leads: { current: cur.leads, previous: prev.leads },
      converted: { current: cur.converted, previous: prev.converted },
      won: { current: closedCount('won', true), previous: closedCount('won', false) },
      lost: { current: closedCount('lost', true), previous: closedCount('lost', false) },
    },
    wonAmount: currencies.map((currency) => ({ currency, current: wonSum(currency, true), previous: wonSum(currency, false) })),
    firstResponse: { current: toStats(cur), previous: toStats(prev) },
    overdueByManager: overdue,
  };
}

function toStats(r: LeadStatsRow): FirstResponseStats {
  return { median: r.median, p90: r.p90, responded: r.responded, unanswered: r.unanswered };
}

async function leadsBySource(db: DbOrTx, workspaceId: number, period: Interval, previous: Interval) {
  const rows = await db.$queryRaw<Array<{ source: LeadSource; current: number; previous: number }>>`
    SELECT source::text AS source,
           (count(*) FILTER (WHERE "createdAt" >= ${ts(period.start)}::timestamp))::int AS current,
           (count(*) FILTER (WHERE "createdAt" < ${ts(period.start)}::timestamp))::int AS previous
      FROM "Lead"
     WHERE "workspaceId" = ${workspaceId}
       AND "createdAt" >= ${ts(previous.start)}::timestamp AND "createdAt" < ${ts(period.end)}::timestamp
     GROUP BY source`;
  return rows.sort((a, b) => b.current - a.current || b.previous - a.previous || a.source.localeCompare(b.source));
}

interface LeadStatsRow {
  cur: boolean;
  leads: number;
  converted: number;
  responded: number;
  unanswered: number;
  median: number | null;
  p90: number | null;
}

/** Leads created in each period: how many, how many became deals, first-response median and p90 (seconds). */
async function leadStatsByPeriod(db: DbOrTx, workspaceId: number, period: Interval, previous: Interval) {
  return db.$queryRaw<LeadStatsRow[]>`
    SELECT (l."createdAt" >= ${ts(period.start)}::timestamp) AS cur,
           (count(*))::int AS leads,
           (count(*) FILTER (WHERE d.id IS NOT NULL OR l.status = 'converted'))::int AS converted,
           (count(l."firstResponseAt"))::int AS responded,
           (count(*) FILTER (WHERE l."firstResponseAt" IS NULL AND l.status <> 'junk'))::int AS unanswered,
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l."firstResponseAt" - l."createdAt")))::float8 AS median,
           (percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM l."firstResponseAt" - l."createdAt")))::float8 AS p90
      FROM "Lead" l
      LEFT JOIN "Deal" d ON d."leadId" = l.id
     WHERE l."workspaceId" = ${workspaceId}
       AND l."createdAt" >= ${ts(previous.start)}::timestamp AND l."createdAt" < ${ts(period.end)}::timestamp
     GROUP BY 1`;
}

interface ClosedRow {
  status: 'won' | 'lost';
  currency: string | null;
  cur: boolean;
  n: number;
  total: string;
}

async function closedDeals(db: DbOrTx, workspaceId: number, period: Interval, previous: Interval) {
  const rows = await db.$queryRaw<ClosedRow[]>`
    SELECT status::text AS status, trim(currency) AS currency, ("closedAt" >= ${ts(period.start)}::timestamp) AS cur,
           (count(*))::int AS n, (COALESCE(sum(amount), 0))::numeric(18,2)::text AS total
      FROM "Deal"
     WHERE "workspaceId" = ${workspaceId} AND status IN ('won', 'lost')
       AND "closedAt" >= ${ts(previous.start)}::timestamp AND "closedAt" < ${ts(period.end)}::timestamp
     GROUP BY 1, 2, 3`;
  return rows;
}

/** Open deals of the default pipeline by open stage, with the amount per currency. */
async function funnelNow(db: DbOrTx, workspaceId: number): Promise<FunnelStage[]> {
  const rows = await db.$queryRaw<Array<{ stageId: number; name: string; position: number; currency: string | null; n: number; total: string | null }>>`
    SELECT s.id AS "stageId", s.name, s.position, trim(d.currency) AS currency,
           (count(d.id))::int AS n, (sum(d.amount))::numeric(18,2)::text AS total
      FROM "Stage" s
      JOIN "Pipeline" p ON p.id = s."pipelineId" AND p."workspaceId" = ${workspaceId} AND p."isDefault"
      LEFT JOIN "Deal" d ON d."stageId" = s.id AND d.status = 'open'
     WHERE s.kind = 'open'
     GROUP BY s.id, s.name, s.position, trim(d.currency)
     ORDER BY s.position`;
  const stages = new Map<number, FunnelStage>();
  for (const r of rows) {
    let stage = stages.get(r.stageId);
    if (!stage) stages.set(r.stageId, (stage = { stageId: r.stageId, name: r.name, position: r.position, count: 0, amounts: [] }));
    stage.count += r.n;
    if (r.currency && r.total !== null) stage.amounts.push({ currency: r.currency, amount: r.total } satisfies Money);
  }
  for (const s of stages.values()) s.amounts.sort((a, b) => a.currency.localeCompare(b.currency));
  return [...stages.values()].sort((a, b) => a.position - b.position);
}

/** Open deals now vs deals that were open at the start of the period (created before, closed after). */
async function openDealsCompared(db: DbOrTx, workspaceId: number, start: Date): Promise<Compared> {
  const [row] = await db.$queryRaw<Array<{ current: number; previous: number }>>`
    SELECT (count(*) FILTER (WHERE status = 'open'))::int AS current,
           (count(*) FILTER (WHERE "createdAt" < ${ts(start)}::timestamp
                               AND (status = 'open' OR "closedAt" >= ${ts(start)}::timestamp)))::int AS previous
      FROM "Deal"
     WHERE "workspaceId" = ${workspaceId}`;
  return row ?? { current: 0, previous: 0 };
}

/**
 * Overdue open tasks per assignee now, and how many were overdue one period earlier
 * (existing then, due before then, and still open then: open now or completed since).
 */
async function overdueByManager(db: DbOrTx, workspaceId: number, now: Date, then: Date): Promise<ManagerOverdue[]> {
  return db.$queryRaw<ManagerOverdue[]>`
    SELECT * FROM (
      SELECT u.id AS "userId", u.name,
             (count(*) FILTER (WHERE t.status = 'open' AND COALESCE(t."snoozedUntil", t."dueAt") < ${ts(now)}::timestamp))::int AS current,
             (count(*) FILTER (WHERE t."createdAt" < ${ts(then)}::timestamp
                                 AND COALESCE(t."snoozedUntil", t."dueAt") < ${ts(then)}::timestamp
                                 AND (t.status = 'open' OR t."completedAt" >= ${ts(then)}::timestamp)))::int AS previous
        FROM "Task" t
        JOIN "User" u ON u.id = t."assigneeId"
       WHERE t."workspaceId" = ${workspaceId} AND t.status IN ('open', 'done')
         AND COALESCE(t."snoozedUntil", t."dueAt") < ${ts(now)}::timestamp
         AND (t.status = 'open' OR t."completedAt" >= ${ts(then)}::timestamp)
       GROUP BY u.id, u.name
    ) m
    WHERE current > 0 OR previous > 0
    ORDER BY current DESC, previous DESC, name, "userId"`;
}
