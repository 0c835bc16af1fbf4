// What a history or a note is about: a contact, a lead or a deal, checked against the actor.
import type { Actor } from '../actor.js';
import type { DbOrTx } from '../db.js';
import { forbidden, notFound } from '../errors.js';
import { contactAccessWhere } from '../contacts/contact-visibility.js';
import { loadLeadFor } from '../leads/lead-access.js';
import { loadDeal } from '../deals/deal-access.js';

export type SubjectKind = 'contact' | 'lead' | 'deal';

export interface Subject {
  kind: SubjectKind;
  id: number;
}

export interface ResolvedSubject extends Subject {
  /** the person it is about (a deal may have none) */
  contactId: number | null;
  leadId: number | null;
  dealId: number | null;
  title: string;
}

/** Loads the subject the actor may see: not_found / forbidden as the record's own rules say. */
export async function resolveSubject(db: DbOrTx, actor: Actor, subject: Subject): Promise<ResolvedSubject> {
  if (subject.kind === 'lead') {
    const lead = await loadLeadFor(db, actor, subject.id);
    return { ...subject, contactId: lead.contactId, leadId: lead.id, dealId: null, title: lead.title };
  }
  if (subject.kind === 'deal') {
    const deal = await loadDeal(db, actor, subject.id);
    return { ...subject, contactId: deal.contactId, leadId: deal.leadId, dealId: deal.id, title: deal.title };
  }
  const contact = await db.contact.findFirst({ where: { id: subject.id, workspaceId: actor.workspaceId } });
  if (!contact || contact.erasedAt) throw notFound('what.contact', { id: subject.id });
  if (!(await db.contact.findFirst({ where: contactAccessWhere(actor, subject.id), select: { id: true } })))
    throw forbidden('what.contact', { id: subject.id });
  // a merged record's history is the kept one's
  if (contact.mergedIntoId) return resolveSubject(db, actor, { kind: 'contact', id: contact.mergedIntoId });
  return { ...subject, contactId: contact.id, leadId: null, dealId: null, title: contact.name };
}
