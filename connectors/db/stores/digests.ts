// The digests' queries in SQL (core/digests/digest-store.ts is the port). The "today" lists
// take many users at once (arrays unnested into a request table, one row per user), so the
// digests a DigestRun composes together cost one statement per list; each list is cut to
// :limit items per user by a window, with the whole count beside it. The team aggregates
// compare two periods in one pass each (FILTER over the previous period's start to the
// current one's end).
import type { ManagerOverdue } from '../../../core/digests/digest.js';
import type {
  ClosedDealsRow,
  DigestStore,
  FunnelRow,
  LeadRow,
  LeadStatsRow,
  NewLeadsRequest,
  SourceRow,
  StaleDealRow,
  StaleDealsRequest,
  TeamQuery,
  TodayTaskRow,
  TodayTasksRequest,
} from '../../../core/digests/digest-store.js';
import { statement } from '../statement.js';
import { effectiveDue } from './fragments.js';

const DUE = effectiveDue('t');

/** Per user: open tasks due (effectively) before their day's end, split at their now into overdue and due today. */
const todayTasks = statement<{ userIds: number[]; nows: Date[]; dayEnds: Date[]; limit: number }, TodayTaskRow>(`
WITH req AS (
  SELECT * FROM unnest(:userIds::int[], :nows::timestamp[], :dayEnds::timestamp[]) AS r(uid, now_at, day_end)
)
SELECT uid, id, title, due, overdue, n FROM (
  SELECT req.uid, t.id, t.title, ${DUE} AS due,
         ${DUE} < req.now_at AS overdue,
         (count(*) OVER w)::int AS n,
         row_number() OVER (w ORDER BY ${DUE}, t.id) AS rn
    FROM req
    JOIN "Task" t ON t."assigneeId" = req.uid AND t.status = 'open'
     AND ${DUE} < req.day_end
  WINDOW w AS (PARTITION BY req.uid, ${DUE} < req.now_at)
) s
WHERE rn <= :limit
ORDER BY uid, due, id`);

/** Per user: leads still waiting for their first move (status new) assigned to them, newest first. */
const newLeads = statement<{ userIds: number[]; workspaceIds: number[]; limit: number }, LeadRow>(`
WITH req AS (
  SELECT * FROM unnest(:userIds::int[], :workspaceIds::int[]) AS r(uid, ws)
)
SELECT uid, id, title, source, "createdAt", n FROM (
  SELECT req.uid, l.id, l.title, l.source::text AS source, l."createdAt",
         (count(*) OVER (PARTITION BY req.uid))::int AS n,
         row_number() OVER (PARTITION BY req.uid ORDER BY l."createdAt" DESC, l.id DESC) AS rn
    FROM req
    JOIN "Lead" l ON l."workspaceId" = req.ws AND l."assigneeId" = req.uid AND l.status = 'new'
) s
WHERE rn <= :limit
ORDER BY uid, "createdAt" DESC, id DESC`);

/** New leads nobody owns in a workspace, newest first. */
const unassignedLeads = statement<{ workspaceId: number; limit: number }, LeadRow>(`
SELECT NULL::int AS uid, id, title, source::text AS source, "createdAt", (count(*) OVER ())::int AS n
  FROM "Lead"
 WHERE "workspaceId" = :workspaceId AND status = 'new' AND "assigneeId" IS NULL
 ORDER BY "createdAt" DESC, id DESC
 LIMIT :limit`);

/** Per owner: open deals with no activity since their :befores, the quietest first. */
const staleDeals = statement<{ userIds: number[]; workspaceIds: number[]; befores: Date[]; limit: number }, StaleDealRow>(`
WITH req AS (
  SELECT * FROM unnest(:userIds::int[], :workspaceIds::int[], :befores::timestamp[]) AS r(uid, ws, before_at)
)
SELECT uid, id, title, amount, currency, "lastActivityAt", n FROM (
  SELECT req.uid, d.id, d.title, d.amount::text AS amount, trim(d.currency) AS currency, d."lastActivityAt",
         (count(*) OVER (PARTITION BY req.uid))::int AS n,
         row_number() OVER (PARTITION BY req.uid ORDER BY d."lastActivityAt", d.id) AS rn
    FROM req
    JOIN "Deal" d ON d."workspaceId" = req.ws AND d."ownerId" = req.uid AND d.status = 'open' AND d."lastActivityAt" < req.before_at
) s
WHERE rn <= :limit
ORDER BY uid, "lastActivityAt", id`);

type Periods = { workspaceId: number; previousStart: Date; periodStart: Date; periodEnd: Date };
const periods = (q: TeamQuery): Periods => ({
  workspaceId: q.workspaceId,
  previousStart: q.previous.start,
  periodStart: q.period.start,
  periodEnd: q.period.end,
});

/** Leads created in each period, per source. */
const leadsBySource = statement<Periods, SourceRow>(`
SELECT source::text AS source,
       (count(*) FILTER (WHERE "createdAt" >= :periodStart::timestamp))::int AS current,
       (count(*) FILTER (WHERE "createdAt" < :periodStart::timestamp))::int AS previous
  FROM "Lead"
 WHERE "workspaceId" = :workspaceId
   AND "createdAt" >= :previousStart::timestamp AND "createdAt" < :periodEnd::timestamp
 GROUP BY source`);

/**
 * Leads created in each period: how many, how many became deals (a deal links to the lead or
 * its status is converted), answered, unanswered (no first response, not junk), first
 * response median and p90 in seconds.
 */
const leadStats = statement<Periods, LeadStatsRow>(`
SELECT (l."createdAt" >= :periodStart::timestamp) AS cur,
       (count(*))::int AS leads,
       (count(*) FILTER (WHERE d.id IS NOT NULL OR l.status = 'converted'))::int AS converted,
       (count(l."firstResponseAt"))::int AS responded,
       (count(*) FILTER (WHERE l."firstResponseAt" IS NULL AND l.status <> 'junk'))::int AS unanswered,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l."firstResponseAt" - l."createdAt")))::float8 AS median,
       (percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM l."firstResponseAt" - l."createdAt")))::float8 AS p90
  FROM "Lead" l
  LEFT JOIN "Deal" d ON d."leadId" = l.id
 WHERE l."workspaceId" = :workspaceId
   AND l."createdAt" >= :previousStart::timestamp AND l."createdAt" < :periodEnd::timestamp
 GROUP BY 1`);

/** Deals won or lost in each period, per status and currency, with the amounts summed. */
const closedDeals = statement<Periods, ClosedDealsRow>(`
SELECT status::text AS status, trim(currency) AS currency, ("closedAt" >= :periodStart::timestamp) AS cur,
       (count(*))::int AS n, (COALESCE(sum(amount), 0))::numeric(18,2)::text AS total
  FROM "Deal"
 WHERE "workspaceId" = :workspaceId AND status IN ('won', 'lost')
   AND "closedAt" >= :previousStart::timestamp AND "closedAt" < :periodEnd::timestamp
 GROUP BY 1, 2, 3`);

/** Open deals of every pipeline by open stage and currency: the default pipeline first, then by id, each in stage order. */
const funnel = statement<{ workspaceId: number }, FunnelRow>(`
SELECT p.id AS "pipelineId", p.name AS "pipelineName", p."isDefault", s.id AS "stageId", s.name, s.position, trim(d.currency) AS currency,
       (count(d.id))::int AS n, (sum(d.amount))::numeric(18,2)::text AS total
  FROM "Stage" s
  JOIN "Pipeline" p ON p.id = s."pipelineId" AND p."workspaceId" = :workspaceId
  LEFT JOIN "Deal" d ON d."stageId" = s.id AND d.status = 'open'
 WHERE s.kind = 'open'
 GROUP BY p.id, p.name, p."isDefault", s.id, s.name, s.position, trim(d.currency)
 ORDER BY p."isDefault" DESC, p.id, s.position`);

/** Deals won and lost in each period, per pipeline. */
const closedByPipeline = statement<Periods, { pipelineId: number; cur: boolean; won: number; lost: number }>(`
SELECT "pipelineId", ("closedAt" >= :periodStart::timestamp) AS cur,
       (count(*) FILTER (WHERE status = 'won'))::int AS won, (count(*) FILTER (WHERE status = 'lost'))::int AS lost
  FROM "Deal"
 WHERE "workspaceId" = :workspaceId AND status IN ('won', 'lost')
   AND "closedAt" >= :previousStart::timestamp AND "closedAt" < :periodEnd::timestamp
 GROUP BY 1, 2`);

/** Open deals now vs deals that were open at :start (created before, closed after or not at all). */
const openDeals = statement<{ workspaceId: number; start: Date }, { current: number; previous: number }>(`
SELECT (count(*) FILTER (WHERE status = 'open'))::int AS current,
       (count(*) FILTER (WHERE "createdAt" < :start::timestamp
                           AND (status = 'open' OR "closedAt" >= :start::timestamp)))::int AS previous
  FROM "Deal"
 WHERE "workspaceId" = :workspaceId`);

/**
 * Overdue open tasks per assignee at :now, and how many were overdue at :then (existing then,
 * due before then, and still open then: open now or completed since).
 */
const overdueByManager = statement<{ workspaceId: number; now: Date; then: Date }, ManagerOverdue>(`
SELECT * FROM (
  SELECT u.id AS "userId", u.name,
         (count(*) FILTER (WHERE t.status = 'open' AND ${DUE} < :now::timestamp))::int AS current,
         (count(*) FILTER (WHERE t."createdAt" < :then::timestamp
                             AND ${DUE} < :then::timestamp
                             AND (t.status = 'open' OR t."completedAt" >= :then::timestamp)))::int AS previous
    FROM "Task" t
    JOIN "User" u ON u.id = t."assigneeId"
   WHERE t."workspaceId" = :workspaceId AND t.status IN ('open', 'done')
     AND ${DUE} < :now::timestamp
     AND (t.status = 'open' OR t."completedAt" >= :then::timestamp)
   GROUP BY u.id, u.name
) m
WHERE current > 0 OR previous > 0
ORDER BY current DESC, previous DESC, name, "userId"`);

export const sqlDigestStore: DigestStore = {
  todayTasks: (db, reqs: TodayTasksRequest[], limit) =>
    todayTasks.query(db, { userIds: reqs.map((r) => r.userId), nows: reqs.map((r) => r.now), dayEnds: reqs.map((r) => r.dayEnd), limit }),
  newLeads: (db, reqs: NewLeadsRequest[], limit) =>
    newLeads.query(db, { userIds: reqs.map((r) => r.userId), workspaceIds: reqs.map((r) => r.workspaceId), limit }),
  unassignedLeads: (db, q) => unassignedLeads.query(db, q),
  staleDeals: (db, reqs: StaleDealsRequest[], limit) =>
    staleDeals.query(db, {
      userIds: reqs.map((r) => r.userId),
      workspaceIds: reqs.map((r) => r.workspaceId),
      befores: reqs.map((r) => r.before),
      limit,
    }),
  leadsBySource: (db, q) => leadsBySource.query(db, periods(q)),
  leadStats: (db, q) => leadStats.query(db, periods(q)),
  closedDeals: (db, q) => closedDeals.query(db, periods(q)),
  closedByPipeline: (db, q) => closedByPipeline.query(db, periods(q)),
  funnel: (db, q) => funnel.query(db, q),
  async openDeals(db, q) {
    const [row] = await openDeals.query(db, q);
    return row ?? { current: 0, previous: 0 };
  },
  overdueByManager: (db, q) => overdueByManager.query(db, q),
};
