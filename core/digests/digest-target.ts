// Routing the team digests (daily and weekly) of a head of sales to a shared place, e.g. a
// Slack channel: DigestSubscription.target holds the channel id, and a "destination"
// Identity (no user, no contact; externalId "channel:<id>") gives the outbound queue a
// chatId to deliver to. Clearing the target sends them to the user's own messenger again.
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import type { DbOrTx } from '../db.js';
import { inTx } from '../db.js';
import { forbidden, invalid } from '../errors.js';
import type { Channel } from '../../prisma/generated/enums.js';

const TEAM_KINDS = ['team_daily', 'team_weekly'] as const;

export function destinationExternalId(target: string): string {
  return `channel:${target}`;
}

/** Sets (or with target null clears) where the actor's team digests go. Heads and admins only. */
export async function setTeamDigestTarget(ctx: CoreContext, actor: Actor, input: { channel: Channel; target: string | null; label?: string }): Promise<void> {
  if (!seesWholeTeam(actor)) throw forbidden('what.user', { id: actor.userId });
  const target = input.target?.trim() || null;
  if (target !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(target)) throw invalid('invalid.digest_target', { value: target });
  await inTx(ctx.db, async (tx) => {
    const before = await tx.digestSubscription.findMany({
      where: { userId: actor.userId, kind: { in: [...TEAM_KINDS] } },
      select: { kind: true, target: true },
    });
    if (target) {
      await tx.identity.upsert({
        where: { workspaceId_channel_externalId: { workspaceId: actor.workspaceId, channel: input.channel, externalId: destinationExternalId(target) } },
        create: {
          workspaceId: actor.workspaceId,
          channel: input.channel,
          externalId: destinationExternalId(target),
          chatId: target,
          displayName: input.label ?? target,
        },
        update: { chatId: target, unreachable: false, unreachableReason: null, ...(input.label ? { displayName: input.label } : {}) },
      });
    }
    for (const kind of TEAM_KINDS) {
      await tx.digestSubscription.upsert({
        where: { userId_kind: { userId: actor.userId, kind } },
        create: { userId: actor.userId, kind, hour: 9, minute: 0, weekday: kind === 'team_weekly' ? 1 : null, target },
        update: { target },
      });
    }
    await recordChange(
      tx,
      actor,
      { type: 'digest.target_changed', data: { channel: input.channel, target } },
      { action: 'digest.target', entity: 'User', entityId: actor.userId, before, after: { channel: input.channel, target } },
    );
  });
}

/** The destination identity of a subscription's target, when it has one and it is reachable. */
export async function digestTargetIdentity(
  db: DbOrTx,
  workspaceId: number,
  target: string | null | undefined,
): Promise<{ id: number; channel: Channel } | null> {
  if (!target) return null;
  return db.identity.findFirst({
    where: { workspaceId, externalId: destinationExternalId(target), userId: null, contactId: null, unreachable: false },
    select: { id: true, channel: true },
  });
}

/**
 * The channel in a "digest channel" argument as Slack sends it: "<#C123|sales>" (picked from
 * the list), "#C123" or "C123"; null for anything else (a bare "#sales" names no channel id).
 */
export function digestChannelArg(arg: string | undefined): { id: string; label: string } | null {
  if (!arg) return null;
  const picked = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/.exec(arg.trim());
  if (picked) return { id: picked[1]!, label: picked[2] ? `#${picked[2]}` : picked[1]! };
  const bare = /^#?([CG][A-Z0-9]{6,})$/.exec(arg.trim());
  return bare ? { id: bare[1]!, label: bare[1]! } : null;
}
