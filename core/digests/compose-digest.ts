// One entry for every digest kind: what the scheduler job, the CLI and /digest call.
import type { CoreContext } from '../context.js';
import type { Digest, DigestKind } from './digest.js';
import { DigestRun } from './digest-run.js';
import { composeTodayDigest } from './compose-today.js';
import { composeTeamDigest } from './compose-team.js';
import { loadRecipient, seesTeam } from './recipient.js';

export async function composeDigest(ctx: CoreContext, userId: number, kind: DigestKind, now: Date, run = new DigestRun(now)): Promise<Digest> {
  if (kind === 'today') return composeTodayDigest(ctx, userId, now, run);
  return composeTeamDigest(ctx, userId, kind === 'team_daily' ? 'daily' : 'weekly', now, run);
}

/** The digest a user gets when they do not name one: the team digest for heads, "today" otherwise. */
export async function defaultDigestKind(ctx: CoreContext, userId: number): Promise<DigestKind> {
  return seesTeam(await loadRecipient(ctx.db, userId)) ? 'team_daily' : 'today';
}
