// Spam, wrong number, not a customer: the lead leaves every open list.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { inTx } from '../db.js';
import { conflict } from '../errors.js';
import { t } from '../i18n/index.js';
import { recordChange } from '../audit.js';
import { loadLeadFor } from './lead-access.js';

export async function markLeadJunk(ctx: CoreContext, actor: Actor, leadId: number, reason?: string) {
  return inTx(ctx.db, async (tx) => {
    const lead = await loadLeadFor(tx, actor, leadId);
    if (lead.status === 'junk') return lead;
    if (lead.status === 'converted') throw conflict('invalid.lead_closed', { id: leadId, status: t(actor.locale, 'lead.status.converted') });
    const junkReason = reason?.trim().slice(0, 500) || null;
    const updated = await tx.lead.update({ where: { id: leadId }, data: { status: 'junk', junkReason } });
    await recordChange(
      tx,
      actor,
      { type: 'lead.junked', leadId, contactId: lead.contactId, data: { reason: junkReason } },
      { action: 'lead.junk', entity: 'lead', entityId: leadId, before: { status: lead.status }, after: { status: 'junk', junkReason } },
    );
    return updated;
  });
}
