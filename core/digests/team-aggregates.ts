// Workspace-wide aggregates of the team digest: six queries of the digest store
// (digest-store.ts: group by, FILTER, percentile_cont in SQL) shaped here, so a digest costs a
// handful of statements whatever the data volume.
// Everything here depends only on (workspace, period, now): DigestRun shares it among heads.
import type { CoreContext } from '../context.js';
import type { Compared, FirstResponseStats, FunnelStage, Interval, LeadSource, ManagerOverdue, Money, PipelineFunnel } from './digest.js';
import type { FunnelRow, LeadStatsRow } from './digest-store.js';

export interface TeamAggregates {
  leadsBySource: Array<{ source: LeadSource } & Compared>;
  leadsTotal: Compared;
  funnel: FunnelStage[];
  pipelines: PipelineFunnel[];
  openDeals: Compared;
  conversion: { leads: Compared; converted: Compared; won: Compared; lost: Compared };
  wonAmount: Array<{ currency: string; current: string; previous: string }>;
  firstResponse: { current: FirstResponseStats; previous: FirstResponseStats };
  overdueByManager: ManagerOverdue[];
}

export async function teamAggregates(ctx: CoreContext, workspaceId: number, period: Interval, previous: Interval, now: Date): Promise<TeamAggregates> {
  const { db } = ctx;
  const store = ctx.stores.digests;
  const periodMs = period.end.getTime() - period.start.getTime();
  const q = { workspaceId, period, previous };
  const [sourceRows, leadStats, closed, funnelRows, openDeals, overdue, byPipeline] = await Promise.all([
    store.leadsBySource(db, q),
    store.leadStats(db, q),
    store.closedDeals(db, q),
    store.funnel(db, { workspaceId }),
    store.openDeals(db, { workspaceId, start: period.start }),
    store.overdueByManager(db, { workspaceId, now, then: new Date(now.getTime() - periodMs) }),
    store.closedByPipeline(db, q),
  ]);
  const sources: Array<{ source: LeadSource } & Compared> = sourceRows.sort(
    (a, b) => b.current - a.current || b.previous - a.previous || a.source.localeCompare(b.source),
  );
  const pipelineIds = [...new Set(funnelRows.map((r) => r.pipelineId))];
  const defaultId = funnelRows.find((r) => r.isDefault)?.pipelineId ?? pipelineIds[0];
  const funnel = funnelStages(funnelRows.filter((r) => r.pipelineId === defaultId));
  const closedOf = (pipelineId: number, current: boolean) => byPipeline.find((r) => r.pipelineId === pipelineId && r.cur === current);
  const pipelines: PipelineFunnel[] =
    pipelineIds.length < 2
      ? []
      : pipelineIds.map((pipelineId) => {
          const rows = funnelRows.filter((r) => r.pipelineId === pipelineId);
          const stages = funnelStages(rows);
          return {
            pipelineId,
            name: rows[0]!.pipelineName,
            isDefault: rows[0]!.isDefault,
            stages,
            open: stages.reduce((sum, s) => sum + s.count, 0),
            won: { current: closedOf(pipelineId, true)?.won ?? 0, previous: closedOf(pipelineId, false)?.won ?? 0 },
            lost: { current: closedOf(pipelineId, true)?.lost ?? 0, previous: closedOf(pipelineId, false)?.lost ?? 0 },
          };
        });
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
    pipelines,
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

/** Stage rows (one per stage and currency) -> stages in position order, amounts by currency. */
function funnelStages(rows: FunnelRow[]): FunnelStage[] {
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
