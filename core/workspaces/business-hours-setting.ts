// Setting a workspace's business hours: the value is checked here, when it is set, with the
// reason in the refusal (core/time/business-hours.ts owns the rule), so the acknowledgement
// and the SLA deadline never meet a value they cannot read. Admins only; audited.
import type { Workspace } from '../../prisma/generated/client.js';
import { Prisma } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { forbidden, notFound } from '../errors.js';
import { storedBusinessHours, validateBusinessHours } from '../time/business-hours.js';

/** Sets (or, with null, clears: around the clock) the workspace's business hours. */
export async function setBusinessHours(ctx: CoreContext, actor: Actor, value: unknown): Promise<Workspace> {
  if (actor.role !== 'admin') throw forbidden('what.workspace_settings');
  const hours = validateBusinessHours(value);
  return inTx(ctx.db, async (tx) => {
    const before = await tx.workspace.findUnique({ where: { id: actor.workspaceId }, select: { businessHours: true } });
    if (!before) throw notFound('what.workspace_settings');
    const ws = await tx.workspace.update({
      where: { id: actor.workspaceId },
      data: { businessHours: hours ? (storedBusinessHours(hours) as unknown as Prisma.InputJsonValue) : Prisma.DbNull },
    });
    await recordAudit(tx, actor, {
      action: 'workspace.set_business_hours',
      entity: 'workspace',
      entityId: actor.workspaceId,
      before: { businessHours: before.businessHours },
      after: { businessHours: hours },
      actorKind: actor.userId ? 'user' : 'cli',
    });
    return ws;
  });
}
