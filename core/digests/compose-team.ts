// The head of sales' team digest for yesterday (daily) or the last 7 days (weekly) in their
// time zone, each figure beside the previous period. Workspace aggregates are shared
// through the DigestRun by every head with the same period boundaries.
import type { CoreContext } from '../context.js';
import { invalid } from '../errors.js';
import type { TeamDigest } from './digest.js';
import { DigestRun } from './digest-run.js';
import { reportingPeriods, type PeriodKind } from './periods.js';
import { loadRecipient, seesTeam } from './recipient.js';
import { teamAggregates } from './team-aggregates.js';
import { valueSections } from './value-sections.js';

export async function composeTeamDigest(ctx: CoreContext, headUserId: number, kind: PeriodKind, now: Date, run = new DigestRun(now)): Promise<TeamDigest> {
  const recipient = await loadRecipient(ctx.db, headUserId, run);
  const { staleDealDays: _unused, ...who } = recipient;
  if (!seesTeam(who)) throw invalid('invalid.digest_team_role', { id: headUserId });
  const { period, previous } = reportingPeriods(kind, now, who.timezone);
  const key = `team:${who.workspaceId}:${period.start.toISOString()}:${period.end.toISOString()}`;
  // one shared entry per (workspace, period): the funnel aggregates and the value sections
  const aggregates = await run.once(key, async () => {
    const [team, value] = await Promise.all([teamAggregates(ctx, who.workspaceId, period, previous, now), valueSections(ctx, who.workspaceId, period)]);
    return { ...team, value };
  });
  return {
    kind: kind === 'daily' ? 'team_daily' : 'team_weekly',
    recipient: who,
    generatedAt: now,
    period,
    previousPeriod: previous,
    ...structuredClone(aggregates),
  };
}
