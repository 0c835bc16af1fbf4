// Merging two records of the same person: everything of `mergeId` moves to `keepId`, the
// merged contact stays as a pointer (mergedIntoId) so old references still resolve.
// Every merge is a ContactMerge row holding the ids that moved (per table), the kept
// contact's fields before and the leads folded together, so an undo within
// MERGE_UNDO_DAYS puts back exactly those rows and nothing that changed since.
// Files need no move of their own: they belong to messages (keys per sender identity) and
// go with the conversations and identities.
import { inOrder } from './in-order.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { Tx } from '../db.js';
import { inTx } from '../db.js';
import { conflict, invalid, notFound, forbidden } from '../errors.js';
import { recordChange, toJson } from '../audit.js';
import { contactAccessWhere } from './contact-visibility.js';
import { readFields, type CustomFields } from './custom-fields.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import type { Contact, ContactMerge } from '../../prisma/generated/client.js';
import type { LeadStatus } from '../../prisma/generated/enums.js';

/** How long a merge can be undone. */
export const MERGE_UNDO_DAYS = 7;

/** A lead folded into the same person's older open lead. */
export interface FoldedLead {
  /** the newer lead, now `merged` */
  id: number;
  status: LeadStatus;
  assigneeId: number | null;
  /** the older open lead it went into */
  intoId: number;
  intoAssigneeId: number | null;
  /** tasks that moved from the folded lead to the kept one */
  tasks: number[];
}

/** What one merge moved: undo reads only this. */
export interface MergeMoved {
  emails: number[];
  phones: number[];
  identities: number[];
  leads: number[];
  deals: number[];
  tasks: number[];
  conversations: number[];
  activities: number[];
  /** contacts merged into the merged one earlier, now pointing at the kept one */
  pointers: number[];
  /** the kept contact's fields before (tags, custom fields and mailing opt-out absent in records from before they existed) */
  keptBefore: Pick<Contact, 'companyId' | 'ownerId' | 'position' | 'notes'> & Partial<Pick<Contact, 'tags' | 'mailingOptOutAt'>> & { fields?: CustomFields };
  foldedLeads: FoldedLead[];
}

export interface MergeResult {
  merge: ContactMerge;
  contact: Contact;
  moved: MergeMoved;
  /** counts per table, for replies */
  counts: Record<'emails' | 'phones' | 'identities' | 'leads' | 'deals' | 'tasks' | 'conversations' | 'activities', number>;
}

export interface MergeOptions {
  reason?: string;
  matchedOn?: string | null;
  /** a proposal being accepted: its row becomes the merge record */
  proposalId?: number;
  /** skip the per-contact visibility check (the proposal's addressee acting on it) */
  authorized?: boolean;
}

async function assertMayMerge(tx: Tx, actor: Actor, ids: number[]) {
  for (const id of ids) {
    const c = await tx.contact.findFirst({ where: { id, workspaceId: actor.workspaceId } });
    if (!c || c.mergedIntoId || c.erasedAt) throw notFound('what.contact', { id });
    if (!(await tx.contact.findFirst({ where: contactAccessWhere(actor, id), select: { id: true } }))) throw forbidden('what.contact', { id });
  }
}

async function idsOf(rows: Promise<{ id: number }[]>): Promise<number[]> {
  return (await rows).map((r) => r.id);
}

/** Merges `mergeId` into `keepId` (the actor must see both, unless `authorized`). */
export async function mergeContacts(ctx: CoreContext, actor: Actor, keepId: number, mergeId: number, options: MergeOptions = {}): Promise<MergeResult> {
  if (keepId === mergeId) throw invalid('invalid.merge_self');
  return inTx(ctx.db, async (tx) => {
    if (!options.authorized) await assertMayMerge(tx, actor, [keepId, mergeId]);
    const [keep, merge] = await inOrder([
      () => tx.contact.findFirst({ where: { id: keepId, workspaceId: actor.workspaceId } }),
      () => tx.contact.findFirst({ where: { id: mergeId, workspaceId: actor.workspaceId } }),
    ]);
    for (const [c, id] of [
      [keep, keepId],
      [merge, mergeId],
    ] as const) {
      if (!c || c.mergedIntoId || c.erasedAt) throw notFound('what.contact', { id });
    }
    const from = { contactId: mergeId };
    const to = { contactId: keepId };
    const ids = { select: { id: true }, where: from, orderBy: { id: 'asc' as const } };
    const [emails, phones, identities, leads, deals, tasks, conversations, activities, pointers] = await inOrder([
      () => idsOf(tx.contactEmail.findMany(ids)),
      () => idsOf(tx.contactPhone.findMany(ids)),
      () => idsOf(tx.identity.findMany(ids)),
      () => idsOf(tx.lead.findMany(ids)),
      () => idsOf(tx.deal.findMany(ids)),
      () => idsOf(tx.task.findMany(ids)),
      () => idsOf(tx.conversation.findMany(ids)),
      () => idsOf(tx.activity.findMany(ids)),
      () => idsOf(tx.contact.findMany({ select: { id: true }, where: { mergedIntoId: mergeId } })),
    ]);
    await tx.contactEmail.updateMany({ where: { id: { in: emails } }, data: to });
    await tx.contactPhone.updateMany({ where: { id: { in: phones } }, data: to });
    await tx.identity.updateMany({ where: { id: { in: identities } }, data: to });
    await tx.lead.updateMany({ where: { id: { in: leads } }, data: to });
    await tx.deal.updateMany({ where: { id: { in: deals } }, data: to });
    await tx.task.updateMany({ where: { id: { in: tasks } }, data: to });
    await tx.conversation.updateMany({ where: { id: { in: conversations } }, data: to });
    await tx.activity.updateMany({ where: { id: { in: activities } }, data: to });
    await tx.contact.updateMany({ where: { id: { in: pointers } }, data: { mergedIntoId: keepId } });
    const kept = await tx.contact.update({
      where: { id: keepId },
      data: {
        companyId: keep!.companyId ?? merge!.companyId,
        ownerId: keep!.ownerId ?? merge!.ownerId,
        position: keep!.position ?? merge!.position,
        notes: keep!.notes && merge!.notes ? `${keep!.notes}\n${merge!.notes}` : (keep!.notes ?? merge!.notes),
        // tags of both; custom fields the kept one lacks come from the other; an opt-out of either holds
        tags: [...new Set([...keep!.tags, ...merge!.tags])],
        fields: { ...readFields(merge!.fields), ...readFields(keep!.fields) },
        mailingOptOutAt: keep!.mailingOptOutAt ?? merge!.mailingOptOutAt,
      },
    });
    await tx.contact.update({ where: { id: mergeId }, data: { mergedIntoId: keepId } });
    const foldedLeads = await foldOpenLeads(tx, actor, keepId, mergeId);

    const moved: MergeMoved = {
      emails,
      phones,
      identities,
      leads,
      deals,
      tasks,
      conversations,
      activities,
      pointers,
      keptBefore: {
        companyId: keep!.companyId,
        ownerId: keep!.ownerId,
        position: keep!.position,
        notes: keep!.notes,
        tags: keep!.tags,
        fields: readFields(keep!.fields),
        mailingOptOutAt: keep!.mailingOptOutAt,
      },
      foldedLeads,
    };
    const now = ctx.clock.now();
    const data = { status: 'merged' as const, moved: toJson(moved)!, decidedAt: now, actorUserId: actor.userId || null };
    let record: ContactMerge;
    if (options.proposalId !== undefined) {
      const claimed = await tx.contactMerge.updateMany({
        where: { id: options.proposalId, workspaceId: actor.workspaceId, status: 'proposed', keepId, mergeId },
        data,
      });
      if (claimed.count !== 1) throw conflict('merge.already_decided', { id: options.proposalId });
      record = await tx.contactMerge.findUniqueOrThrow({ where: { id: options.proposalId } });
    } else {
      record = await tx.contactMerge.create({
        data: { workspaceId: actor.workspaceId, keepId, mergeId, reason: options.reason ?? 'manual', matchedOn: options.matchedOn ?? null, ...data },
      });
    }
    const counts = {
      emails: emails.length,
      phones: phones.length,
      identities: identities.length,
      leads: leads.length,
      deals: deals.length,
      tasks: tasks.length,
      conversations: conversations.length,
      activities: activities.length,
    };
    await recordChange(
      tx,
      actor,
      {
        type: 'contact.merged',
        contactId: keepId,
        data: { mergedId: mergeId, mergeRecordId: record.id, moved: counts, foldedLeads: foldedLeads.map((f) => f.id) },
      },
      {
        action: 'contact.merge',
        entity: 'contact',
        entityId: keepId,
        before: { keep, merge },
        after: { keep: kept, mergedId: mergeId, mergeRecordId: record.id, moved },
      },
    );
    return { merge: record, contact: kept, moved, counts };
  });
}

/**
 * One person, one open lead: the kept contact's newer open leads fold into its oldest
 * (status `merged`, their tasks moved to it). Their conversations stay where they are.
 */
async function foldOpenLeads(tx: Tx, actor: Actor, keepId: number, mergeId: number): Promise<FoldedLead[]> {
  const open = await tx.lead.findMany({
    where: { contactId: keepId, status: { in: [...OPEN_LEAD_STATUSES] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  if (open.length < 2) return [];
  const [into, ...rest] = open;
  const folded: FoldedLead[] = [];
  for (const lead of rest) {
    const tasks = await idsOf(tx.task.findMany({ select: { id: true }, where: { leadId: lead.id }, orderBy: { id: 'asc' } }));
    await tx.task.updateMany({ where: { id: { in: tasks } }, data: { leadId: into!.id } });
    await tx.lead.update({ where: { id: lead.id }, data: { status: 'merged' } });
    folded.push({ id: lead.id, status: lead.status, assigneeId: lead.assigneeId, intoId: into!.id, intoAssigneeId: into!.assigneeId, tasks });
    await recordChange(
      tx,
      actor,
      { type: 'lead.merged', leadId: lead.id, contactId: keepId, data: { intoId: into!.id, mergedContactId: mergeId } },
      { action: 'lead.merge', entity: 'lead', entityId: lead.id, before: lead, after: { status: 'merged', intoId: into!.id, tasks } },
    );
  }
  return folded;
}

export interface UndoResult {
  merge: ContactMerge;
  keepId: number;
  mergeId: number;
  restored: Record<string, number>;
}

/** Puts back exactly what a merge moved (rows that moved again since stay where they are). */
export async function undoMerge(ctx: CoreContext, actor: Actor, mergeRecordId: number): Promise<UndoResult> {
  return inTx(ctx.db, async (tx) => {
    const record = await tx.contactMerge.findFirst({ where: { id: mergeRecordId, workspaceId: actor.workspaceId } });
    if (!record || record.status !== 'merged' || !record.moved) throw notFound('what.merge', { id: mergeRecordId });
    if (!seesWholeTeam(actor) && record.actorUserId !== actor.userId && record.proposedToUserId !== actor.userId)
      throw forbidden('what.merge', { id: mergeRecordId });
    const now = ctx.clock.now();
    if (!record.decidedAt || now.getTime() - record.decidedAt.getTime() > MERGE_UNDO_DAYS * 86_400_000)
      throw conflict('merge.undo_expired', { id: mergeRecordId, days: MERGE_UNDO_DAYS });
    const { keepId, mergeId } = record;
    const kept = await tx.contact.findFirst({ where: { id: keepId, workspaceId: actor.workspaceId } });
    const merged = await tx.contact.findFirst({ where: { id: mergeId, workspaceId: actor.workspaceId } });
    // a kept contact merged again or erased since: undo that first
    if (!kept || kept.mergedIntoId || kept.erasedAt || !merged || merged.mergedIntoId !== keepId || merged.erasedAt)
      throw conflict('merge.undo_blocked', { id: mergeRecordId });
    const moved = record.moved as unknown as MergeMoved;
    const back = { contactId: mergeId };
    const at = (list: number[]) => ({ id: { in: list }, contactId: keepId });
    const restored = {
      emails: (await tx.contactEmail.updateMany({ where: at(moved.emails), data: back })).count,
      phones: (await tx.contactPhone.updateMany({ where: at(moved.phones), data: back })).count,
      identities: (await tx.identity.updateMany({ where: at(moved.identities), data: back })).count,
      leads: (await tx.lead.updateMany({ where: at(moved.leads), data: back })).count,
      deals: (await tx.deal.updateMany({ where: at(moved.deals), data: back })).count,
      tasks: (await tx.task.updateMany({ where: at(moved.tasks), data: back })).count,
      conversations: (await tx.conversation.updateMany({ where: at(moved.conversations), data: back })).count,
      activities: (await tx.activity.updateMany({ where: at(moved.activities), data: back })).count,
    };
    await tx.contact.updateMany({ where: { id: { in: moved.pointers }, mergedIntoId: keepId }, data: { mergedIntoId: mergeId } });
    for (const f of moved.foldedLeads) {
      await tx.lead.updateMany({ where: { id: f.id, status: 'merged' }, data: { status: f.status } });
      await tx.task.updateMany({ where: { id: { in: f.tasks }, leadId: f.intoId }, data: { leadId: f.id } });
    }
    const before = moved.keptBefore;
    await tx.contact.update({
      where: { id: keepId },
      data: {
        companyId: before.companyId,
        ownerId: before.ownerId,
        position: before.position,
        notes: before.notes,
        ...(before.tags ? { tags: before.tags } : {}),
        ...(before.fields ? { fields: before.fields } : {}),
        ...(before.mailingOptOutAt !== undefined ? { mailingOptOutAt: before.mailingOptOutAt } : {}),
      },
    });
    await tx.contact.update({ where: { id: mergeId }, data: { mergedIntoId: null } });
    const done = await tx.contactMerge.update({ where: { id: record.id }, data: { status: 'undone', undoneAt: now, actorUserId: actor.userId || null } });
    for (const contactId of [keepId, mergeId]) {
      await recordChange(
        tx,
        actor,
        { type: 'contact.unmerged', contactId, data: { keepId, mergeId, mergeRecordId: record.id, restored } },
        { action: 'contact.unmerge', entity: 'contact', entityId: contactId, before: { mergeRecordId: record.id, moved }, after: { restored } },
      );
    }
    return { merge: done, keepId, mergeId, restored };
  });
}
