// Where and how to reach a team member: their reachable identity (channel + chat), locale and time zone.
import type { DbOrTx } from '../db.js';
import { resolveLocale, type Locale } from '../i18n/index.js';
import { effectiveTimeZone } from '../time/zoned.js';
/** Channels in the order Leadline prefers them for pushing to a team member. */
import { CHANNELS, type ChannelName } from '../channels.js';
import type { RecipientRow, RecipientStore } from './recipient-store.js';

export interface TeamRecipient {
  userId: number;
  workspaceId: number;
  name: string;
  locale: Locale;
  timezone: string;
  /** the identity to push to; null when the user has no reachable linked channel */
  identityId: number | null;
  /** that identity's channel (what a push there can carry: file limits) */
  channel: ChannelName | null;
}

export function toTeamRecipient(r: RecipientRow): TeamRecipient {
  return {
    userId: r.id,
    workspaceId: r.workspaceId,
    name: r.name,
    locale: resolveLocale(r.locale, r.languageCode, r.wsLocale),
    timezone: effectiveTimeZone(r.timezone, r.wsTimezone),
    identityId: r.active && r.identityId ? r.identityId : null,
    channel: r.active && r.identityId && r.channel ? (r.channel as ChannelName) : null,
  };
}

/** Where a recipient is read: the database handle (client or open transaction) and the store. */
export interface RecipientSource {
  db: DbOrTx;
  stores: { recipients: RecipientStore };
}

/** Loads team members with the identity each should be pushed to (one query for many users). */
export async function loadTeamRecipients(ctx: RecipientSource, userIds: number[]): Promise<Map<number, TeamRecipient>> {
  const ids = [...new Set(userIds)];
  const out = new Map<number, TeamRecipient>();
  if (ids.length === 0) return out;
  const rows = await ctx.stores.recipients.load(ctx.db, { userIds: ids, channelOrder: CHANNELS });
  for (const r of rows) out.set(r.id, toTeamRecipient(r));
  return out;
}

export async function loadTeamRecipient(ctx: RecipientSource, userId: number): Promise<TeamRecipient | null> {
  return (await loadTeamRecipients(ctx, [userId])).get(userId) ?? null;
}
