// A relay thread is not a pipe. Inside a thread of a pushed message (a Telegram reply to a
// lead notification, a Slack thread reply), a team member's
// - button or /command acts on that thread's lead or deal (an id left out is the thread's);
// - "!text" is an internal note on the lead, deal or contact, stored and never sent;
// - anything else is the answer to the customer, and they are shown exactly what was sent.
// So "/tasks today" typed in the thread answers the manager, and never reaches the customer.
import type { Actor } from '../actor.js';
import { assertCanAccess } from '../actor.js';
import { recordActivity } from '../audit.js';
import { notFound } from '../errors.js';
import type { Turn } from './turn.js';
import { say } from './commands/command.js';
import type { Reply } from './reply.js';

/** What a pushed message is about (its NotificationRef). */
export interface ThreadSubject {
  conversationId: number | null;
  leadId: number | null;
  dealId: number | null;
  taskId: number | null;
}

/** The subject of the pushed message this one replies to, or null when it is no reply to one. */
export async function threadSubject(turn: Turn): Promise<ThreadSubject | null> {
  const m = turn.message;
  if (!m.replyToExternalId) return null;
  const ref = await turn.ctx.db.notificationRef.findFirst({
    where: { workspaceId: turn.workspace.id, channel: m.channel, chatId: m.externalChatId, externalMessageId: m.replyToExternalId },
    select: { conversationId: true, leadId: true, dealId: true, taskId: true },
  });
  return ref;
}

/** "!text" (also "! text"): an internal note; null for anything else. "!!" escapes a literal "!". */
export function internalNote(text: string): string | null {
  const m = /^!(?!!)\s*([\s\S]+)$/.exec(text.trim());
  return m ? m[1]!.trim() : null;
}

/** Commands whose first argument is a lead id, and those whose first argument is a deal. */
const LEAD_FIRST = new Set([
  'lead',
  'лид',
  'take',
  'взять',
  'беру',
  'junk',
  'мусор',
  'спам',
  'note',
  'заметка',
  'reply',
  'ответ',
  'ответить',
  'draft',
  'черновик',
]);
const DEAL_FIRST = new Set(['won', 'выиграна', 'выиграли', 'lost', 'проиграна', 'проиграли', 'stage', 'этап']);
/** These take the thread's subject only when nothing else is given ("/deal Acme 5000" is a new deal). */
const BARE_ONLY = new Set(['deal', 'сделка', 'summary', 'итог', 'сводка']);

/**
 * The arguments of a command typed in a relay thread: the thread's lead (or deal) goes in
 * front when the member left the id out. Arguments that start with an id are theirs.
 */
export function threadArgs(name: string, args: string, subject: ThreadSubject): string {
  if (/^#?\d/.test(args)) return args;
  const leadId = subject.leadId;
  const dealId = subject.dealId;
  const join = (id: number) => (args ? `${id} ${args}` : String(id));
  if (NOTE_NAMES.has(name) && !leadId) return args; // a note in a deal thread: addThreadNote handles it
  if (LEAD_FIRST.has(name) && leadId) return join(leadId);
  if (DEAL_FIRST.has(name) && dealId) return join(dealId);
  if (BARE_ONLY.has(name) && !args) {
    if (name === 'summary' || name === 'итог' || name === 'сводка') return leadId ? `lead ${leadId}` : dealId ? `deal ${dealId}` : args;
    if (leadId) return String(leadId);
  }
  return args;
}

const NOTE_NAMES = new Set(['note', 'заметка']);

/** "/note text" in a thread without a lead (a deal's customer): a note like "!text". */
export function isThreadNoteCommand(name: string, args: string, subject: ThreadSubject): boolean {
  return NOTE_NAMES.has(name) && !subject.leadId && Boolean(args) && !/^#?\d/.test(args);
}

/** Stores an internal note on the thread's lead, deal or contact (never sent to anyone). */
export async function addThreadNote(turn: Turn, actor: Actor, subject: ThreadSubject, text: string): Promise<Reply[]> {
  const db = turn.ctx.db;
  if (subject.leadId) {
    const lead = await db.lead.findFirst({ where: { id: subject.leadId, workspaceId: actor.workspaceId }, select: { assigneeId: true, contactId: true } });
    if (!lead) throw notFound('what.lead', { id: subject.leadId });
    assertCanAccess(actor, lead.assigneeId, 'what.lead', subject.leadId);
    await recordActivity(db, actor, { type: 'note', leadId: subject.leadId, contactId: lead.contactId, data: { text } });
    return say(actor, 'chat.lead.note_added', { id: subject.leadId });
  }
  if (subject.dealId) {
    const deal = await db.deal.findFirst({ where: { id: subject.dealId, workspaceId: actor.workspaceId }, select: { ownerId: true, contactId: true } });
    if (!deal) throw notFound('what.deal', { id: subject.dealId });
    assertCanAccess(actor, deal.ownerId, 'what.deal', subject.dealId);
    await recordActivity(db, actor, { type: 'note', dealId: subject.dealId, contactId: deal.contactId, data: { text } });
    return say(actor, 'chat.deal.note_added', { id: subject.dealId });
  }
  const conversation = subject.conversationId
    ? await db.conversation.findFirst({ where: { id: subject.conversationId, workspaceId: actor.workspaceId }, include: { contact: true } })
    : null;
  if (!conversation) return say(actor, 'chat.relay.note_nowhere');
  assertCanAccess(actor, conversation.contact.ownerId, 'what.contact', conversation.contactId);
  await recordActivity(db, actor, { type: 'note', contactId: conversation.contactId, data: { text } });
  return say(actor, 'chat.contact.note_added', { name: conversation.contact.name });
}
