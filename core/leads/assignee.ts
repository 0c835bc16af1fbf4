// Checks that a user can own leads in a workspace.
import type { User } from '../../prisma/generated/client.js';
import type { DbOrTx } from '../db.js';
import { invalid } from '../errors.js';

export async function assertAssignable(db: DbOrTx, workspaceId: number, userId: number): Promise<User> {
  const user = await db.user.findFirst({ where: { id: userId, workspaceId } });
  if (!user) throw invalid('leads.invalid.assignee_not_found', { id: userId });
  if (!user.active) throw invalid('invalid.assignee_inactive', { name: user.name });
  return user;
}
