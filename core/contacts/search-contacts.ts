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

/** What a search may narrow by besides its text: `tags`, every one of them on the contact. */
export interface ContactFilter {
  tags?: string[];
}

/**
 * Contacts whose name, email, company or phone matches `query` (may be empty when a filter
 * is given), narrowed by `filter`, among those the actor may see.
 */
export async function searchContacts(ctx: CoreContext, actor: Actor, query: string, limit = 20, filter: ContactFilter = {}) {
  const q = query.trim().replace(/\s+/g, ' ').toLowerCase();
  const tagWhere = contactTagsWhere(filter.tags ?? []);
  const hasFilter = Object.keys(tagWhere).length > 0;
  if (!q && !hasFilter) return [];
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

  const contacts = await ctx.db.contact.findMany({
    where: { AND: [visibleContactsWhere(actor), ...(q ? [{ OR: or }] : []), tagWhere] },
    include: contactSummaryInclude,
    orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
    take: Math.max(1, Math.min(limit, 200)),
  });
  await recordActivity(ctx.db, actor, { type: 'contact.searched', data: { results: contacts.length } });
  return contacts;
}
