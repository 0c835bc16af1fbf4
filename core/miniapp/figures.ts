// The head's figures in the Mini App: the last 7 days' team digest (core/digests, the same
// numbers as the weekly team digest: funnel by stage, leads by source, conversion, first
// response, overdue tasks per manager) plus each member's open deals now. Heads and admins
// only, as the team digest.
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { CoreContext } from '../context.js';
import { forbidden } from '../errors.js';
import { composeTeamDigest } from '../digests/compose-team.js';

export interface TeamFigures {
  period: { start: string; end: string };
  funnel: Array<{ stageId: number; name: string; count: number; amounts: Array<{ currency: string; amount: string }> }>;
  leadsBySource: Array<{ source: string; current: number; previous: number }>;
  leadsTotal: { current: number; previous: number };
  conversion: { leads: number; converted: number; won: number; lost: number };
  wonAmount: Array<{ currency: string; current: string; previous: string }>;
  firstResponse: { median: number | null; p90: number | null; responded: number; unanswered: number };
  team: Array<{ userId: number; name: string; openDeals: number; overdueTasks: number }>;
}

export async function teamFigures(ctx: CoreContext, actor: Actor): Promise<TeamFigures> {
  if (!seesWholeTeam(actor)) throw forbidden('miniapp.what_team_figures');
  const digest = await composeTeamDigest(ctx, actor.userId, 'weekly', ctx.clock.now());
  const [members, openByOwner] = await Promise.all([
    ctx.db.user.findMany({ where: { workspaceId: actor.workspaceId, active: true }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    ctx.db.deal.groupBy({ by: ['ownerId'], where: { workspaceId: actor.workspaceId, status: 'open' }, _count: { _all: true } }),
  ]);
  const open = new Map(openByOwner.map((r) => [r.ownerId, r._count._all]));
  const overdue = new Map(digest.overdueByManager.map((m) => [m.userId, m.current]));
  return {
    period: { start: digest.period.start.toISOString(), end: digest.period.end.toISOString() },
    funnel: digest.funnel.map((s) => ({
      stageId: s.stageId,
      name: s.name,
      count: s.count,
      amounts: s.amounts.map((m) => ({ currency: m.currency, amount: String(m.amount) })),
    })),
    leadsBySource: digest.leadsBySource.map((s) => ({ source: s.source, current: s.current, previous: s.previous })),
    leadsTotal: { current: digest.leadsTotal.current, previous: digest.leadsTotal.previous },
    conversion: {
      leads: digest.conversion.leads.current,
      converted: digest.conversion.converted.current,
      won: digest.conversion.won.current,
      lost: digest.conversion.lost.current,
    },
    wonAmount: digest.wonAmount,
    firstResponse: digest.firstResponse.current,
    team: members.map((m) => ({ userId: m.id, name: m.name, openDeals: open.get(m.id) ?? 0, overdueTasks: overdue.get(m.id) ?? 0 })),
  };
}
