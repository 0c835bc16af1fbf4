// Team members as other use cases need them: an active user of the actor's workspace.
import type { DbOrTx } from '../db.js';
import { invalid, notFound } from '../errors.js';

/** The user with this id in the workspace; not found for other workspaces; inactive users refused. */
export async function loadActiveMember(db: DbOrTx, workspaceId: number, userId: number) {
  const user = await db.user.findFirst({ where: { id: userId, workspaceId } });
  if (!user) throw notFound('what.user', { id: userId });
  if (!user.active) throw invalid('invalid.assignee_inactive', { name: user.name });
  return user;
}

/** The time zone a user's dates are shown and entered in: their own, else the workspace's. */
export async function timezoneOfUser(db: DbOrTx, userId: number): Promise<string> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { timezone: true, workspace: { select: { timezone: true } } } });
  if (!user) throw notFound('what.user', { id: userId });
  return user.timezone ?? user.workspace.timezone;
}
