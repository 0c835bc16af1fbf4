// Every row that belongs to a person: their contact record(s) (including records merged
// into it), and the leads, deals, tasks, conversations and activities linked to them.
import { inOrder } from './in-order.js';
import type { DbOrTx } from '../db.js';

export interface ContactFootprint {
  contactIds: number[];
  leadIds: number[];
  dealIds: number[];
  /** their own conversations (a client group's conversation is everyone's in it: not among them) */
  conversationIds: number[];
  /** what they wrote in client groups (core/chat/client-group.ts keeps the writer in Message.meta.contactId) */
  groupMessageIds: number[];
  taskIds: number[];
}

export async function contactFootprint(db: DbOrTx, workspaceId: number, contactId: number): Promise<ContactFootprint> {
  const contactIds = [contactId];
  // records merged into this one (and into those), breadth first
  for (let frontier = [contactId]; frontier.length;) {
    const merged = await db.contact.findMany({ where: { workspaceId, mergedIntoId: { in: frontier } }, select: { id: true } });
    frontier = merged.map((m) => m.id).filter((id) => !contactIds.includes(id));
    contactIds.push(...frontier);
  }
  const inContacts = { workspaceId, contactId: { in: contactIds } };
  const [leads, deals, conversations] = await inOrder([
    () => db.lead.findMany({ where: inContacts, select: { id: true } }),
    () =>
      db.deal.findMany({ where: { workspaceId, OR: [{ contactId: { in: contactIds } }, { lead: { contactId: { in: contactIds } } }] }, select: { id: true } }),
    () => db.conversation.findMany({ where: { ...inContacts, groupId: null }, select: { id: true } }),
  ]);
  const groupMessages = await db.message.findMany({
    where: { workspaceId, conversation: { groupId: { not: null } }, OR: contactIds.map((id) => ({ meta: { path: ['contactId'], equals: id } })) },
    select: { id: true },
  });
  const leadIds = leads.map((l) => l.id);
  const dealIds = deals.map((d) => d.id);
  const tasks = await db.task.findMany({
    where: { workspaceId, OR: [{ contactId: { in: contactIds } }, { leadId: { in: leadIds } }, { dealId: { in: dealIds } }] },
    select: { id: true },
  });
  return {
    contactIds,
    leadIds,
    dealIds,
    conversationIds: conversations.map((c) => c.id),
    groupMessageIds: groupMessages.map((m) => m.id),
    taskIds: tasks.map((t) => t.id),
  };
}

export function auditAboutWhere(workspaceId: number, f: ContactFootprint) {
  const ids = (xs: number[]) => xs.map(String);
  return {
    workspaceId,
    OR: [
      { entity: 'contact', entityId: { in: ids(f.contactIds) } },
      { entity: 'lead', entityId: { in: ids(f.leadIds) } },
      { entity: 'deal', entityId: { in: ids(f.dealIds) } },
      { entity: 'task', entityId: { in: ids(f.taskIds) } },
      { entity: 'conversation', entityId: { in: ids(f.conversationIds) } },
    ],
  };
}

export function activitiesAboutWhere(workspaceId: number, f: ContactFootprint) {
  return {
    workspaceId,
    OR: [{ contactId: { in: f.contactIds } }, { leadId: { in: f.leadIds } }, { dealId: { in: f.dealIds } }, { taskId: { in: f.taskIds } }],
  };
}
