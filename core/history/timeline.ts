// One customer's history as plain data: messages in and out on every channel, notes, stage
// changes, tasks, reminders delivered, assignments and merges, newest first, in pages.
// A lead's or deal's history is its customer's (a deal without a contact: the deal's own).
// Chat renders it (core/chat/commands/history.ts); any other view (a Mini App) can reuse it.
import type { Prisma } from '../../prisma/generated/client.js';
import type { Channel } from '../../prisma/generated/enums.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { resolveSubject, type ResolvedSubject, type Subject } from './subject.js';

export type TimelineKind = 'message_in' | 'message_out' | 'note' | 'stage' | 'task' | 'reminder' | 'assignment' | 'merge' | 'event';

export const TIMELINE_KINDS: readonly TimelineKind[] = ['message_in', 'message_out', 'note', 'stage', 'task', 'reminder', 'assignment', 'merge', 'event'];

export interface TimelineEntry {
  /** stable across pages: "m:<message id>", "a:<activity id>", "r:<reminder delivery id>" */
  key: string;
  at: Date;
  kind: TimelineKind;
  /** the Activity type ("deal.stage_moved", "note" ...); "message" / "reminder" for those rows */
  type: string;
  channel: Channel | null;
  text: string | null;
  /** the team member who wrote or did it (null: the customer, or Leadline) */
  actorName: string | null;
  contactId: number | null;
  leadId: number | null;
  dealId: number | null;
  taskId: number | null;
  data: Record<string, unknown>;
}

export interface TimelinePage {
  subject: ResolvedSubject;
  entries: TimelineEntry[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

export interface TimelineOptions {
  page?: number;
  pageSize?: number;
  /** only these kinds (e.g. ['note'] for the notes alone) */
  kinds?: readonly TimelineKind[];
}

export const TIMELINE_PAGE_SIZE = 8;
const MAX_PAGE = 200;

/** Activity types that are bookkeeping, not history (reads, searches, exports). */
const QUIET_TYPES = ['contact.viewed', 'contact.searched', 'contact.exported', 'message.sent', 'message.edited'];

export function activityKind(type: string): TimelineKind {
  if (type === 'note') return 'note';
  if (type === 'deal.stage_moved' || type === 'deal.won' || type === 'deal.lost') return 'stage';
  if (type.startsWith('task.')) return 'task';
  if (type === 'lead.assigned' || type === 'lead.taken' || type === 'deal.owner_changed' || type === 'deal.reassigned') return 'assignment';
  if (type.startsWith('merge.') || type === 'contact.merged' || type === 'contact.unmerged' || type === 'lead.merged') return 'merge';
  return 'event';
}

function activityTypesFor(kinds: readonly TimelineKind[] | undefined): Prisma.StringFilter | undefined {
  if (!kinds) return { notIn: QUIET_TYPES };
  return undefined;
}

export async function contactTimeline(ctx: CoreContext, actor: Actor, subject: Subject, options: TimelineOptions = {}): Promise<TimelinePage> {
  const db = ctx.db;
  const s = await resolveSubject(db, actor, subject);
  const pageSize = Math.min(Math.max(options.pageSize ?? TIMELINE_PAGE_SIZE, 1), 50);
  const page = Math.min(Math.max(options.page ?? 0, 0), MAX_PAGE);
  const take = (page + 1) * pageSize + 1;
  const kinds = options.kinds;
  const wants = (k: TimelineKind) => !kinds || kinds.includes(k);
  const ws = actor.workspaceId;

  // what belongs to the person: their leads, deals, conversations (all channels)
  const leadIds = s.contactId
    ? (await db.lead.findMany({ where: { contactId: s.contactId }, select: { id: true } })).map((l) => l.id)
    : s.leadId
      ? [s.leadId]
      : [];
  const dealIds = s.contactId
    ? (await db.deal.findMany({ where: { contactId: s.contactId }, select: { id: true } })).map((d) => d.id)
    : s.dealId
      ? [s.dealId]
      : [];
  const conversationIds = s.contactId ? (await db.conversation.findMany({ where: { contactId: s.contactId }, select: { id: true } })).map((c) => c.id) : [];

  const entries: TimelineEntry[] = [];
  if ((wants('message_in') || wants('message_out')) && conversationIds.length) {
    const direction = wants('message_in') && wants('message_out') ? undefined : wants('message_in') ? ('inbound' as const) : ('outbound' as const);
    const messages = await db.message.findMany({
      where: { workspaceId: ws, conversationId: { in: conversationIds }, ...(direction ? { direction } : {}) },
      include: { author: { select: { name: true } }, conversation: { select: { contactId: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    const leadOfConversation = new Map(
      (await db.lead.findMany({ where: { conversationId: { in: conversationIds } }, select: { id: true, conversationId: true }, orderBy: { id: 'asc' } })).map(
        (l) => [l.conversationId!, l.id],
      ),
    );
    for (const m of messages) {
      entries.push({
        key: `m:${m.id}`,
        at: m.createdAt,
        kind: m.direction === 'inbound' ? 'message_in' : 'message_out',
        type: 'message',
        channel: m.channel,
        text: m.displayText ?? m.text,
        actorName: m.author?.name ?? null,
        contactId: m.conversation.contactId,
        leadId: leadOfConversation.get(m.conversationId) ?? null,
        dealId: null,
        taskId: null,
        data: { messageId: m.id, conversationId: m.conversationId, deliveryStatus: m.deliveryStatus, attachments: m.attachments },
      });
    }
  }

  const activityKinds = (kinds ?? TIMELINE_KINDS).filter((k) => k !== 'message_in' && k !== 'message_out' && k !== 'reminder');
  if (activityKinds.length) {
    const or: Prisma.ActivityWhereInput[] = [];
    if (s.contactId) or.push({ contactId: s.contactId });
    if (leadIds.length) or.push({ leadId: { in: leadIds } });
    if (dealIds.length) or.push({ dealId: { in: dealIds } });
    const typeFilter = activityTypesFor(kinds);
    const onlyNotes = kinds && kinds.length === 1 && kinds[0] === 'note';
    const activities = or.length
      ? await db.activity.findMany({
          where: { workspaceId: ws, OR: or, ...(typeFilter ? { type: typeFilter } : {}), ...(onlyNotes ? { type: 'note' } : {}) },
          include: { actor: { select: { name: true } } },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: kinds ? take * 4 : take,
        })
      : [];
    for (const a of activities) {
      const kind = activityKind(a.type);
      if (kinds && !kinds.includes(kind)) continue;
      if (!kinds && QUIET_TYPES.includes(a.type)) continue;
      const data = (a.data ?? {}) as Record<string, unknown>;
      entries.push({
        key: `a:${a.id}`,
        at: a.createdAt,
        kind,
        type: a.type,
        channel: null,
        text: typeof data.text === 'string' ? data.text : null,
        actorName: a.actor?.name ?? null,
        contactId: a.contactId,
        leadId: a.leadId,
        dealId: a.dealId,
        taskId: a.taskId,
        data,
      });
    }
  }

  if (wants('reminder')) {
    const taskOr: Prisma.TaskWhereInput[] = [];
    if (s.contactId) taskOr.push({ contactId: s.contactId });
    if (leadIds.length) taskOr.push({ leadId: { in: leadIds } });
    if (dealIds.length) taskOr.push({ dealId: { in: dealIds } });
    const deliveries = taskOr.length
      ? await db.reminderDelivery.findMany({
          where: { task: { workspaceId: ws, OR: taskOr } },
          include: { task: { select: { id: true, title: true, leadId: true, dealId: true, contactId: true, assignee: { select: { name: true } } } } },
          orderBy: [{ deliveredAt: 'desc' }, { id: 'desc' }],
          take,
        })
      : [];
    for (const r of deliveries) {
      entries.push({
        key: `r:${r.id}`,
        at: r.deliveredAt,
        kind: 'reminder',
        type: 'reminder',
        channel: null,
        text: r.task.title,
        actorName: r.task.assignee.name,
        contactId: r.task.contactId,
        leadId: r.task.leadId,
        dealId: r.task.dealId,
        taskId: r.task.id,
        data: { dueAt: r.dueAt.toISOString() },
      });
    }
  }

  // newest first; ties by source and id so pages never shuffle
  entries.sort((a, b) => b.at.getTime() - a.at.getTime() || (b.key < a.key ? -1 : b.key > a.key ? 1 : 0));
  const start = page * pageSize;
  return { subject: s, entries: entries.slice(start, start + pageSize), page, pageSize, hasMore: entries.length > start + pageSize };
}
