// Who a digest is for: the user with their locale and time zone (falling back to the workspace's).
import type { DbOrTx } from '../db.js';
import { notFound } from '../errors.js';
import { resolveLocale } from '../i18n/index.js';
import type { DigestRecipient } from './digest.js';
import type { DigestRun } from './digest-run.js';
import { effectiveTimeZone } from '../time/zoned.js';

export interface LoadedRecipient extends DigestRecipient {
  staleDealDays: number;
}

export async function loadRecipients(db: DbOrTx, ids: number[]): Promise<Map<number, LoadedRecipient>> {
  const users = await db.user.findMany({
    where: { id: { in: ids } },
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
  return new Map(
    users.map((user) => [
      user.id,
      {
        userId: user.id,
        workspaceId: user.workspaceId,
        name: user.name,
        role: user.role,
        locale: resolveLocale(user.locale, user.workspace.locale),
        timezone: effectiveTimeZone(user.timezone, user.workspace.timezone),
        staleDealDays: user.workspace.staleDealDays,
      },
    ]),
  );
}

/** The recipient, loaded together with the other digests composed at the same moment of the run. */
export async function loadRecipient(db: DbOrTx, userId: number, run?: DigestRun): Promise<LoadedRecipient> {
  const found = run
    ? await run.batch('recipient', userId, userId, (ids: number[]) => loadRecipients(db, ids))
    : (await loadRecipients(db, [userId])).get(userId);
  if (!found) throw notFound('what.user', { id: userId });
  return found;
}

export function seesTeam(recipient: DigestRecipient): boolean {
  return recipient.role === 'head' || recipient.role === 'admin';
}
