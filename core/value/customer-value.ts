// Customer value: what a contact or a company is worth and how we serve them. Won total and
// open pipeline per currency, deals won and lost, first and last message (either direction,
// every channel), the mean time to a lead's first response. One statement for the deals, one
// for the rest (ctx.stores.customerValue); figures equal a plain GROUP BY over the same rows
// (test/integration/value/customer-value.test.ts checks that on the demo seed).
//
// Scope: a contact's deals are those naming the contact; a company's are those filed under the
// company or naming one of its live contacts; messages and leads are the contacts'.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import { forbidden, notFound } from '../errors.js';
import { contactAccessWhere, visibleContactsWhere } from '../contacts/contact-visibility.js';
import type { Money } from '../digests/digest.js';
import type { DealSumRow, ValueScope } from './value-store.js';

export interface CustomerValue {
  /** won deals' amounts per currency (currencies in code order) */
  won: Money[];
  /** open deals' amounts per currency */
  open: Money[];
  wonDeals: number;
  lostDeals: number;
  openDeals: number;
  /** first and last message in or out, any channel; null without messages */
  firstInteraction: Date | null;
  lastInteraction: Date | null;
  /** mean seconds from a lead's creation to its first response (answered leads only) */
  avgResponseSeconds: number | null;
  respondedLeads: number;
}

function sums(rows: DealSumRow[], status: DealSumRow['status']): Money[] {
  return rows
    .filter((r) => r.status === status && r.currency)
    .map((r) => ({ currency: r.currency as string, amount: r.total }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

const count = (rows: DealSumRow[], status: DealSumRow['status']) => rows.filter((r) => r.status === status).reduce((s, r) => s + r.n, 0);

/** The figures for a scope, without permission checks (callers check). */
export async function valueOf(ctx: CoreContext, scope: ValueScope): Promise<CustomerValue> {
  const store = ctx.stores.customerValue;
  const [deals, seen] = await Promise.all([store.dealSums(ctx.db, scope), store.interactions(ctx.db, scope)]);
  return {
    won: sums(deals, 'won'),
    open: sums(deals, 'open'),
    wonDeals: count(deals, 'won'),
    lostDeals: count(deals, 'lost'),
    openDeals: count(deals, 'open'),
    firstInteraction: seen.first,
    lastInteraction: seen.last,
    avgResponseSeconds: seen.avgResponse === null ? null : Math.round(seen.avgResponse),
    respondedLeads: seen.responded,
  };
}

/** A contact's value, when the actor may see the contact. */
export async function contactValue(ctx: CoreContext, actor: Actor, contactId: number): Promise<CustomerValue> {
  const visible = await ctx.db.contact.findFirst({ where: contactAccessWhere(actor, contactId), select: { id: true } });
  if (!visible) {
    const exists = await ctx.db.contact.count({ where: { id: contactId, workspaceId: actor.workspaceId } });
    throw exists ? forbidden('what.contact', { id: contactId }) : notFound('what.contact', { id: contactId });
  }
  return valueOf(ctx, { workspaceId: actor.workspaceId, contactIds: [contactId], companyId: null });
}

/**
 * A company's value: heads and admins for any company; a manager for a company one of whose
 * contacts they may see (the figures are the company's, like the team digest's totals).
 */
export async function companyValue(
  ctx: CoreContext,
  actor: Actor,
  companyId: number,
): Promise<CustomerValue & { name: string; contacts: number; tags: string[] }> {
  const company = await ctx.db.company.findFirst({ where: { id: companyId, workspaceId: actor.workspaceId }, select: { id: true, name: true, tags: true } });
  if (!company) throw notFound('what.company', { id: companyId });
  if (!seesWholeTeam(actor)) {
    const visible = await ctx.db.contact.count({ where: { AND: [visibleContactsWhere(actor), { companyId }] } });
    if (!visible) throw forbidden('what.company', { id: companyId });
  }
  const contacts = await ctx.db.contact.findMany({
    where: { workspaceId: actor.workspaceId, companyId, mergedIntoId: null, erasedAt: null },
    select: { id: true },
  });
  const value = await valueOf(ctx, { workspaceId: actor.workspaceId, contactIds: contacts.map((c) => c.id), companyId });
  return { ...value, name: company.name, contacts: contacts.length, tags: company.tags };
}
