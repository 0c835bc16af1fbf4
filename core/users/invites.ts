// Linking a messenger account to a team member with a one-time invite code.
import type { Identity, User } from '../../prisma/generated/client.js';
import type { IdentityInput } from '../contacts/find-or-create-contact.js';
import type { Actor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { invalid, notFound } from '../errors.js';
import { assertCanManageUsers, issueInviteCode } from './add-user.js';
import { hashInviteCode, normalizeInviteCode } from './invite-code.js';

/** A fresh code for a team member (e.g. a new phone); their older unused codes stop working. */
export async function newInviteCode(ctx: CoreContext, actor: Actor, userId: number): Promise<{ user: User; inviteCode: string; inviteExpiresAt: Date }> {
  assertCanManageUsers(actor);
  const now = ctx.clock.now();
  return inTx(ctx.db, async (tx) => {
    const user = await tx.user.findFirst({ where: { id: userId, workspaceId: actor.workspaceId } });
    if (!user) throw notFound('what.user', { id: userId });
    if (!user.active) throw invalid('invalid.assignee_inactive', { name: user.name });
    const invite = await issueInviteCode(tx, now, user);
    await recordChange(
      tx,
      actor,
      { type: 'user.invite_issued', data: { userId } },
      { action: 'user.invite', entity: 'user', entityId: userId, after: { expiresAt: invite.expiresAt }, actorKind: actor.userId ? 'user' : 'cli' },
    );
    return { user, inviteCode: invite.code, inviteExpiresAt: invite.expiresAt };
  });
}

/** The messenger account being linked: the same shape customers' identities have. */
export type { IdentityInput };

export interface RedeemInviteInput {
  /** when known (e.g. a workspace-specific bot); otherwise the code alone finds it */
  workspaceId?: number;
  code: string;
  identity: IdentityInput;
}

/**
 * Uses the code once (a concurrent second redeem fails) and links the messenger account to
 * the team member. An account known as a customer contact is re-pointed to the user.
 * Wrong, used or expired codes: DomainError invalid.invite_used.
 */
export async function redeemInvite(ctx: CoreContext, input: RedeemInviteInput): Promise<{ user: User; identity: Identity }> {
  const code = normalizeInviteCode(input.code);
  if (!/^[A-Z0-9]{4,64}$/.test(code)) throw invalid('invalid.invite_used');
  const externalId = String(input.identity.externalId ?? '').trim();
  if (!externalId) throw invalid('invalid.identity_missing');
  const now = ctx.clock.now();
  const codeHash = hashInviteCode(code);
  return inTx(ctx.db, async (tx) => {
    // the row lock makes this single-use: a concurrent redeem re-checks usedAt and matches nothing
    const used = await tx.inviteCode.updateMany({
      where: { codeHash, usedAt: null, expiresAt: { gt: now }, ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}) },
      data: { usedAt: now },
    });
    if (used.count !== 1) throw invalid('invalid.invite_used');
    const invite = await tx.inviteCode.findUniqueOrThrow({ where: { codeHash }, include: { user: true } });
    const user = invite.user;
    if (!user.active) throw invalid('invalid.invite_used');

    const key = { workspaceId_channel_externalId: { workspaceId: user.workspaceId, channel: input.identity.channel, externalId } };
    const before = await tx.identity.findUnique({ where: key });
    const details = {
      chatId: input.identity.chatId ?? before?.chatId ?? null,
      displayName: input.identity.displayName ?? before?.displayName ?? null,
      username: input.identity.username ?? before?.username ?? null,
      languageCode: input.identity.languageCode ?? before?.languageCode ?? null,
    };
    const identity = await tx.identity.upsert({
      where: key,
      create: { workspaceId: user.workspaceId, channel: input.identity.channel, externalId, userId: user.id, ...details },
      update: { userId: user.id, contactId: null, unreachable: false, unreachableReason: null, ...details },
    });
    const actor = { workspaceId: user.workspaceId, userId: user.id };
    await recordChange(
      tx,
      actor,
      { type: 'user.linked', data: { userId: user.id, channel: identity.channel, identityId: identity.id } },
      {
        action: 'identity.link',
        entity: 'identity',
        entityId: identity.id,
        before: before ? { userId: before.userId, contactId: before.contactId } : undefined,
        after: { userId: user.id, channel: identity.channel, inviteId: invite.id },
      },
    );
    return { user, identity };
  });
}
