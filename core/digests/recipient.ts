// Who a digest is for: the user with their locale and time zone (falling back to the workspace's).
import type { DbOrTx } from '../db.js';
import { notFound } from '../errors.js';
import { resolveLocale } from '../i18n/index.js';
import type { DigestRecipient } from './digest.js';
import { isValidTimeZone } from './local-time.js';

export interface LoadedRecipient extends DigestRecipient {
  staleDealDays: number;
}

export async function loadRecipient(db: DbOrTx, userId: number): Promise<LoadedRecipient> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      workspaceId: true,
      name: true,
      role: true,
      locale: true,
      timezone: true,
      workspace: { select: { timezone: true, locale: true, staleDealDays: true } },
    },
  });
  if (!user) throw notFound('what.user', { id: userId });
  const timezone = user.timezone && isValidTimeZone(user.timezone) ? user.timezone : user.workspace.timezone;
  return {
    userId: user.id,
    workspaceId: user.workspaceId,
    name: user.name,
    role: user.role,
    locale: resolveLocale(user.locale, user.workspace.locale),
    timezone,
    staleDealDays: user.workspace.staleDealDays,
  };
}

export function seesTeam(recipient: DigestRecipient): boolean {
  return recipient.role === 'head' || recipient.role === 'admin';
}
