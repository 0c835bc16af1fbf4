// /history and /notes (a contact's, lead's or deal's timeline, paged with buttons), /note on
// a contact, lead or deal, /find (contacts and deals by text, amount range, stage) and
// /merge (two contacts by hand, or undo). Buttons: hist:<c|l|d>[n]:ID:PAGE.
import { t, formatDateTime, formatMoney } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/index.js';
import type { Actor } from '../../actor.js';
import type { Turn } from '../turn.js';
import { reply, type Button, type Reply } from '../reply.js';
import { channelLabel } from '../notify.js';
import { neutralizeBidi } from '../../text/sanitize.js';
import { contactTimeline, type TimelineEntry, type TimelineKind } from '../../history/timeline.js';
import { addNote } from '../../history/notes.js';
import type { ResolvedSubject, Subject, SubjectKind } from '../../history/subject.js';
import { searchContacts } from '../../contacts/search-contacts.js';
import { searchDeals } from '../../deals/find-deals.js';
import { defaultPipeline } from '../../workspaces/default-pipeline.js';
import { matchStage } from '../../deals/stage-match.js';
import type { Command } from './command.js';
import { idAndRest, say, usage } from './command.js';
import { stageLabel } from './deals.js';
import { mergeByHand, undoMergeReply } from '../merge-offer.js';

const KIND_WORDS: Record<string, SubjectKind> = {
  contact: 'contact',
  c: 'contact',
  контакт: 'contact',
  клиент: 'contact',
  lead: 'lead',
  l: 'lead',
  лид: 'lead',
  deal: 'deal',
  d: 'deal',
  сделка: 'deal',
};
const LETTER: Record<SubjectKind, string> = { contact: 'c', lead: 'l', deal: 'd' };
const FROM_LETTER: Record<string, SubjectKind> = { c: 'contact', l: 'lead', d: 'deal' };

/** "contact 5", "deal #7", "12" (a lead), "лид 3" -> the subject and what follows it. */
export function parseSubject(args: string): { subject: Subject; rest: string } | null {
  const words = args.trim().split(/\s+/);
  const kind = KIND_WORDS[(words[0] ?? '').toLowerCase()];
  const { id, rest } = idAndRest(kind ? words.slice(1).join(' ') : args);
  if (id === null) return null;
  return { subject: { kind: kind ?? 'lead', id }, rest };
}

const ICONS: Record<TimelineKind, string> = {
  message_in: '📩',
  message_out: '📤',
  note: '📝',
  stage: '📊',
  task: '✅',
  reminder: '⏰',
  assignment: '👤',
  merge: '👥',
  event: '•',
};

function oneLine(text: string | null, max = 300): string {
  const flat = neutralizeBidi((text ?? '').replace(/\s*\n\s*/g, ' ⏎ ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A message's text, or its files when it has no words. */
function messageLine(e: TimelineEntry): string {
  const text = oneLine(e.text);
  if (text) return text;
  const files = Array.isArray(e.data.attachments) ? (e.data.attachments as { name?: string }[]) : [];
  return files.length ? `📎 ${files.map((f) => f.name ?? '?').join(', ')}` : '…';
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** One entry as a line of chat text. */
export function entryLine(actor: Actor, e: TimelineEntry): string {
  const loc = actor.locale;
  const who = e.actorName ?? t(loc, 'history.leadline');
  let body: string;
  switch (e.kind) {
    case 'message_in':
      body = t(loc, 'history.message_in', { channel: channelLabel(loc, e.channel ?? 'web'), who: t(loc, 'history.customer'), text: messageLine(e) });
      break;
    case 'message_out':
      body = t(loc, 'history.message_out', {
        channel: channelLabel(loc, e.channel ?? 'web'),
        who: e.actorName ?? t(loc, 'history.leadline'),
        text: messageLine(e),
      });
      break;
    case 'note':
      body = t(loc, 'history.note', { who, text: oneLine(e.text, 600) });
      break;
    case 'reminder':
      body = t(loc, 'history.reminder', { who, text: oneLine(e.text) });
      break;
    default: {
      const key = `history.type.${e.type}` as MessageKey;
      const d = e.data;
      const params = {
        who,
        deal: e.dealId,
        lead: e.leadId,
        from: e.type === 'deal.stage_moved' ? stageLabel(actor, str(d.from)) : str(d.from),
        to: e.type === 'deal.stage_moved' ? stageLabel(actor, str(d.to)) : str(d.to),
        reason: e.type.startsWith('merge.') ? t(loc, `merge.reason.${str(d.reason) || 'manual'}` as MessageKey) : oneLine(str(d.reason)),
        title: oneLine(str(d.title)),
        into: str(d.intoId),
        mergedId: str(d.mergedId),
        record: str(d.mergeRecordId),
        keepId: str(d.keepId),
        mergeId: str(d.mergeId),
        other: e.contactId === d.keepId ? str(d.mergeId) : str(d.keepId),
        type: e.type,
      };
      const text = t(loc, key, params);
      body = text === key ? t(loc, 'history.type.other', params) : text;
    }
  }
  return t(loc, 'history.line', { at: formatDateTime(loc, e.at, actor.timezone), icon: ICONS[e.kind], body });
}

function whatOf(actor: Actor, s: ResolvedSubject): string {
  return t(actor.locale, `history.what.${s.kind}` as MessageKey, { id: s.id, name: s.title });
}

/** A page of the history (or of the notes alone), with Newer / Older buttons. */
export async function historyPage(turn: Turn, actor: Actor, subject: Subject, page: number, notesOnly = false): Promise<Reply[]> {
  const kinds: TimelineKind[] | undefined = notesOnly ? ['note'] : undefined;
  const p = await contactTimeline(turn.ctx, actor, subject, { page, kinds });
  const loc = actor.locale;
  const what = whatOf(actor, p.subject);
  if (p.entries.length === 0 && page === 0)
    return notesOnly ? say(actor, 'history.notes_empty', { what, kind: subject.kind, id: subject.id }) : say(actor, 'history.empty', { what });
  const title = t(loc, notesOnly ? 'history.notes_title' : 'history.title', { what, page: page + 1 });
  const verb = `${LETTER[subject.kind]}${notesOnly ? 'n' : ''}`;
  const nav: Button[] = [];
  if (page > 0) nav.push({ label: t(loc, 'history.button.newer'), data: `hist:${verb}:${p.subject.id}:${page - 1}` });
  if (p.hasMore) nav.push({ label: t(loc, 'history.button.older'), data: `hist:${verb}:${p.subject.id}:${page + 1}` });
  return [reply([title, ...p.entries.map((e) => entryLine(actor, e))].join('\n'), nav.length ? [nav] : undefined)];
}

/** hist:<c|l|d>[n]:ID:PAGE */
export async function historyAction(turn: Turn, actor: Actor, verb: string, id: number, arg?: string): Promise<Reply[]> {
  const kind = FROM_LETTER[verb[0] ?? ''];
  const page = Number(arg ?? 0);
  if (!kind || !Number.isInteger(page) || page < 0) return say(actor, 'chat.customer.button_ignored');
  return historyPage(turn, actor, { kind, id }, page, verb.endsWith('n'));
}

export async function noteOn(turn: Turn, actor: Actor, subject: Subject, text: string): Promise<Reply[]> {
  const { subject: s } = await addNote(turn.ctx, actor, subject, text);
  if (s.kind === 'lead') return say(actor, 'chat.lead.note_added', { id: s.id });
  return say(actor, 'history.note_added', { what: whatOf(actor, s) });
}

/** "acme amount 1000-5000 stage negotiation" -> text + filters. */
export function parseFind(args: string): { text: string; min?: number; max?: number; stage?: string; badAmount?: string } {
  let text = ` ${args.trim()} `;
  const out: { text: string; min?: number; max?: number; stage?: string; badAmount?: string } = { text: '' };
  const stage = /\s(?:stage|этап)[:\s]+(\S+(?:\s+\S+)?)\s*$/iu.exec(text) ?? /\s(?:stage|этап)[:\s]+(\S+)\s/iu.exec(text);
  if (stage) {
    out.stage = stage[1]!.trim();
    text = text.replace(stage[0], ' ');
  }
  const amount = /\s(?:amount|sum|сумма)[:\s]+(\S+)\s/iu.exec(text);
  if (amount) {
    text = text.replace(amount[0], ' ');
    const raw = amount[1]!.replace(/[\s_]/g, '');
    const num = (s: string) => {
      const m = /^(\d+(?:[.,]\d+)?)(k|к|m|м)?$/iu.exec(s);
      if (!m) return NaN;
      const mult = m[2] ? (/[kк]/iu.test(m[2]) ? 1e3 : 1e6) : 1;
      return Number(m[1]!.replace(',', '.')) * mult;
    };
    let m: RegExpExecArray | null;
    if ((m = /^(.+?)(?:-|\.\.|–)(.+)$/u.exec(raw))) {
      out.min = num(m[1]!);
      out.max = num(m[2]!);
    } else if ((m = /^(>=?|<=?)(.+)$/u.exec(raw))) {
      if (m[1]!.startsWith('>')) out.min = num(m[2]!);
      else out.max = num(m[2]!);
    } else {
      out.min = out.max = num(raw);
    }
    if ((out.min !== undefined && !Number.isFinite(out.min)) || (out.max !== undefined && !Number.isFinite(out.max))) out.badAmount = amount[1]!;
  }
  out.text = text.trim().replace(/\s+/g, ' ');
  return out;
}

export async function findAll(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const f = parseFind(args);
  if (f.badAmount) return say(actor, 'find.bad_amount', { value: f.badAmount });
  if (!f.text && f.min === undefined && f.max === undefined && !f.stage) return usage(actor, t(actor.locale, 'find.usage'));
  const stageId = f.stage ? matchStage((await defaultPipeline(turn.ctx.db, actor.workspaceId)).stages, f.stage).id : undefined;
  const byDeal = f.min !== undefined || f.max !== undefined || stageId !== undefined;
  const contacts = await searchContacts(turn.ctx, actor, f.text, 10, { minAmount: f.min, maxAmount: f.max, stageId });
  const deals = await searchDeals(turn.ctx, actor, { text: f.text, minAmount: f.min, maxAmount: f.max, stage: f.stage, limit: 10 });
  if (contacts.length === 0 && deals.length === 0) return say(actor, 'find.empty', { query: args });
  const loc = actor.locale;
  const lines = [t(loc, 'find.title', { query: args })];
  if (contacts.length) {
    lines.push(t(loc, 'find.contacts', { count: contacts.length }));
    for (const c of contacts) {
      const details = [c.company?.name, ...c.emails.map((e) => e.email), ...c.phones.map((p) => p.phone)].filter(Boolean);
      lines.push(t(loc, 'find.contact_line', { id: c.id, name: c.name, details: details.length ? ` · ${details.join(', ')}` : '' }));
    }
  }
  if (deals.length) {
    lines.push(t(loc, 'find.deals', { count: deals.length }));
    for (const d of deals) {
      lines.push(
        t(loc, 'find.deal_line', {
          id: d.id,
          title: d.title,
          stage: stageLabel(actor, d.stage.name),
          amount: d.amount !== null && d.currency ? ` · ${formatMoney(loc, d.amount.toString(), d.currency)}` : '',
          contact: d.contact ? ` · ${d.contact.name}` : '',
        }),
      );
    }
  }
  const buttons: Button[][] = [
    ...contacts.slice(0, 3).map((c) => [{ label: `🕘 #${c.id} ${c.name}`.slice(0, 40), data: `hist:c:${c.id}:0` }]),
    ...deals.slice(0, byDeal ? 3 : 2).map((d) => [{ label: `🕘 #${d.id} ${d.title}`.slice(0, 40), data: `hist:d:${d.id}:0` }]),
  ];
  return [reply(lines.join('\n'), buttons)];
}

export const historyCommands: Command[] = [
  {
    names: ['history', 'история'],
    run: async ({ turn, actor, args }) => {
      const parsed = parseSubject(args);
      return parsed ? historyPage(turn, actor, parsed.subject, 0) : usage(actor, t(actor.locale, 'history.usage'));
    },
  },
  {
    names: ['notes', 'заметки'],
    run: async ({ turn, actor, args }) => {
      const parsed = parseSubject(args);
      return parsed ? historyPage(turn, actor, parsed.subject, 0, true) : usage(actor, t(actor.locale, 'history.usage'));
    },
  },
  {
    names: ['note', 'заметка'],
    run: async ({ turn, actor, args }) => {
      const parsed = parseSubject(args);
      if (!parsed || !parsed.rest) return usage(actor, t(actor.locale, 'history.note_usage'));
      return noteOn(turn, actor, parsed.subject, parsed.rest);
    },
  },
  {
    names: ['find', 'search', 'найти', 'поиск'],
    run: async ({ turn, actor, args }) => findAll(turn, actor, args),
  },
  {
    names: ['merge', 'объединить'],
    run: async ({ turn, actor, args }) => {
      const undo = /^(?:undo|отменить|отмена)\s+#?(\d{1,9})$/iu.exec(args.trim());
      if (undo) return undoMergeReply(turn, actor, Number(undo[1]));
      const pair = /^#?(\d{1,9})\s+#?(\d{1,9})$/.exec(args.trim());
      if (!pair) return usage(actor, t(actor.locale, 'merge.usage'));
      return mergeByHand(turn, actor, Number(pair[1]), Number(pair[2]));
    },
  },
];
