// A task may point at a lead, deal or contact: each must be in the workspace and visible to the actor.
import type { Actor } from '../actor.js';
import type { DbOrTx } from '../db.js';
import { forbidden, notFound } from '../errors.js';
import { loadDeal } from '../deals/deal-access.js';
import { canSeeLead } from '../leads/lead-access.js';

export interface TaskLinks {
  leadId?: number | null;
  dealId?: number | null;
  contactId?: number | null;
}

/** Checks the links and fills in the contact from the deal or lead when not given. */
export async function resolveTaskLinks(db: DbOrTx, actor: Actor, links: TaskLinks): Promise<Required<TaskLinks>> {
  let contactId = links.contactId ?? null;
  if (links.dealId) {
    const deal = await loadDeal(db, actor, links.dealId);
    contactId ??= deal.contactId;
  }
  if (links.leadId) {
    const lead = await db.lead.findFirst({ where: { id: links.leadId, workspaceId: actor.workspaceId } });
    if (!lead) throw notFound('what.lead', { id: links.leadId });
    if (!canSeeLead(actor, lead)) throw forbidden('what.lead', { id: links.leadId });
    contactId ??= lead.contactId;
  }
  if (links.contactId) {
    const contact = await db.contact.findFirst({ where: { id: links.contactId, workspaceId: actor.workspaceId }, select: { id: true } });
    if (!contact) throw notFound('what.contact', { id: links.contactId });
  }
  return { leadId: links.leadId ?? null, dealId: links.dealId ?? null, contactId };
}
