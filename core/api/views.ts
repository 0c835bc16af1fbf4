// What the REST API shows of core's records (bots/http/api/api-schemas.ts holds the matching
// zod schemas): times as ISO 8601 strings, money as a decimal string, ids for relations.
import type { Contact, ContactEmail, ContactPhone, Company, Lead, Task } from '../../prisma/generated/client.js';
import type { DealView } from '../deals/find-deals.js';
import { readFields } from '../contacts/custom-fields.js';

export function leadView(l: Lead) {
  return {
    id: l.id,
    status: l.status,
    title: l.title,
    source: l.source,
    message: l.firstMessage,
    contactId: l.contactId,
    assigneeId: l.assigneeId,
    firstResponseDueAt: l.firstResponseDueAt?.toISOString() ?? null,
    firstResponseAt: l.firstResponseAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

export function contactView(c: Contact & { emails: ContactEmail[]; phones: ContactPhone[]; company: Company | null }) {
  return {
    id: c.id,
    name: c.name,
    company: c.company?.name ?? null,
    emails: c.emails.map((e) => e.email),
    phones: c.phones.map((p) => p.phone),
    tags: c.tags,
    fields: readFields(c.fields),
    createdAt: c.createdAt.toISOString(),
  };
}

export function dealView(d: DealView) {
  return {
    id: d.id,
    title: d.title,
    amount: d.amount === null ? null : d.amount.toFixed(2),
    currency: d.currency?.trim() ?? null,
    status: d.status,
    stage: { id: d.stage.id, name: d.stage.name, kind: d.stage.kind },
    ownerId: d.ownerId,
    contactId: d.contactId,
    companyId: d.companyId,
    leadId: d.leadId,
    lostReason: d.lostReason,
    expectedCloseAt: d.expectedCloseAt?.toISOString() ?? null,
    closedAt: d.closedAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function taskView(t: Task) {
  return {
    id: t.id,
    title: t.title,
    dueAt: t.dueAt.toISOString(),
    snoozedUntil: t.snoozedUntil?.toISOString() ?? null,
    status: t.status,
    assigneeId: t.assigneeId,
    rrule: t.rrule,
    leadId: t.leadId,
    dealId: t.dealId,
    contactId: t.contactId,
    createdAt: t.createdAt.toISOString(),
  };
}
