// The first answer to the customer stops the SLA clock. Idempotent: only the first call counts.
import type { CoreContext } from '../context.js';
import { recordActivity } from '../audit.js';

export async function markFirstResponse(ctx: CoreContext, leadId: number, at: Date) {
  // one conditional UPDATE: concurrent replies cannot both count as the first
  const changed = await ctx.db.lead.updateMany({
    where: { id: leadId, firstResponseAt: null },
    data: { firstResponseAt: at },
  });
  await ctx.db.lead.updateMany({ where: { id: leadId, status: 'new' }, data: { status: 'in_progress' } });
  const lead = await ctx.db.lead.findUnique({ where: { id: leadId } });
  if (lead && changed.count === 1) {
    const onTime = lead.firstResponseDueAt ? at.getTime() <= lead.firstResponseDueAt.getTime() : null;
    await recordActivity(
      ctx.db,
      { workspaceId: lead.workspaceId, userId: lead.assigneeId },
      {
        type: 'lead.first_response',
        leadId,
        contactId: lead.contactId,
        data: { at: at.toISOString(), onTime, minutes: Math.round((at.getTime() - lead.createdAt.getTime()) / 60_000) },
      },
    );
  }
  return lead;
}
