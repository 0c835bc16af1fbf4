// Lead commands: /leads [new|mine], /lead N, /take N, /junk N, /note N text, /reply N text.
import { t, formatDateTime } from '../../i18n/index.js';
import type { Actor } from '../../actor.js';
import { assertCanAccess } from '../../actor.js';
import { notFound } from '../../errors.js';
import { recordActivity } from '../../audit.js';
import { getLead, listLeads, takeLead, markLeadJunk, isLeadOpen } from '../../leads/index.js';
import type { Turn } from '../turn.js';
import { reply, type Reply } from '../reply.js';
import { channelLabel, leadButtons } from '../notify.js';
import { relayToLead } from '../relay.js';
import type { Command } from './command.js';
import { idAndRest, parseId, say, usage } from './command.js';
import type { MessageKey } from '../../i18n/index.js';
import { aiOn } from '../ai/chat-actions.js';
import { draftButtonRow } from '../../ai/run-job.js';
import { neutralizeBidi } from '../../text/sanitize.js';
import { assignButtonRow } from './team.js';

const NEW_WORDS = ['new', 'новые', 'новых', 'новый'];
const MINE_WORDS = ['mine', 'my', 'мои', 'моих', 'мой'];

async function leadRows(turn: Turn, ids: number[]) {
  return turn.ctx.db.lead.findMany({
    where: { id: { in: ids } },
    include: { contact: { select: { name: true } }, assignee: { select: { name: true } } },
    orderBy: { id: 'asc' },
  });
}

export async function leadList(turn: Turn, actor: Actor, filter: 'new' | 'mine'): Promise<Reply[]> {
  const leads = await listLeads(turn.ctx, actor, { filter });
  if (leads.length === 0) return say(actor, filter === 'new' ? 'chat.leads.empty_new' : 'chat.leads.empty_mine');
  const rows = await leadRows(
    turn,
    leads.slice(0, 30).map((l) => l.id),
  );
  const lines = rows.map((l) =>
    t(actor.locale, 'chat.leads.line', {
      id: l.id,
      name: l.contact.name,
      channel: channelLabel(actor.locale, l.source),
      status: t(actor.locale, `lead.status.${l.status}` as MessageKey),
      assignee: filter === 'new' && l.assignee ? ` · ${l.assignee.name}` : '',
    }),
  );
  const title = t(actor.locale, filter === 'new' ? 'chat.leads.title_new' : 'chat.leads.title_mine', { count: leads.length });
  const buttons = rows
    .slice(0, 8)
    .map((l) => [{ label: t(actor.locale, 'chat.button.open_lead', { id: l.id, name: l.contact.name.slice(0, 24) }), data: `lead:show:${l.id}` }]);
  return [reply([title, ...lines].join('\n'), buttons)];
}

export async function leadCard(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  await getLead(turn.ctx, actor, id);
  const [l] = await leadRows(turn, [id]);
  if (!l) throw notFound('what.lead', { id });
  const loc = actor.locale;
  let due = '';
  if (l.firstResponseAt) due = t(loc, 'chat.lead.card_responded', { at: formatDateTime(loc, l.firstResponseAt, actor.timezone) });
  else if (l.firstResponseDueAt) due = t(loc, 'chat.lead.card_due', { due: formatDateTime(loc, l.firstResponseDueAt, actor.timezone) });
  const text = t(loc, 'chat.lead.card', {
    id: l.id,
    title: l.title,
    name: l.contact.name,
    channel: channelLabel(loc, l.source),
    status: t(loc, `lead.status.${l.status}` as MessageKey),
    assignee: l.assignee?.name ?? t(loc, 'chat.lead.nobody'),
    created: formatDateTime(loc, l.createdAt, actor.timezone),
    due,
  });
  const open = isLeadOpen(l.status);
  const buttons = open ? [...leadButtons(loc, l.id), ...(aiOn(turn) ? [draftButtonRow(loc, l.id)] : []), ...assignButtonRow(actor, 'lead', l.id)] : undefined;
  // the first message in full, and the customer's latest one when they wrote again (pushes
  // carry a bounded preview and point here for the full text)
  const latest = l.conversationId
    ? await turn.ctx.db.message.findFirst({
        where: { conversationId: l.conversationId, direction: 'inbound' },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { text: true },
      })
    : null;
  const parts = [text];
  if (l.firstMessage) parts.push(neutralizeBidi(l.firstMessage));
  if (latest?.text && latest.text !== l.firstMessage) parts.push(`${t(loc, 'chat.lead.card_latest')}\n${neutralizeBidi(latest.text)}`);
  return [reply(parts.join('\n\n'), buttons)];
}

export async function take(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  await takeLead(turn.ctx, actor, id);
  return say(actor, 'chat.lead.taken', { id });
}

export async function junk(turn: Turn, actor: Actor, id: number, reason?: string): Promise<Reply[]> {
  await markLeadJunk(turn.ctx, actor, id, reason || undefined);
  return say(actor, 'chat.lead.junked', { id });
}

export async function addLeadNote(turn: Turn, actor: Actor, id: number, text: string): Promise<Reply[]> {
  const lead = await turn.ctx.db.lead.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!lead) throw notFound('what.lead', { id });
  assertCanAccess(actor, lead.assigneeId, 'what.lead', id);
  await recordActivity(turn.ctx.db, actor, { type: 'note', leadId: id, contactId: lead.contactId, data: { text } });
  return say(actor, 'chat.lead.note_added', { id });
}

export const leadCommands: Command[] = [
  {
    names: ['leads', 'лиды'],
    run: async ({ turn, actor, args }) => {
      const word = args.toLowerCase();
      if (!word || NEW_WORDS.includes(word)) return leadList(turn, actor, 'new');
      if (MINE_WORDS.includes(word)) return leadList(turn, actor, 'mine');
      return usage(actor, '/leads [new|mine]');
    },
  },
  {
    names: ['lead', 'лид'],
    run: async ({ turn, actor, args }) => {
      const id = parseId(args);
      return id === null ? usage(actor, '/lead N') : leadCard(turn, actor, id);
    },
  },
  {
    names: ['take', 'взять', 'беру'],
    run: async ({ turn, actor, args }) => {
      const id = parseId(args);
      return id === null ? usage(actor, '/take N') : take(turn, actor, id);
    },
  },
  {
    names: ['junk', 'мусор', 'спам'],
    run: async ({ turn, actor, args }) => {
      const { id, rest } = idAndRest(args);
      return id === null ? usage(actor, '/junk N [reason]') : junk(turn, actor, id, rest);
    },
  },
  {
    names: ['note', 'заметка'],
    run: async ({ turn, actor, args }) => {
      const { id, rest } = idAndRest(args);
      return id === null || !rest ? usage(actor, '/note N text') : addLeadNote(turn, actor, id, rest);
    },
  },
  {
    names: ['reply', 'ответ', 'ответить'],
    run: async ({ turn, actor, args }) => {
      const { id, rest } = idAndRest(args);
      if (id === null || !rest) return say(actor, 'chat.relay.usage');
      return [await relayToLead(turn, actor, id, rest)];
    },
  },
];
