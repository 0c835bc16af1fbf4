// Merging two records of the same person: everything of `mergeId` moves to `keepId`, the
// merged contact stays as a pointer (mergedIntoId) so old references still resolve.
import { inOrder } from './in-order.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { inTx } from '../db.js';
import { invalid, notFound, forbidden } from '../errors.js';
import { recordChange } from '../audit.js';
import { contactAccessWhere } from './contact-visibility.js';

export async function mergeContacts(ctx: CoreContext, actor: Actor, keepId: number, mergeId: number) {
  if (keepId === mergeId) throw invalid('invalid.merge_self');
  return inTx(ctx.db, async (tx) => {
    const [keep, merge] = await inOrder([
      () => tx.contact.findFirst({ where: { id: keepId, workspaceId: actor.workspaceId } }),
      () => tx.contact.findFirst({ where: { id: mergeId, workspaceId: actor.workspaceId } }),
    ]);
    for (const [c, id] of [
      [keep, keepId],
      [merge, mergeId],
    ] as const) {
      if (!c || c.mergedIntoId || c.erasedAt) throw notFound('what.contact', { id });
      if (!(await tx.contact.findFirst({ where: contactAccessWhere(actor, id), select: { id: true } }))) throw forbidden('what.contact', { id });
    }
    const from = { contactId: mergeId };
    const to = { contactId: keepId };
    const moved = {
      emails: (await tx.contactEmail.updateMany({ where: from, data: to })).count,
      phones: (await tx.contactPhone.updateMany({ where: from, data: to })).count,
      identities: (await tx.identity.updateMany({ where: from, data: to })).count,
      leads: (await tx.lead.updateMany({ where: from, data: to })).count,
      deals: (await tx.deal.updateMany({ where: from, data: to })).count,
      tasks: (await tx.task.updateMany({ where: from, data: to })).count,
      conversations: (await tx.conversation.updateMany({ where: from, data: to })).count,
      activities: (await tx.activity.updateMany({ where: from, data: to })).count,
    };
    // contacts merged into the merged one earlier now point straight at the kept one
    await tx.contact.updateMany({ where: { mergedIntoId: mergeId }, data: { mergedIntoId: keepId } });
    const kept = await tx.contact.update({
      where: { id: keepId },
      data: {
        companyId: keep!.companyId ?? merge!.companyId,
        ownerId: keep!.ownerId ?? merge!.ownerId,
        position: keep!.position ?? merge!.position,
        notes: keep!.notes && merge!.notes ? `${keep!.notes}\n${merge!.notes}` : (keep!.notes ?? merge!.notes),
      },
    });
    await tx.contact.update({ where: { id: mergeId }, data: { mergedIntoId: keepId } });
    await recordChange(
      tx,
      actor,
      { type: 'contact.merged', contactId: keepId, data: { mergedId: mergeId, moved } },
      { action: 'contact.merge', entity: 'contact', entityId: keepId, before: { keep, merge }, after: { keep: kept, mergedId: mergeId, moved } },
    );
    return { contact: kept, moved };
  });
}
