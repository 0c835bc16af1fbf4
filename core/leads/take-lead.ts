// A manager takes an unassigned lead (or confirms one already theirs); heads take any lead.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam, isSystemActor } from '../actor.js';
import { inTx } from '../db.js';
import { notFound, forbidden } from '../errors.js';
import { assertLeadOpen } from './lead-access.js';
import { recordChange } from '../audit.js';

export async function takeLead(ctx: CoreContext, actor: Actor, leadId: number) {
  if (isSystemActor(actor)) throw forbidden('what.lead', { id: leadId });
  return inTx(ctx.db, async (tx) => {
    // the row lock makes two managers pressing "take" at once end with one owner
    const locked = await tx.$queryRaw<
      Array<{ id: number }>
    >`SELECT "id" FROM "Lead" WHERE "id" = ${leadId} AND "workspaceId" = ${actor.workspaceId} FOR UPDATE`;
    if (!locked.length) throw notFound('what.lead', { id: leadId });
    const lead = await tx.lead.findUniqueOrThrow({ where: { id: leadId } });
    if (lead.assigneeId !== null && lead.assigneeId !== actor.userId && !seesWholeTeam(actor)) {
      throw forbidden('what.lead', { id: leadId });
    }
    assertLeadOpen(lead, actor);
    if (lead.assigneeId === actor.userId) return lead;
    const updated = await tx.lead.update({ where: { id: leadId }, data: { assigneeId: actor.userId } });
    await recordChange(
      tx,
      actor,
      { type: 'lead.taken', leadId, contactId: lead.contactId, data: { from: lead.assigneeId, to: actor.userId } },
      { action: 'lead.take', entity: 'lead', entityId: leadId, before: { assigneeId: lead.assigneeId }, after: { assigneeId: actor.userId } },
    );
    return updated;
  });
}
