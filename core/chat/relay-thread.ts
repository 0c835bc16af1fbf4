// A relay thread is not a pipe. Inside a thread of a pushed message (a Telegram reply to a
// lead notification, a Slack thread reply), a team member's
// - button or /command acts on that thread's lead or deal (an id left out is the thread's);
// - "!text" is an internal note on the lead, deal or contact, stored and never sent (a lone
//   "!" is an empty note: refused, not sent);
// - a text starting with "/" that is no command is refused, never sent (a text for the
//   customer that starts with "/" goes with "/reply text");
// - anything else is the answer to the customer, and they are shown exactly what was sent.
// So "/tasks today" typed in the thread answers the manager, and never reaches the customer.
// In a lead's thread the lead's deal (once it has one) is the thread's deal as well, so
// "/deal 1700000 RUB", then "/stage negotiation" and "/won" work on it without a number.
import type { Actor } from '../actor.js';
import { assertCanAccess } from '../actor.js';
import { recordActivity } from '../audit.js';
import { notFound } from '../errors.js';
import type { Turn } from './turn.js';
import { say } from './commands/command.js';
import type { Reply } from './reply.js';
import { extractMoney } from '../parse/money.js';

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
  if (!ref?.leadId || ref.dealId) return ref;
  // a lead's deal (Deal.leadId is unique) is what the deal commands in the lead's thread mean
  const deal = await turn.ctx.db.deal.findFirst({ where: { leadId: ref.leadId, workspaceId: turn.workspace.id }, select: { id: true } });
  return deal ? { ...ref, dealId: deal.id } : ref;
}

/**
 * "!text" (also "! text"): an internal note, "" for a lone "!" (an empty note, refused); null
 * for anything else. "!!" escapes a literal "!".
 */
export function internalNote(text: string): string | null {
  const m = /^!(?!!)\s*([\s\S]*)$/.exec(text.trim());
  return m ? m[1]!.trim() : null;
}

/**
 * A text that starts with "/" but is no command ("/tasks, please", "/ take", "/"): what it
 * would be called, so the member is told it was not sent. In a relay thread such a text is
 * never taken for the answer. Only called once parseCommand found no command in it.
 */
export function strayCommand(text: string): string | null {
  const trimmed = text.trim();
  return trimmed.startsWith('/') ? trimmed.split(/\s/, 1)[0]! : null;
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
const DEAL_FIRST = new Set(['won', 'выиграна', 'выиграли', 'lost', 'проиграна', 'проиграли', 'stage', 'этап', 'amount', 'сумма']);
/** These take the thread's subject only when nothing else is given ("/deal Acme 5000" is a new deal). */
const BARE_ONLY = new Set(['deal', 'сделка', 'summary', 'итог', 'сводка', 'history', 'история', 'notes', 'заметки']);

/**
 * The arguments of a command typed in a relay thread: the thread's lead (or deal) goes in
 * front when the member left the id out. Arguments that start with an id are theirs.
 */
export function threadArgs(name: string, args: string, subject: ThreadSubject): string {
  if (/^#?\d/.test(args) && !isAmountOnly(args)) return args;
  const leadId = subject.leadId;
  const dealId = subject.dealId;
  const join = (id: number) => (args ? `${id} ${args}` : String(id));
  if (NOTE_NAMES.has(name) && !leadId) return args; // a note in a deal thread: addThreadNote handles it
  if (LEAD_FIRST.has(name) && leadId) return join(leadId);
  if (DEAL_FIRST.has(name) && dealId) return join(dealId);
  // "/deal 1700000 RUB" in a lead's thread: that lead's deal with this amount
  if ((name === 'deal' || name === 'сделка') && leadId && isAmountOnly(args)) return join(leadId);
  if (BARE_ONLY.has(name) && !args) {
    if (name === 'summary' || name === 'итог' || name === 'сводка' || name === 'history' || name === 'история' || name === 'notes' || name === 'заметки')
      return leadId ? `lead ${leadId}` : dealId ? `deal ${dealId}` : args;
    if (leadId) return String(leadId);
  }
  return args;
}

const NOTE_NAMES = new Set(['note', 'заметка']);

/** "1700000 RUB", "120k", "50 000 руб": an amount and nothing else (a bare "12" is an id). */
function isAmountOnly(args: string): boolean {
  const text = args.trim();
  if (/^#?\d{1,9}$/.test(text)) return false;
  const money = extractMoney(text);
  return Boolean(money && money.index === 0 && money.end === text.length);
}

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
