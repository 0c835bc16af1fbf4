// Finding people by name, email, phone or company name, within what the actor may see.
import type { Prisma } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { recordActivity } from '../audit.js';
import { normalizePhone } from './normalize-phone.js';
import { visibleContactsWhere } from './contact-visibility.js';
import { contactTagsWhere } from './tags.js';

export const contactSummaryInclude = {
  emails: { orderBy: { id: 'asc' } },
  phones: { orderBy: { id: 'asc' } },
  company: true,
} as const satisfies Prisma.ContactInclude;

/**
 * What a search may narrow by besides its text: `tags` (every one of them on the contact), and
 * the contact's deals: someone with a deal in this amount range and/or stage.
 */
export interface ContactFilter {
  tags?: string[];
  minAmount?: number;
  maxAmount?: number;
  /** a stage id of the workspace's pipeline */
  stageId?: number;
}

/**
 * Contacts whose name, email, company or phone matches `query` (may be empty when a filter
 * is given), narrowed by `filter`, among those the actor may see.
 */
export async function searchContacts(ctx: CoreContext, actor: Actor, query: string, limit = 20, filter: ContactFilter = {}) {
  const q = query.trim().replace(/\s+/g, ' ').toLowerCase();
  const dealWhere: Prisma.DealWhereInput = {};
  if (filter.minAmount !== undefined || filter.maxAmount !== undefined)
    dealWhere.amount = {
      ...(filter.minAmount !== undefined ? { gte: filter.minAmount } : {}),
      ...(filter.maxAmount !== undefined ? { lte: filter.maxAmount } : {}),
    };
  if (filter.stageId !== undefined) dealWhere.stageId = filter.stageId;
  const byDeal = Object.keys(dealWhere).length > 0;
  const tagWhere = contactTagsWhere(filter.tags ?? []);
  const byTag = Object.keys(tagWhere).length > 0;
  if (!q && !byDeal && !byTag) return [];
  const and: Prisma.ContactWhereInput[] = [visibleContactsWhere(actor)];
  if (byDeal) and.push({ deals: { some: dealWhere } });
  if (byTag) and.push(tagWhere);
  if (q) and.push({ OR: await textMatch(ctx, actor, q) });

  const contacts = await ctx.db.contact.findMany({
    where: { AND: and },
    include: contactSummaryInclude,
    orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
    take: Math.max(1, Math.min(limit, 200)),
  });
  await recordActivity(ctx.db, actor, { type: 'contact.searched', data: { results: contacts.length } });
  return contacts;
}

async function textMatch(ctx: CoreContext, actor: Actor, q: string): Promise<Prisma.ContactWhereInput[]> {
  const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { phoneRegion: true } });
  const or: Prisma.ContactWhereInput[] = [
    { nameKey: { contains: q } },
    { emails: { some: { email: { contains: q } } } },
    { company: { nameKey: { contains: q } } },
  ];
  const phone = normalizePhone(q, ws.phoneRegion);
  if (phone) or.push({ phones: { some: { phone } } });
  const digits = q.replace(/\D/g, '');
  if (digits.length >= 5 && digits.length >= q.replace(/[\s()+-]/g, '').length) or.push({ phones: { some: { phone: { contains: digits } } } });
  return or;
}
