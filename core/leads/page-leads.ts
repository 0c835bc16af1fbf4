// Leads page by page for the API: filters, oldest first by id, a cursor that is the last id
// seen (stable while leads are added: new ones only ever come after it).
import type { Prisma } from '../../prisma/generated/client.js';
import type { Channel, LeadStatus } from '../../prisma/generated/enums.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { visibleLeadsWhere } from './lead-access.js';

export interface PageLeadsOptions {
  status?: LeadStatus[];
  assigneeId?: number;
  contactId?: number;
  source?: Channel;
  createdFrom?: Date;
  createdTo?: Date;
  /** the last id of the previous page */
  after?: number;
  limit: number;
}

export async function pageLeads(ctx: CoreContext, actor: Actor, options: PageLeadsOptions) {
  const where: Prisma.LeadWhereInput = {};
  if (options.status?.length) where.status = { in: options.status };
  if (options.assigneeId !== undefined) where.assigneeId = options.assigneeId;
  if (options.contactId !== undefined) where.contactId = options.contactId;
  if (options.source) where.source = options.source;
  if (options.createdFrom || options.createdTo) where.createdAt = { gte: options.createdFrom, lt: options.createdTo };
  if (options.after !== undefined) where.id = { gt: options.after };
  const limit = Math.max(1, Math.min(options.limit, 200));
  const rows = await ctx.db.lead.findMany({ where: { AND: [visibleLeadsWhere(actor), where] }, orderBy: { id: 'asc' }, take: limit + 1 });
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
}
