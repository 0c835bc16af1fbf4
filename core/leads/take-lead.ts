// A manager takes an unassigned lead (or confirms one already theirs); heads take any lead.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam, isSystemActor } from '../actor.js';
import { inTx } from '../db.js';
import { notFound, forbidden } from '../errors.js';
import { assertLeadOpen } from './lead-access.js';
import { recordChange } from '../audit.js';

/** Rounds of read-check-swap before giving up on a lead that keeps changing under us. */
const MAX_ROUNDS = 10;

export async function takeLead(ctx: CoreContext, actor: Actor, leadId: number) {
  if (isSystemActor(actor)) throw forbidden('what.lead', { id: leadId });
  return inTx(ctx.db, async (tx) => {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const lead = await tx.lead.findFirst({ where: { id: leadId, workspaceId: actor.workspaceId } });
      if (!lead) throw notFound('what.lead', { id: leadId });
      if (lead.assigneeId !== null && lead.assigneeId !== actor.userId && !seesWholeTeam(actor)) {
        throw forbidden('what.lead', { id: leadId });
      }
      assertLeadOpen(lead, actor);
      if (lead.assigneeId === actor.userId) return lead;
      // compare-and-swap on what was checked: two managers pressing "take" at once end with one
      // owner; the other reads the lead again (now someone else's) and is refused
      const [updated] = await tx.lead.updateManyAndReturn({
        where: { id: leadId, assigneeId: lead.assigneeId, status: lead.status },
        data: { assigneeId: actor.userId },
      });
      if (!updated) continue;
      await recordChange(
        tx,
        actor,
        { type: 'lead.taken', leadId, contactId: lead.contactId, data: { from: lead.assigneeId, to: actor.userId } },
        { action: 'lead.take', entity: 'lead', entityId: leadId, before: { assigneeId: lead.assigneeId }, after: { assigneeId: actor.userId } },
      );
      return updated;
    }
    throw new Error(`lead ${leadId} kept changing while being taken`);
  });
}
