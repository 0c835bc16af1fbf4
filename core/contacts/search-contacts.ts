// Finding people by name, email, phone or company name, within what the actor may see.
import type { Prisma } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { recordActivity } from '../audit.js';
import { normalizePhone } from './normalize-phone.js';
import { visibleContactsWhere } from './contact-visibility.js';

export const contactSummaryInclude = {
  emails: { orderBy: { id: 'asc' } },
  phones: { orderBy: { id: 'asc' } },
  company: true,
} as const satisfies Prisma.ContactInclude;

export async function searchContacts(ctx: CoreContext, actor: Actor, query: string, limit = 20) {
  const q = query.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!q) return [];
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
    where: { AND: [visibleContactsWhere(actor), { OR: or }] },
    include: contactSummaryInclude,
    orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
    take: Math.max(1, Math.min(limit, 200)),
  });
  await recordActivity(ctx.db, actor, { type: 'contact.searched', data: { results: contacts.length } });
  return contacts;
}
