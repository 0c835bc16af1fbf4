// Where and how to reach a team member: their reachable identity (channel + chat), locale and time zone.
import type { DbOrTx } from '../db.js';
import { resolveLocale, type Locale } from '../i18n/index.js';
import { effectiveTimeZone } from '../time/zoned.js';

/** Channels in the order Leadline prefers them for pushing to a team member. */
import { CHANNELS, type ChannelName } from '../channels.js';

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

export interface RecipientRow {
  id: number;
  workspaceId: number;
  name: string;
  locale: string | null;
  timezone: string | null;
  active: boolean;
  wsLocale: string;
  wsTimezone: string;
  identityId: number | null;
  languageCode: string | null;
  /** the identity's channel (queries that do not select it leave it out) */
  channel?: string | null;
}

/**
 * SQL joining a team member `u` to their preferred reachable identity `i` (id, languageCode),
 * for queries that load recipients in one statement.
 */
export const PREFERRED_IDENTITY_JOIN = `
  LEFT JOIN LATERAL (
    SELECT id, "languageCode", channel::text AS channel FROM "Identity"
    WHERE "userId" = u.id AND NOT unreachable AND "chatId" IS NOT NULL
    ORDER BY array_position(ARRAY[${CHANNELS.map((c) => `'${c}'`).join(',')}], channel::text), "updatedAt" DESC
    LIMIT 1
  ) i ON true`;

/** One SQL statement (hot path of reminders): users with their preferred reachable identity. */
const RECIPIENTS_SQL = `
  SELECT u.id, u."workspaceId", u.name, u.locale, u.timezone, u.active,
         w.locale AS "wsLocale", w.timezone AS "wsTimezone", i.id AS "identityId", i."languageCode", i.channel
  FROM "User" u
  JOIN "Workspace" w ON w.id = u."workspaceId"
  ${PREFERRED_IDENTITY_JOIN}
  WHERE u.id = ANY($1::int[])`;

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

/** Loads team members with the identity each should be pushed to (one query for many users). */
export async function loadTeamRecipients(db: DbOrTx, userIds: number[]): Promise<Map<number, TeamRecipient>> {
  const ids = [...new Set(userIds)];
  const out = new Map<number, TeamRecipient>();
  if (ids.length === 0) return out;
  const rows = await db.$queryRawUnsafe<RecipientRow[]>(RECIPIENTS_SQL, ids);
  for (const r of rows) out.set(r.id, toTeamRecipient(r));
  return out;
}

export async function loadTeamRecipient(db: DbOrTx, userId: number): Promise<TeamRecipient | null> {
  return (await loadTeamRecipients(db, [userId])).get(userId) ?? null;
}
