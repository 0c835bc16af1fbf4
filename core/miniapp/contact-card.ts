// A contact's card in the Mini App: who they are (getContact checks the actor may see them
// and records the view), their open leads and deals, and a short history: the latest
// messages of their conversations and timeline notes, newest first.
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { CoreContext } from '../context.js';
import { getContact } from '../contacts/index.js';
import { visibleLeadsWhere } from '../leads/index.js';

const HISTORY = 30;

export interface HistoryItem {
  kind: 'message' | 'activity';
  at: string;
  /** message: inbound | outbound; activity: its type (note.added, deal.stage_moved ...) */
  type: string;
  channel?: string;
  text: string;
  author?: string | null;
}

export interface ContactCard {
  id: number;
  name: string;
  company: string | null;
  position: string | null;
  emails: string[];
  phones: string[];
  leads: Array<{ id: number; title: string; status: string }>;
  deals: Array<{ id: number; title: string; status: string; stage: string; amount: string | null; currency: string | null }>;
  history: HistoryItem[];
}

function activityText(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as Record<string, unknown>;
  for (const key of ['text', 'note', 'title', 'to', 'reason']) if (typeof d[key] === 'string') return d[key] as string;
  return '';
}

export async function contactCard(ctx: CoreContext, actor: Actor, contactId: number): Promise<ContactCard> {
  const contact = await getContact(ctx, actor, contactId);
  const [leads, deals, messages, activities] = await Promise.all([
    ctx.db.lead.findMany({ where: { AND: [visibleLeadsWhere(actor), { contactId: contact.id }] }, orderBy: { id: 'desc' }, take: 20 }),
    ctx.db.deal.findMany({
      where: { contactId: contact.id, workspaceId: actor.workspaceId, ...(seesWholeTeam(actor) ? {} : { ownerId: actor.userId }) },
      include: { stage: true },
      orderBy: { id: 'desc' },
      take: 20,
    }),
    ctx.db.message.findMany({
      where: { workspaceId: actor.workspaceId, conversation: { contactId: contact.id } },
      include: { author: { select: { name: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: HISTORY,
    }),
    ctx.db.activity.findMany({
      where: { workspaceId: actor.workspaceId, contactId: contact.id, type: { not: 'contact.viewed' } },
      include: { actor: { select: { name: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: HISTORY,
    }),
  ]);
  const history: HistoryItem[] = [
    ...messages.map((m): HistoryItem => ({
      kind: 'message',
      at: m.createdAt.toISOString(),
      type: m.direction,
      channel: m.channel,
      text: (m.displayText ?? m.text).slice(0, 2000),
      author: m.author?.name ?? null,
    })),
    ...activities.map((a): HistoryItem => ({
      kind: 'activity',
      at: a.createdAt.toISOString(),
      type: a.type,
      text: activityText(a.data).slice(0, 500),
      author: a.actor?.name ?? null,
    })),
  ]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, HISTORY);
  return {
    id: contact.id,
    name: contact.name,
    company: contact.company?.name ?? null,
    position: contact.position,
    emails: contact.emails.map((e) => e.email),
    phones: contact.phones.map((p) => p.phone),
    leads: leads.map((l) => ({ id: l.id, title: l.title, status: l.status })),
    deals: deals.map((d) => ({ id: d.id, title: d.title, status: d.status, stage: d.stage.name, amount: d.amount?.toFixed(2) ?? null, currency: d.currency })),
    history,
  };
}
