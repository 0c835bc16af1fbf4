// The lead a new message from this contact belongs to (the latest one still open).
import type { CoreContext } from '../context.js';
import { OPEN_LEAD_STATUSES } from './lead-access.js';

export async function openLeadForContact(ctx: CoreContext, contactId: number) {
  return ctx.db.lead.findFirst({
    where: { contactId, status: { in: [...OPEN_LEAD_STATUSES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}
