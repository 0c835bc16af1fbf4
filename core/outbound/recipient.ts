// Where and how to reach a team member: their reachable identity (channel + chat), locale and time zone.
import type { DbOrTx } from '../db.js';
import { resolveLocale, type Locale } from '../i18n/index.js';

/** Channels in the order Leadline prefers them for pushing to a team member. */
export const CHANNEL_PREFERENCE = ['telegram', 'slack', 'email', 'console', 'web'] as const;

export interface TeamRecipient {
  userId: number;
  workspaceId: number;
  name: string;
  locale: Locale;
  timezone: string;
  /** the identity to push to; null when the user has no reachable linked channel */
  identityId: number | null;
}

export function validTimeZone(tz: string | null | undefined): tz is string {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Loads team members with the identity each should be pushed to (batched: one query for many users). */
export async function loadTeamRecipients(db: DbOrTx, userIds: number[]): Promise<Map<number, TeamRecipient>> {
  const ids = [...new Set(userIds)];
  const out = new Map<number, TeamRecipient>();
  if (ids.length === 0) return out;
  const users = await db.user.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      workspaceId: true,
      name: true,
      locale: true,
      timezone: true,
      active: true,
      workspace: { select: { locale: true, timezone: true } },
      identities: {
        where: { unreachable: false, chatId: { not: null } },
        select: { id: true, channel: true, languageCode: true, updatedAt: true },
      },
    },
  });
  for (const u of users) {
    const identity = [...u.identities].sort(
      (a, b) => CHANNEL_PREFERENCE.indexOf(a.channel) - CHANNEL_PREFERENCE.indexOf(b.channel) || b.updatedAt.getTime() - a.updatedAt.getTime(),
    )[0];
    out.set(u.id, {
      userId: u.id,
      workspaceId: u.workspaceId,
      name: u.name,
      locale: resolveLocale(u.locale, identity?.languageCode, u.workspace.locale),
      timezone: validTimeZone(u.timezone) ? u.timezone : u.workspace.timezone,
      identityId: u.active && identity ? identity.id : null,
    });
  }
  return out;
}

export async function loadTeamRecipient(db: DbOrTx, userId: number): Promise<TeamRecipient | null> {
  return (await loadTeamRecipients(db, [userId])).get(userId) ?? null;
}
