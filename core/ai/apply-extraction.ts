// The manager tapped "Apply to contact/lead": the extracted fields go through the acting
// manager's permissions and the contacts/leads rules. Nothing is overwritten or merged: a
// name replaces only the placeholder the channel gave, a company is set only when none is,
// an e-mail or phone is added only when no contact of the workspace has it yet; need,
// budget and urgency become a note on the lead.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { assertCanAccess } from '../actor.js';
import { notFound } from '../errors.js';
import { inTx } from '../db.js';
import { recordActivity, recordChange } from '../audit.js';
import { findOrCreateCompany } from '../contacts/find-or-create-company.js';
import { t } from '../i18n/index.js';
import type { LeadExtraction } from './schemas.js';

export type AppliedField = 'name' | 'company' | 'email' | 'phone' | 'note';

export async function applyExtraction(ctx: CoreContext, actor: Actor, leadId: number, x: LeadExtraction): Promise<AppliedField[]> {
  const lead = await ctx.db.lead.findFirst({ where: { id: leadId, workspaceId: actor.workspaceId }, include: { contact: true } });
  if (!lead) throw notFound('what.lead', { id: leadId });
  assertCanAccess(actor, lead.assigneeId, 'what.lead', leadId);
  const contact = lead.contact;
  if (contact.erasedAt || contact.mergedIntoId) throw notFound('what.contact', { id: contact.id });
  const applied: AppliedField[] = [];

  return inTx(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const identity = await tx.identity.findFirst({ where: { contactId: contact.id }, orderBy: { id: 'asc' } });
    const placeholder =
      !contact.name.trim() ||
      contact.name === identity?.displayName ||
      contact.name === identity?.username ||
      /^(customer|клиент|unknown)\b/i.test(contact.name) ||
      contact.name.includes('@');
    if (x.name && x.name !== contact.name && placeholder) {
      await tx.contact.update({ where: { id: contact.id }, data: { name: x.name, nameKey: x.name.toLowerCase() } });
      await recordChange(
        tx,
        actor,
        { type: 'contact_updated', contactId: contact.id, leadId, data: { field: 'name', source: 'ai' } },
        { action: 'contact.update', entity: 'contact', entityId: contact.id, before: { name: contact.name }, after: { name: x.name } },
      );
      applied.push('name');
    }
    if (x.company && !contact.companyId) {
      const { company } = await findOrCreateCompany(txCtx, actor, { name: x.company });
      await tx.contact.update({ where: { id: contact.id }, data: { companyId: company.id } });
      await recordChange(
        tx,
        actor,
        { type: 'contact_updated', contactId: contact.id, leadId, data: { field: 'company', source: 'ai' } },
        { action: 'contact.update', entity: 'contact', entityId: contact.id, after: { companyId: company.id } },
      );
      applied.push('company');
    }
    if (x.email) {
      const { count } = await tx.contactEmail.createMany({
        data: [{ workspaceId: actor.workspaceId, contactId: contact.id, email: x.email }],
        skipDuplicates: true,
      });
      if (count === 1) {
        await recordChange(
          tx,
          actor,
          { type: 'contact_updated', contactId: contact.id, leadId, data: { field: 'email', source: 'ai' } },
          { action: 'contact.add_email', entity: 'contact', entityId: contact.id, after: { email: x.email } },
        );
        applied.push('email');
      }
    }
    if (x.phone) {
      const { count } = await tx.contactPhone.createMany({
        data: [{ workspaceId: actor.workspaceId, contactId: contact.id, phone: x.phone }],
        skipDuplicates: true,
      });
      if (count === 1) {
        await recordChange(
          tx,
          actor,
          { type: 'contact_updated', contactId: contact.id, leadId, data: { field: 'phone', source: 'ai' } },
          { action: 'contact.add_phone', entity: 'contact', entityId: contact.id, after: { phone: x.phone } },
        );
        applied.push('phone');
      }
    }
    const note = [
      x.need ? t(actor.locale, 'ai.extract.need', { value: x.need }) : null,
      x.budget ? t(actor.locale, 'ai.extract.budget', { value: x.budget }) : null,
      x.urgency ? t(actor.locale, 'ai.extract.urgency', { value: t(actor.locale, `ai.urgency.${x.urgency}`) }) : null,
    ].filter(Boolean);
    if (note.length) {
      await recordActivity(tx, actor, { type: 'note', leadId, contactId: contact.id, data: { text: note.join('\n'), source: 'ai' } });
      applied.push('note');
    }
    return applied;
  });
}
