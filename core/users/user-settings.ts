// A team member's own settings (or a head's/admin's change for them): language, time zone, on duty.
import type { Prisma, User } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { assertCanActFor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { notFound } from '../errors.js';
import { assertTimeZone } from '../time/zoned.js';
import { parseLocale } from './add-user.js';

async function changeUser(
  ctx: CoreContext,
  actor: Actor,
  userId: number,
  field: 'locale' | 'timezone' | 'onDuty',
  data: Prisma.UserUpdateInput,
): Promise<User> {
  assertCanActFor(actor, userId);
  return inTx(ctx.db, async (tx) => {
    const before = await tx.user.findFirst({ where: { id: userId, workspaceId: actor.workspaceId } });
    if (!before) throw notFound('what.user', { id: userId });
    const user = await tx.user.update({ where: { id: userId }, data });
    await recordChange(
      tx,
      actor,
      { type: 'user.updated', data: { userId, field, value: user[field] } },
      {
        action: `user.set_${field}`,
        entity: 'user',
        entityId: userId,
        before: { [field]: before[field] },
        after: { [field]: user[field] },
        actorKind: actor.userId ? 'user' : 'cli',
      },
    );
    return user;
  });
}

export async function setUserLocale(ctx: CoreContext, actor: Actor, userId: number, locale: string): Promise<User> {
  return changeUser(ctx, actor, userId, 'locale', { locale: parseLocale(locale) });
}

export async function setUserTimezone(ctx: CoreContext, actor: Actor, userId: number, timezone: string): Promise<User> {
  const user = await changeUser(ctx, actor, userId, 'timezone', { timezone: assertTimeZone(timezone.trim()) });
  // digests run at 09:00 in the user's zone: move their schedules now, not at the next periodic sync
  await ctx.scheduler?.rescheduleDigests?.(userId);
  return user;
}

/** On-duty managers take part in the round robin for new leads. */
export async function setOnDuty(ctx: CoreContext, actor: Actor, userId: number, onDuty: boolean): Promise<User> {
  return changeUser(ctx, actor, userId, 'onDuty', { onDuty });
}
