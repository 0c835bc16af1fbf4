// One contact with its emails, phones, company and identities, if the actor may see it.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { notFound, forbidden } from '../errors.js';
import { recordActivity } from '../audit.js';
import { contactAccessWhere } from './contact-visibility.js';

export async function getContact(ctx: CoreContext, actor: Actor, id: number) {
  const found = await ctx.db.contact.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!found) throw notFound('what.contact', { id });
  // a merged record: show the contact it lives in now
  let currentId = found.id;
  let mergedInto = found.mergedIntoId;
  for (let hops = 0; mergedInto && hops < 20; hops++) {
    const next = await ctx.db.contact.findFirst({ where: { id: mergedInto, workspaceId: actor.workspaceId }, select: { id: true, mergedIntoId: true } });
    if (!next) break;
    currentId = next.id;
    mergedInto = next.mergedIntoId;
  }
  const visible = await ctx.db.contact.findFirst({
    where: contactAccessWhere(actor, currentId),
    include: {
      emails: { orderBy: { id: 'asc' } },
      phones: { orderBy: { id: 'asc' } },
      company: true,
      identities: { orderBy: { id: 'asc' } },
    },
  });
  if (!visible) throw forbidden('what.contact', { id });
  await recordActivity(ctx.db, actor, { type: 'contact.viewed', contactId: visible.id });
  return visible;
}
