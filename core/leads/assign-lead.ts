// Heads and admins (or Leadline itself, e.g. on an SLA breach) give a lead to a colleague.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import { inTx } from '../db.js';
import { notFound, forbidden } from '../errors.js';
import { assertLeadOpen } from './lead-access.js';
import { recordChange } from '../audit.js';
import { assertAssignable } from './assignee.js';

export async function assignLead(ctx: CoreContext, actor: Actor, leadId: number, userId: number) {
  if (!seesWholeTeam(actor)) throw forbidden('what.lead', { id: leadId });
  return inTx(ctx.db, async (tx) => {
    const lead = await tx.lead.findFirst({ where: { id: leadId, workspaceId: actor.workspaceId } });
    if (!lead) throw notFound('what.lead', { id: leadId });
    assertLeadOpen(lead, actor);
    const user = await assertAssignable(tx, actor.workspaceId, userId);
    if (lead.assigneeId === user.id) return lead;
    const updated = await tx.lead.update({ where: { id: leadId }, data: { assigneeId: user.id } });
    await recordChange(
      tx,
      actor,
      { type: 'lead.assigned', leadId, contactId: lead.contactId, data: { from: lead.assigneeId, to: user.id } },
      { action: 'lead.assign', entity: 'lead', entityId: leadId, before: { assigneeId: lead.assigneeId }, after: { assigneeId: user.id } },
    );
    return updated;
  });
}
