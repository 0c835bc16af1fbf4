// Convert a lead into a deal: the lead becomes "converted", the deal keeps its contact and
// the contact's company. Managers convert the leads they may see (their own, or new
// unassigned ones, as core/leads decides); heads any lead.
import type { Deal } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { isSystemActor } from '../actor.js';
import { recordChange } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import { forbidden, invalid, conflict, notFound } from '../errors.js';
import { t } from '../i18n/index.js';
import { assertLeadOpen, canSeeLead, OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import { createDealInTx } from './create-deal.js';

export interface ConvertLeadInput {
  title?: string | null;
  amount?: string | number | null;
  currency?: string | null;
}

export async function convertLeadToDeal(ctx: CoreContext, actor: Actor, leadId: number, input: ConvertLeadInput = {}): Promise<Deal> {
  return inTx(ctx.db, async (tx) => {
    const lead = await tx.lead.findFirst({
      where: { id: leadId, workspaceId: actor.workspaceId },
      include: { contact: { include: { company: true } }, deal: { select: { id: true } } },
    });
    if (!lead) throw notFound('what.lead', { id: leadId });
    if (!canSeeLead(actor, lead)) throw forbidden('what.lead', { id: leadId });
    if (lead.deal) throw invalid('invalid.lead_has_deal', { id: leadId, dealId: lead.deal.id });
    assertLeadOpen(lead, actor);

    const ownerId = lead.assigneeId ?? (isSystemActor(actor) ? null : actor.userId);
    if (!ownerId) throw invalid('invalid.deal_owner_required');
    // claims the lead: a concurrent conversion finds it no longer open
    const claimed = await tx.lead.updateMany({
      where: { id: leadId, status: { in: [...OPEN_LEAD_STATUSES] } },
      data: { status: 'converted', assigneeId: ownerId },
    });
    if (claimed.count === 0) throw conflict('invalid.lead_closed', { id: leadId, status: t(actor.locale, 'lead.status.converted') });

    const title = input.title?.trim() || lead.contact.company?.name || lead.contact.name || lead.title;
    const deal = await createDealInTx(tx, ctx, actor, {
      title,
      amount: input.amount,
      currency: input.currency,
      contactId: lead.contactId,
      companyId: lead.contact.companyId,
      ownerId,
      leadId,
    });
    await recordChange(
      tx,
      actor,
      { type: 'lead.converted', leadId, dealId: deal.id, contactId: lead.contactId, data: { title: lead.title, dealTitle: deal.title } },
      {
        action: 'lead.convert',
        entity: 'lead',
        entityId: leadId,
        before: { status: lead.status, assigneeId: lead.assigneeId },
        after: { status: 'converted', assigneeId: ownerId, dealId: deal.id },
      },
    );
    return deal;
  });
}
