// Add a team member (heads and admins; only admins add admins): validated fully before
// anything is written, with default digest subscriptions and a one-time invite code.
import type { User } from '../../prisma/generated/client.js';
import type { Role } from '../../prisma/generated/enums.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx, type Tx } from '../db.js';
import { DomainError, invalid } from '../errors.js';
import { isLocale } from '../i18n/index.js';
import { assertTimeZone } from '../time/zoned.js';
import { ensureDefaultDigestSubscriptions } from '../digests/subscriptions.js';
import { generateInviteCode, hashInviteCode, inviteExpiry } from './invite-code.js';

export const ROLES: readonly Role[] = ['manager', 'head', 'admin'];

export interface AddUserInput {
  name: string;
  role: string;
  email?: string | null;
  timezone?: string | null;
  locale?: string | null;
}

export interface AddUserResult {
  user: User;
  /** shown once; only its hash is stored */
  inviteCode: string;
  inviteExpiresAt: Date;
}

export function parseRole(value: string): Role {
  const role = (value ?? '').trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(role)) throw invalid('invalid.role', { value: value ?? '' });
  return role as Role;
}

export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('invalid.email', { value });
  return email;
}

export function parseLocale(value: string): 'en' | 'ru' {
  const locale = value.trim().toLowerCase();
  if (!isLocale(locale)) throw invalid('invalid.locale', { value });
  return locale;
}

/** Stores a new invite code for the user (older unused codes stop working) and returns it. */
export async function issueInviteCode(tx: Tx, now: Date, user: Pick<User, 'id' | 'workspaceId'>) {
  await tx.inviteCode.updateMany({ where: { userId: user.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
  const code = generateInviteCode();
  const expiresAt = inviteExpiry(now);
  await tx.inviteCode.create({ data: { workspaceId: user.workspaceId, userId: user.id, codeHash: hashInviteCode(code), expiresAt } });
  return { code, expiresAt };
}

export function assertCanManageUsers(actor: Actor, role?: Role): void {
  if (!seesWholeTeam(actor)) throw new DomainError('forbidden', 'users.forbidden_manage');
  if (role === 'admin' && actor.role !== 'admin') throw new DomainError('forbidden', 'users.forbidden_add_admin');
}

export async function addUser(ctx: CoreContext, actor: Actor, input: AddUserInput): Promise<AddUserResult> {
  const role = parseRole(input.role);
  const name = input.name?.trim();
  if (!name) throw invalid('invalid.user_name_empty');
  const email = input.email?.trim() ? normalizeEmail(input.email) : null;
  const timezone = input.timezone?.trim() ? assertTimeZone(input.timezone.trim()) : null;
  const locale = input.locale?.trim() ? parseLocale(input.locale) : null;
  assertCanManageUsers(actor, role);

  const now = ctx.clock.now();
  return inTx(ctx.db, async (tx) => {
    const user = await tx.user.create({ data: { workspaceId: actor.workspaceId, name, role, email, timezone, locale } });
    // managers: "today" at 09:00; heads and admins also the team daily and the Monday weekly digest
    await ensureDefaultDigestSubscriptions(tx, user);
    const invite = await issueInviteCode(tx, now, user);
    await recordChange(
      tx,
      actor,
      { type: 'user.added', data: { userId: user.id, name, role } },
      { action: 'user.add', entity: 'user', entityId: user.id, after: { name, role, email, timezone, locale }, actorKind: actor.userId ? 'user' : 'cli' },
    );
    return { user, inviteCode: invite.code, inviteExpiresAt: invite.expiresAt };
  });
}
