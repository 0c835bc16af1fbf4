// Reading team members: the list, the Actor of a user, and the user behind a messenger account.
import type { Prisma, User } from '../../prisma/generated/client.js';
import type { Channel } from '../../prisma/generated/enums.js';
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import type { DbOrTx } from '../db.js';
import { forbidden, notFound } from '../errors.js';
import { resolveLocale } from '../i18n/index.js';

const userInclude = { identities: { select: { channel: true, externalId: true, username: true } } } satisfies Prisma.UserInclude;
export type UserView = Prisma.UserGetPayload<{ include: typeof userInclude }>;

/** Every team member of the workspace (colleagues are visible to all, e.g. to assign a task). */
export async function listUsers(ctx: CoreContext, actor: Actor, options: { includeInactive?: boolean } = {}): Promise<UserView[]> {
  return ctx.db.user.findMany({
    where: { workspaceId: actor.workspaceId, ...(options.includeInactive ? {} : { active: true }) },
    include: userInclude,
    orderBy: { id: 'asc' },
  });
}

/** The Actor for a team member: their role, locale (else the workspace's) and time zone (else the workspace's). */
export async function actorForUser(db: DbOrTx, userId: number): Promise<Actor> {
  const user = await db.user.findUnique({ where: { id: userId }, include: { workspace: { select: { locale: true, timezone: true } } } });
  if (!user) throw notFound('what.user', { id: userId });
  if (!user.active) throw forbidden('what.user', { id: userId });
  return memberActor(user, user.workspace);
}

/** actorForUser's Actor from a member and their workspace already read (an API key's look-up reads them in one statement). */
export function memberActor(
  user: Pick<User, 'id' | 'workspaceId' | 'role' | 'locale' | 'timezone' | 'name'>,
  workspace: { locale: string; timezone: string },
): Actor {
  return {
    userId: user.id,
    workspaceId: user.workspaceId,
    role: user.role,
    locale: resolveLocale(user.locale, workspace.locale),
    timezone: user.timezone ?? workspace.timezone,
    name: user.name,
  };
}

/** The active team member linked to this messenger account, or null (unknown or a customer). */
export async function userByIdentity(db: DbOrTx, workspaceId: number, channel: Channel, externalId: string): Promise<User | null> {
  const identity = await db.identity.findUnique({
    where: { workspaceId_channel_externalId: { workspaceId, channel, externalId } },
    include: { user: true },
  });
  return identity?.user && identity.user.active ? identity.user : null;
}
