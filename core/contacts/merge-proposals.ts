// One customer across channels: when a message brings a key (email, phone) that belongs to
// another live contact, or a name + company that matches one, the owner of the older record
// is asked whether the two are one person. Exact keys and the likely name + company match
// are both only proposed: nothing is merged until someone says so.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { DbOrTx } from '../db.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { recordChange } from '../audit.js';
import { resolveLiveContact } from './resolve-contact.js';
import { mergeContacts, type MergeResult } from './merge-contacts.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import type { Contact, ContactMerge } from '../../prisma/generated/client.js';
import type { Channel, ContactMergeStatus } from '../../prisma/generated/enums.js';

export type MergeReason = 'email' | 'phone' | 'name_company';

export interface MergeCandidate {
  otherId: number;
  reason: MergeReason;
  matchedOn: string;
}

export interface CandidateKeys {
  email?: string | null;
  phone?: string | null;
  /** the message named a company: a contact with the same name at the same company is likely the same person */
  nameAndCompany?: boolean;
}

/** Other live contacts that share an exact key with `contact`, or its name at its company. */
export async function findMergeCandidates(db: DbOrTx, contact: Contact, keys: CandidateKeys): Promise<MergeCandidate[]> {
  const ws = contact.workspaceId;
  const out: MergeCandidate[] = [];
  const add = async (ownerId: number | undefined, reason: MergeReason, matchedOn: string) => {
    if (ownerId === undefined || ownerId === contact.id) return;
    const live = await resolveLiveContact(db, ws, ownerId);
    if (live && live.id !== contact.id && !out.some((c) => c.otherId === live.id)) out.push({ otherId: live.id, reason, matchedOn });
  };
  if (keys.email) {
    const row = await db.contactEmail.findUnique({ where: { workspaceId_email: { workspaceId: ws, email: keys.email } } });
    await add(row?.contactId, 'email', keys.email);
  }
  if (keys.phone) {
    const row = await db.contactPhone.findUnique({ where: { workspaceId_phone: { workspaceId: ws, phone: keys.phone } } });
    await add(row?.contactId, 'phone', keys.phone);
  }
  if (keys.nameAndCompany && contact.companyId) {
    const same = await db.contact.findMany({
      where: { workspaceId: ws, nameKey: contact.nameKey, companyId: contact.companyId, mergedIntoId: null, erasedAt: null, id: { not: contact.id } },
      include: { company: { select: { name: true } } },
      orderBy: { id: 'asc' },
      take: 3,
    });
    for (const c of same) await add(c.id, 'name_company', `${contact.name} · ${c.company?.name ?? ''}`);
  }
  return out;
}

/** Who answers for a contact: its owner, else its latest lead's assignee, else its latest deal's owner. */
export async function contactOwnerId(db: DbOrTx, contact: Pick<Contact, 'id' | 'ownerId' | 'workspaceId'>): Promise<number | null> {
  if (contact.ownerId) return contact.ownerId;
  const lead = await db.lead.findFirst({ where: { contactId: contact.id, assigneeId: { not: null } }, orderBy: { id: 'desc' }, select: { assigneeId: true } });
  if (lead?.assigneeId) return lead.assigneeId;
  const deal = await db.deal.findFirst({ where: { contactId: contact.id }, orderBy: { id: 'desc' }, select: { ownerId: true } });
  if (deal) return deal.ownerId;
  const head = await db.user.findFirst({
    where: { workspaceId: contact.workspaceId, active: true, role: { in: ['head', 'admin'] } },
    orderBy: [{ role: 'desc' }, { id: 'asc' }],
    select: { id: true },
  });
  return head?.id ?? null;
}

/** The pair's proposal (either way round) in one of `statuses`, if any. */
async function pairProposal(db: DbOrTx, workspaceId: number, aId: number, bId: number, statuses: ContactMergeStatus[]): Promise<ContactMerge | null> {
  return db.contactMerge.findFirst({
    where: {
      workspaceId,
      status: { in: statuses },
      OR: [
        { keepId: aId, mergeId: bId },
        { keepId: bId, mergeId: aId },
      ],
    },
  });
}

/** The pair's proposal still waiting for an answer, if any. */
export function openProposal(db: DbOrTx, workspaceId: number, aId: number, bId: number): Promise<ContactMerge | null> {
  return pairProposal(db, workspaceId, aId, bId, ['proposed']);
}

/**
 * Records a proposal to merge the newer of two contacts into the older, addressed to the
 * older record's owner. Null when the pair was already proposed, declined or merged.
 */
export async function proposeMerge(
  ctx: CoreContext,
  actor: Actor,
  aId: number,
  bId: number,
  reason: MergeReason,
  matchedOn: string,
): Promise<ContactMerge | null> {
  const db = ctx.db;
  const [a, b] = [
    await db.contact.findFirst({ where: { id: aId, workspaceId: actor.workspaceId } }),
    await db.contact.findFirst({ where: { id: bId, workspaceId: actor.workspaceId } }),
  ];
  if (!a || !b || a.id === b.id) return null;
  // ids follow creation order (a clock-independent "older")
  const [keep, merge] = a.id < b.id ? [a, b] : [b, a];
  if (await pairProposal(db, actor.workspaceId, keep.id, merge.id, ['proposed', 'declined', 'merged'])) return null;
  const proposedToUserId = await contactOwnerId(db, keep);
  const proposal = await db.contactMerge.create({
    data: { workspaceId: actor.workspaceId, keepId: keep.id, mergeId: merge.id, reason, matchedOn, proposedToUserId },
  });
  await recordChange(
    db,
    actor,
    { type: 'merge.proposed', contactId: keep.id, data: { proposalId: proposal.id, keepId: keep.id, mergeId: merge.id, reason, matchedOn } },
    { action: 'contact.merge_proposed', entity: 'contact', entityId: keep.id, after: proposal },
  );
  return proposal;
}

async function loadProposal(ctx: CoreContext, actor: Actor, id: number): Promise<ContactMerge> {
  const p = await ctx.db.contactMerge.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!p) throw notFound('what.merge', { id });
  if (!seesWholeTeam(actor) && p.proposedToUserId !== actor.userId) throw forbidden('what.merge', { id });
  return p;
}

/** "Merge": the proposal's addressee (or a head) folds the newer record into the older. */
export async function acceptMergeProposal(ctx: CoreContext, actor: Actor, id: number): Promise<MergeResult> {
  const p = await loadProposal(ctx, actor, id);
  if (p.status !== 'proposed') throw conflict('merge.already_decided', { id });
  return mergeContacts(ctx, actor, p.keepId, p.mergeId, { proposalId: p.id, authorized: true });
}

/** "Keep separate": never proposed again for this pair. */
export async function declineMergeProposal(ctx: CoreContext, actor: Actor, id: number): Promise<ContactMerge> {
  const p = await loadProposal(ctx, actor, id);
  const now = ctx.clock.now();
  const r = await ctx.db.contactMerge.updateMany({
    where: { id, status: 'proposed' },
    data: { status: 'declined', decidedAt: now, actorUserId: actor.userId || null },
  });
  if (r.count !== 1) throw conflict('merge.already_decided', { id });
  await recordChange(
    ctx.db,
    actor,
    { type: 'merge.declined', contactId: p.keepId, data: { proposalId: id, keepId: p.keepId, mergeId: p.mergeId } },
    { action: 'contact.merge_declined', entity: 'contact', entityId: p.keepId, before: p, after: { status: 'declined' } },
  );
  return { ...p, status: 'declined', decidedAt: now };
}

/** A contact's card as plain data (for the side-by-side merge question, and any other view). */
export interface ContactCard {
  id: number;
  name: string;
  company: string | null;
  emails: string[];
  phones: string[];
  channels: Channel[];
  openLeads: number;
  openDeals: number;
  createdAt: Date;
  ownerName: string | null;
}

export async function contactCard(db: DbOrTx, workspaceId: number, id: number): Promise<ContactCard | null> {
  const c = await db.contact.findFirst({
    where: { id, workspaceId },
    include: {
      company: { select: { name: true } },
      owner: { select: { name: true } },
      emails: { orderBy: { id: 'asc' }, select: { email: true } },
      phones: { orderBy: { id: 'asc' }, select: { phone: true } },
      identities: { orderBy: { id: 'asc' }, select: { channel: true } },
    },
  });
  if (!c) return null;
  const openLeads = await db.lead.count({ where: { contactId: id, status: { in: [...OPEN_LEAD_STATUSES] } } });
  const openDeals = await db.deal.count({ where: { contactId: id, status: 'open' } });
  return {
    id: c.id,
    name: c.name,
    company: c.company?.name ?? null,
    emails: c.emails.map((e) => e.email),
    phones: c.phones.map((p) => p.phone),
    channels: [...new Set(c.identities.map((i) => i.channel))],
    openLeads,
    openDeals,
    createdAt: c.createdAt,
    ownerName: c.owner?.name ?? null,
  };
}
