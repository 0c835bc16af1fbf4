// Customer value, tags and custom fields in chat: the contact card (/contact N), /top for
// heads of sales, /tag and /untag (contacts and companies), /field; and their buttons:
// contact:show:N, contact:tags:N, tag:add|rm:N:<tag> (a contact), ctag:add|rm:N:<tag> (a
// company), top:show:<days>:contact|company. Every path checks the presser's permissions
// like the command does (core/contacts/tags.ts, custom-fields.ts, core/value).
import { formatMoney, t, type Locale, type MessageKey } from '../../i18n/index.js';
import type { Actor } from '../../actor.js';
import { getContact } from '../../contacts/get-contact.js';
import { changeTags, parseTags, popularTags, type TagTarget } from '../../contacts/tags.js';
import { readFields, setContactField } from '../../contacts/custom-fields.js';
import { contactValue, companyValue, type CustomerValue } from '../../value/customer-value.js';
import { isTopPeriod, topCustomers, TOP_PERIODS, type TopKind, type TopPeriodDays } from '../../value/top-customers.js';
import { formatDuration } from '../../digests/render-text.js';
import { seesWholeTeam } from '../../actor.js';
import { neutralizeBidi } from '../../text/sanitize.js';
import type { Turn } from '../turn.js';
import { buttonRows, reply, type Button, type Reply } from '../reply.js';
import type { Command } from './command.js';
import { idAndRest, parseId, say, usage } from './command.js';

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function shortDate(locale: Locale, timeZone: string, date: Date): string {
  const key = `${locale}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', year: 'numeric' })));
  return f.format(date);
}

const moneyList = (locale: Locale, list: Array<{ currency: string; amount: string }>) =>
  list.length ? list.map((m) => formatMoney(locale, m.amount, m.currency)).join(', ') : t(locale, 'value.none');

/** The value lines of a card (contact or company). */
export function valueLines(actor: Actor, v: CustomerValue): string[] {
  const loc = actor.locale;
  const lines = [
    t(loc, 'value.card.won', { amount: moneyList(loc, v.won), count: v.wonDeals }),
    t(loc, 'value.card.open', { amount: moneyList(loc, v.open), count: v.openDeals }),
    t(loc, 'value.card.lost', { count: v.lostDeals }),
  ];
  if (v.firstInteraction && v.lastInteraction) {
    lines.push(
      t(loc, 'value.card.interactions', {
        first: shortDate(loc, actor.timezone, v.firstInteraction),
        last: shortDate(loc, actor.timezone, v.lastInteraction),
      }),
    );
  } else lines.push(t(loc, 'value.card.no_messages'));
  lines.push(
    v.avgResponseSeconds === null
      ? t(loc, 'value.card.no_response')
      : t(loc, 'value.card.response', { value: formatDuration(loc, v.avgResponseSeconds), count: v.respondedLeads }),
  );
  return lines;
}

/** The contact card: who, how to reach them, tags, custom fields and what they are worth. */
export async function contactCard(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  const c = await getContact(turn.ctx, actor, id);
  const loc = actor.locale;
  const value = await contactValue(turn.ctx, actor, c.id);
  const lines = [t(loc, 'value.card.title', { id: c.id, name: neutralizeBidi(c.name) })];
  if (c.company) lines.push(t(loc, 'value.card.company', { id: c.company.id, name: neutralizeBidi(c.company.name) }));
  if (c.position) lines.push(t(loc, 'value.card.position', { value: neutralizeBidi(c.position) }));
  const reach = [...c.emails.map((e) => e.email), ...c.phones.map((p) => p.phone)];
  if (reach.length) lines.push(reach.join(', '));
  lines.push(c.tags.length ? t(loc, 'value.card.tags', { tags: c.tags.map((x) => `#${x}`).join(' ') }) : t(loc, 'value.card.no_tags'));
  const fields = Object.entries(readFields(c.fields));
  if (fields.length) {
    lines.push(t(loc, 'value.card.fields'));
    for (const [k, v] of fields) lines.push(`  ${neutralizeBidi(k)}: ${neutralizeBidi(v)}`);
  }
  lines.push('', t(loc, 'value.card.value'), ...valueLines(actor, value).map((l) => `  ${l}`));
  if (c.company && seesWholeTeam(actor)) {
    const co = await companyValue(turn.ctx, actor, c.company.id);
    lines.push(
      '',
      t(loc, 'value.card.company_value', { name: neutralizeBidi(co.name), count: co.contacts }),
      `  ${t(loc, 'value.card.won', { amount: moneyList(loc, co.won), count: co.wonDeals })}`,
      `  ${t(loc, 'value.card.open', { amount: moneyList(loc, co.open), count: co.openDeals })}`,
      ...(co.tags.length ? [`  ${t(loc, 'value.card.tags', { tags: co.tags.map((x) => `#${x}`).join(' ') })}`] : []),
    );
  }
  const buttons: Button[][] = [[{ label: t(loc, 'value.button.tags'), data: `contact:tags:${c.id}` }]];
  if (c.company) buttons[0]!.push({ label: t(loc, 'value.button.company_tags'), data: `ctag:show:${c.company.id}` });
  return [reply(lines.join('\n'), buttons)];
}

/** A contact's or company's tags with a remove button each and add buttons for the workspace's common tags. */
export async function tagsReply(turn: Turn, actor: Actor, target: TagTarget, note?: string): Promise<Reply[]> {
  const loc = actor.locale;
  const { tags, name } = await changeTags(turn.ctx, actor, target, {});
  const area = target.kind === 'contact' ? 'tag' : 'ctag';
  const suggestions = (await popularTags(turn.ctx, actor.workspaceId, 12)).filter((x) => !tags.includes(x)).slice(0, 6);
  const remove = tags.map((x) => ({ label: `✕ ${x}`, data: `${area}:rm:${target.id}:${x}` }));
  const add = suggestions.map((x) => ({ label: `+ ${x}`, data: `${area}:add:${target.id}:${x}` }));
  const what = target.kind === 'contact' ? 'value.tags.contact' : 'value.tags.company';
  const head = t(loc, what, { id: target.id, name: neutralizeBidi(name) });
  const body = tags.length ? tags.map((x) => `#${x}`).join(' ') : t(loc, 'value.tags.none');
  const hint = t(loc, target.kind === 'contact' ? 'value.tags.hint' : 'value.tags.hint_company', { id: target.id });
  const text = [note, head, body, '', hint].filter((x) => x !== undefined).join('\n');
  return [reply(text, [...buttonRows(remove, 3), ...buttonRows(add, 3)])];
}

async function tagCommand(turn: Turn, actor: Actor, args: string, removing: boolean): Promise<Reply[]> {
  const usageText = removing ? '/untag N TAG [TAG...]' : '/tag N [TAG ... | -TAG ...] · /tag company N TAG';
  let rest = args.trim();
  let kind: TagTarget['kind'] = 'contact';
  const company = /^(?:company|co|компания|компанию)\s+/i.exec(rest);
  if (company) {
    kind = 'company';
    rest = rest.slice(company[0].length);
  }
  const { id, rest: words } = idAndRest(rest);
  if (id === null) return usage(actor, usageText);
  const target: TagTarget = { kind, id };
  if (!words) return removing ? usage(actor, usageText) : tagsReply(turn, actor, target);
  const add: string[] = [];
  const remove: string[] = [];
  for (const part of words.split(/[,;\s]+/).filter(Boolean)) {
    if (removing || part.startsWith('-')) remove.push(...parseTags(part.replace(/^-+/, '')));
    else add.push(...parseTags(part.replace(/^\++/, '')));
  }
  if (!add.length && !remove.length) return usage(actor, usageText);
  const result = await changeTags(turn.ctx, actor, target, { add, remove });
  const note = t(actor.locale, result.changed ? 'value.tags.changed' : 'value.tags.unchanged');
  return tagsReply(turn, actor, target, note);
}

async function fieldCommand(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const usageText = '/field N KEY: VALUE · /field N KEY: (clears)';
  const { id, rest } = idAndRest(args);
  if (id === null) return usage(actor, usageText);
  if (!rest) return contactCard(turn, actor, id);
  // "KEY: VALUE" or "KEY = VALUE"; a lone "KEY" or "KEY:" clears the field
  const m = /^([^:=]+?)\s*(?:[:=]\s*([\s\S]*))?$/.exec(rest);
  if (!m) return usage(actor, usageText);
  const value = (m[2] ?? '').trim();
  const result = await setContactField(turn.ctx, actor, id, m[1]!, value || null);
  const key: MessageKey = !result.changed ? 'value.field.unchanged' : value ? 'value.field.set' : 'value.field.cleared';
  return say(actor, key, { id, name: result.name, key: result.key, value: value ? (result.fields[result.key] ?? value) : '' });
}

function topButtons(loc: Locale, days: TopPeriodDays, kind: TopKind): Button[][] {
  const periods = TOP_PERIODS.map((d) => ({
    label: (d === days ? '• ' : '') + t(loc, `value.top.period_${d}` as MessageKey),
    data: `top:show:${d}:${kind}`,
  }));
  const other: TopKind = kind === 'contact' ? 'company' : 'contact';
  return [periods, [{ label: t(loc, other === 'company' ? 'value.top.by_company' : 'value.top.by_contact'), data: `top:show:${days}:${other}` }]];
}

export async function topReply(turn: Turn, actor: Actor, days: TopPeriodDays, kind: TopKind): Promise<Reply[]> {
  const loc = actor.locale;
  const top = await topCustomers(turn.ctx, actor, { kind, days, limit: 10 });
  const lines = [
    t(loc, kind === 'contact' ? 'value.top.title_contacts' : 'value.top.title_companies', { period: t(loc, `value.top.period_${days}` as MessageKey) }),
  ];
  if (!top.byCurrency.length) lines.push(t(loc, 'value.top.empty'));
  for (const group of top.byCurrency) {
    lines.push('', t(loc, 'value.top.currency', { currency: group.currency }));
    group.rows.forEach((r, i) =>
      lines.push(
        t(loc, kind === 'contact' ? 'value.top.line_contact' : 'value.top.line_company', {
          rank: i + 1,
          id: r.id,
          name: neutralizeBidi(r.name),
          amount: formatMoney(loc, r.total, r.currency),
          count: r.n,
        }),
      ),
    );
  }
  return [reply(lines.join('\n'), topButtons(loc, days, kind))];
}

const COMPANY_WORDS = ['companies', 'company', 'компании', 'компаний', 'компания'];

export const valueCommands: Command[] = [
  {
    names: ['top', 'топ'],
    run: async ({ turn, actor, args }) => {
      let days: TopPeriodDays = 30;
      let kind: TopKind = 'contact';
      for (const word of args.toLowerCase().split(/\s+/).filter(Boolean)) {
        const n = Number(/^(\d+)(?:d|д|дн|дней|days?)?$/.exec(word)?.[1]);
        if (isTopPeriod(n)) days = n;
        else if (COMPANY_WORDS.includes(word)) kind = 'company';
        else return usage(actor, '/top [7|30|90|365] [companies]');
      }
      return topReply(turn, actor, days, kind);
    },
  },
  { names: ['tag', 'tags', 'тег', 'теги', 'метка'], run: ({ turn, actor, args }) => tagCommand(turn, actor, args, false) },
  { names: ['untag', 'снятьтег'], run: ({ turn, actor, args }) => tagCommand(turn, actor, args, true) },
  { names: ['field', 'fields', 'поле', 'поля'], run: ({ turn, actor, args }) => fieldCommand(turn, actor, args) },
];

/** The button areas this file answers. */
export const VALUE_ACTION_AREAS: ReadonlySet<string> = new Set(['contact', 'tag', 'ctag', 'top']);

export async function valueAction(turn: Turn, actor: Actor, action: { area: string; verb: string; id: string; arg?: string }): Promise<Reply[]> {
  const id = Number(action.id);
  if (!Number.isInteger(id) || id <= 0) return say(actor, 'chat.customer.button_ignored');
  switch (action.area) {
    case 'contact':
      if (action.verb === 'show') return contactCard(turn, actor, id);
      if (action.verb === 'tags') return tagsReply(turn, actor, { kind: 'contact', id });
      break;
    case 'tag':
    case 'ctag': {
      const target: TagTarget = { kind: action.area === 'tag' ? 'contact' : 'company', id };
      if (action.verb === 'show') return tagsReply(turn, actor, target);
      if ((action.verb === 'add' || action.verb === 'rm') && action.arg) {
        const result = await changeTags(turn.ctx, actor, target, action.verb === 'add' ? { add: [action.arg] } : { remove: [action.arg] });
        return tagsReply(turn, actor, target, t(actor.locale, result.changed ? 'value.tags.changed' : 'value.tags.unchanged'));
      }
      break;
    }
    case 'top':
      if (action.verb === 'show' && isTopPeriod(id)) return topReply(turn, actor, id, action.arg === 'company' ? 'company' : 'contact');
      break;
  }
  return say(actor, 'chat.customer.button_ignored');
}

/**
 * `/contact #N` (any id) or `/contact N` with up to 4 digits: the card; null otherwise (a
 * longer bare number is searched for as part of a phone).
 */
export function contactIdArg(args: string): number | null {
  const a = args.trim();
  if (!/^#\d+$/.test(a) && !/^\d{1,4}$/.test(a)) return null;
  return parseId(a);
}
