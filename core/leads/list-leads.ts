// Lead lists: "new" (waiting for an owner or a first answer), "mine" (open and mine),
// "open" (everything not converted or junk). Managers see theirs plus unassigned new leads.
import type { Prisma } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { invalid } from '../errors.js';
import { visibleLeadsWhere, OPEN_LEAD_STATUSES } from './lead-access.js';

export type LeadFilter = 'new' | 'mine' | 'open';

export async function listLeads(ctx: CoreContext, actor: Actor, options: { filter: LeadFilter; limit?: number }) {
  const { filter } = options;
  let where: Prisma.LeadWhereInput;
  if (filter === 'new') where = { status: 'new' };
  else if (filter === 'mine') where = { assigneeId: actor.userId, status: { in: [...OPEN_LEAD_STATUSES] } };
  else if (filter === 'open') where = { status: { in: [...OPEN_LEAD_STATUSES] } };
  else throw invalid('leads.invalid.filter', { value: String(filter) });
  return ctx.db.lead.findMany({
    where: { AND: [visibleLeadsWhere(actor), where] },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: Math.max(1, Math.min(options.limit ?? 50, 500)),
  });
}
