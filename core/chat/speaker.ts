// Who is speaking: an identity linked to an active team member is the manager assistant's
// user; anyone else is a customer, whatever they type.
import type { Actor } from '../actor.js';
import { memberActor } from '../users/member-actor.js';
import type { DbOrTx } from '../db.js';
import type { Identity, User, Workspace } from '../../prisma/generated/client.js';
import type { InboundMessage } from './inbound.js';
import type { SpeakerStore } from './speaker-store.js';

export type Speaker =
  | { kind: 'member'; actor: Actor; user: User; identity: Identity }
  /** formerMember: the account is linked to a deactivated member of this workspace (they can no longer act) */
  | { kind: 'customer'; identity: Identity | null; formerMember?: { locale: string | null } };

/** `source`: the database handle and the stores (ChatDeps, a CoreContext). */
export async function resolveSpeaker(source: { db: DbOrTx; stores: { speakers: SpeakerStore } }, ws: Workspace, m: InboundMessage): Promise<Speaker> {
  const identity = await source.stores.speakers.identityWithUser(source.db, { workspaceId: ws.id, channel: m.channel, externalId: m.externalUserId });
  if (identity?.user && identity.user.active && identity.user.workspaceId === ws.id) {
    const { user, ...plain } = identity;
    return { kind: 'member', actor: memberActor(ws, user, { languageCode: m.languageCode ?? identity.languageCode }), user, identity: plain };
  }
  if (!identity) return { kind: 'customer', identity: null };
  const { user, ...plain } = identity;
  if (user && !user.active && user.workspaceId === ws.id) return { kind: 'customer', identity: plain, formerMember: { locale: user.locale } };
  return { kind: 'customer', identity: plain };
}
