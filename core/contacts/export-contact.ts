// Right of access (GDPR art. 15 / 152-FZ art. 14): everything stored about one person, as JSON.
import { inOrder } from './in-order.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { notFound, forbidden } from '../errors.js';
import { recordChange, toJson } from '../audit.js';
import { contactAccessWhere } from './contact-visibility.js';
import { contactFootprint, auditAboutWhere, activitiesAboutWhere } from './contact-footprint.js';

export async function exportContact(ctx: CoreContext, actor: Actor, id: number) {
  const exists = await ctx.db.contact.findFirst({ where: { id, workspaceId: actor.workspaceId }, select: { id: true } });
  if (!exists) throw notFound('what.contact', { id });
  if (!(await ctx.db.contact.findFirst({ where: contactAccessWhere(actor, id), select: { id: true } }))) throw forbidden('what.contact', { id });

  const ws = actor.workspaceId;
  const f = await contactFootprint(ctx.db, ws, id);
  const [contacts, leads, deals, tasks, conversations, activities, audit, groupMessages] = await inOrder([
    () =>
      ctx.db.contact.findMany({
        where: { id: { in: f.contactIds } },
        include: { emails: true, phones: true, identities: true, company: true },
        orderBy: { id: 'asc' },
      }),
    () => ctx.db.lead.findMany({ where: { id: { in: f.leadIds } }, orderBy: { id: 'asc' } }),
    () => ctx.db.deal.findMany({ where: { id: { in: f.dealIds } }, include: { stage: { select: { name: true, kind: true } } }, orderBy: { id: 'asc' } }),
    () => ctx.db.task.findMany({ where: { id: { in: f.taskIds } }, orderBy: { id: 'asc' } }),
    () =>
      ctx.db.conversation.findMany({
        where: { id: { in: f.conversationIds } },
        include: { messages: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
        orderBy: { id: 'asc' },
      }),
    () => ctx.db.activity.findMany({ where: activitiesAboutWhere(ws, f), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    () => ctx.db.auditLog.findMany({ where: auditAboutWhere(ws, f), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    // what they wrote in client groups (the groups' other messages are other people's)
    () => ctx.db.message.findMany({ where: { id: { in: f.groupMessageIds } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  ]);
  const [main, ...merged] = contacts.sort((a, b) => (a.id === id ? -1 : b.id === id ? 1 : a.id - b.id));
  const exported = {
    exportedAt: ctx.clock.now().toISOString(),
    contact: main,
    mergedContacts: merged,
    leads,
    deals,
    tasks,
    conversations,
    ...(groupMessages.length ? { groupMessages } : {}),
    activities,
    audit,
  };
  await recordChange(
    ctx.db,
    actor,
    { type: 'contact.exported', contactId: id },
    {
      action: 'contact.export',
      entity: 'contact',
      entityId: id,
      after: { counts: { leads: leads.length, deals: deals.length, conversations: conversations.length } },
    },
  );
  // plain JSON: Decimal and Date as strings, BigInt as a string
  return toJson(exported) as Record<string, unknown>;
}
