// Who is using the Mini App: the active team member linked to the Telegram account that
// Telegram vouched for (initData), or the member a web-view token names. Null = no data:
// a customer, a stranger, a deactivated member or another workspace's user.
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import type { Channel } from '../../prisma/generated/enums.js';
import { memberActor } from '../users/member-actor.js';

/**
 * The member behind a channel account (Identity.externalId), with their permissions as in
 * chat; `languageCode` (the platform's, e.g. Telegram initData's) stands in when neither the
 * member nor their identity has a language.
 */
export async function miniAppMemberByIdentity(
  ctx: CoreContext,
  workspaceId: number,
  channel: Channel,
  externalId: string,
  languageCode?: string,
): Promise<Actor | null> {
  const identity = await ctx.db.identity.findUnique({
    where: { workspaceId_channel_externalId: { workspaceId, channel, externalId } },
    include: { user: true, workspace: true },
  });
  if (!identity?.user || !identity.user.active || identity.user.workspaceId !== workspaceId) return null;
  return memberActor(identity.workspace, identity.user, { languageCode: identity.languageCode ?? languageCode ?? null });
}

/** The member a web-view token names, if still active in that workspace. */
export async function miniAppMemberById(ctx: CoreContext, workspaceId: number, userId: number): Promise<Actor | null> {
  const user = await ctx.db.user.findFirst({ where: { id: userId, workspaceId }, include: { workspace: true } });
  if (!user || !user.active) return null;
  return memberActor(user.workspace, user, null);
}
