// The workspace settings an admin (or, for the sales-process ones, a head of sales) changes
// week to week: one use case behind `/settings` in chat and `leadline settings show|set` on
// the command line. A value arrives as text, is checked when it is set (a refusal names the
// reason; business hours and holidays are read by core/time/business-hours.ts, the one home
// of that rule), stored, and audited with its before and after.
import type { Prisma, Workspace } from '../../prisma/generated/client.js';
import { Prisma as PrismaNs } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx, type DbOrTx } from '../db.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { LOCALES, type Locale } from '../i18n/index.js';
import { ackTexts } from './ack-text.js';
import { normalizeCurrency } from '../deals/money.js';
import { assertTimeZone } from '../time/zoned.js';
import {
  hhmm,
  parseHolidayText,
  parseTimeOfDay,
  storedBusinessHours,
  validateBusinessHours,
  validateHolidays,
  type BusinessHours,
  type DayWindow,
  type Holiday,
} from '../time/business-hours.js';

export const SETTING_KEYS = [
  'first-response',
  'hours',
  'timezone',
  'holidays',
  'auto-reassign',
  'stale-days',
  'currency',
  'ack',
  'digest-time',
  'digest-day',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Settings a head of sales may change too (the sales process); the rest are the admin's. */
const HEAD_KEYS: ReadonlySet<SettingKey> = new Set(['auto-reassign', 'stale-days', 'digest-time', 'digest-day']);

const KEY_ALIASES: Record<string, SettingKey> = {
  sla: 'first-response',
  'first-response-minutes': 'first-response',
  'business-hours': 'hours',
  tz: 'timezone',
  holiday: 'holidays',
  reassign: 'auto-reassign',
  'auto-reassign-on-breach': 'auto-reassign',
  stale: 'stale-days',
  'stale-deal-days': 'stale-days',
  'default-currency': 'currency',
  acknowledgement: 'ack',
  digest: 'digest-time',
  'digest-weekday': 'digest-day',
  // ru
  ответ: 'first-response',
  часы: 'hours',
  пояс: 'timezone',
  праздники: 'holidays',
  переназначение: 'auto-reassign',
  зависшие: 'stale-days',
  валюта: 'currency',
  автоответ: 'ack',
  дайджест: 'digest-time',
  'день-дайджеста': 'digest-day',
};

/** "hours", "Business-Hours", "часы" -> "hours"; null when it names no setting. */
export function parseSettingKey(text: string): SettingKey | null {
  const k = text.trim().toLowerCase().replace(/_/g, '-');
  if ((SETTING_KEYS as readonly string[]).includes(k)) return k as SettingKey;
  return KEY_ALIASES[k] ?? null;
}

export interface WorkspaceSettings {
  firstResponseMinutes: number;
  /** null = around the clock */
  businessHours: BusinessHours | null;
  timezone: string;
  holidays: Holiday[];
  autoReassignOnBreach: boolean;
  staleDealDays: number;
  /** null = from the workspace language (RUB for ru, USD otherwise) */
  defaultCurrency: string | null;
  ackText: Partial<Record<Locale, string>>;
  digestTime: string;
  /** 1 = Monday ... 7 = Sunday: the weekly team digest */
  digestWeekday: number;
}

type SettingsRow = Pick<
  Workspace,
  | 'firstResponseMinutes'
  | 'businessHours'
  | 'timezone'
  | 'holidays'
  | 'autoReassignOnBreach'
  | 'staleDealDays'
  | 'defaultCurrency'
  | 'ackText'
  | 'digestHour'
  | 'digestMinute'
  | 'digestWeekday'
>;

const SETTINGS_SELECT = {
  firstResponseMinutes: true,
  businessHours: true,
  timezone: true,
  holidays: true,
  autoReassignOnBreach: true,
  staleDealDays: true,
  defaultCurrency: true,
  ackText: true,
  digestHour: true,
  digestMinute: true,
  digestWeekday: true,
} as const;

function view(row: SettingsRow): WorkspaceSettings {
  let businessHours: BusinessHours | null;
  let holidays: Holiday[];
  try {
    businessHours = validateBusinessHours(row.businessHours);
  } catch {
    businessHours = null;
  }
  try {
    holidays = validateHolidays(row.holidays);
  } catch {
    holidays = [];
  }
  return {
    firstResponseMinutes: row.firstResponseMinutes,
    businessHours,
    timezone: row.timezone,
    holidays,
    autoReassignOnBreach: row.autoReassignOnBreach,
    staleDealDays: row.staleDealDays,
    defaultCurrency: row.defaultCurrency,
    ackText: ackTexts(row.ackText),
    digestTime: hhmm(row.digestHour * 60 + row.digestMinute),
    digestWeekday: row.digestWeekday,
  };
}

/** Admins and heads may see the settings and change theirs; a manager is refused. */
function assertMayManage(actor: Actor, key?: SettingKey): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'head' && (key === undefined || HEAD_KEYS.has(key))) return;
  throw new DomainError('forbidden', actor.role === 'head' ? 'settings.forbidden_head' : 'settings.forbidden');
}

/** Whether the actor may change `key` (for showing only the buttons that work). */
export function mayChangeSetting(actor: Actor, key: SettingKey): boolean {
  return actor.role === 'admin' || (actor.role === 'head' && HEAD_KEYS.has(key));
}

async function loadRow(db: DbOrTx, workspaceId: number): Promise<SettingsRow> {
  const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: SETTINGS_SELECT });
  if (!row) throw notFound('what.workspace_settings');
  return row;
}

export async function showSettings(ctx: CoreContext, actor: Actor): Promise<WorkspaceSettings> {
  assertMayManage(actor);
  return view(await loadRow(ctx.db, actor.workspaceId));
}

function wholeNumber(text: string, min: number, max: number, key: SettingKey): number {
  const m = /^\s*(\d{1,6})\s*(?:m|min|мин|d|days?|дн(?:я|ей)?|д)?\s*$/i.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalid('settings.invalid_number', { key, value: text.trim(), min, max });
  return n;
}

function onOff(text: string): boolean {
  const v = text.trim().toLowerCase();
  if (['on', 'yes', 'true', '1', 'вкл', 'да', 'включить'].includes(v)) return true;
  if (['off', 'no', 'false', '0', 'выкл', 'нет', 'выключить'].includes(v)) return false;
  throw invalid('settings.invalid_on_off', { value: text.trim() });
}

const WEEKDAY_WORDS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
  пн: 1,
  пон: 1,
  понедельник: 1,
  вт: 2,
  вторник: 2,
  ср: 3,
  среда: 3,
  чт: 4,
  четверг: 4,
  пт: 5,
  пятница: 5,
  сб: 6,
  суббота: 6,
  вс: 7,
  воскресенье: 7,
};

/** "mon", "Пн", "1" -> 1 ... 7; null otherwise. */
export function parseWeekday(text: string): number | null {
  const v = text.trim().toLowerCase().replace(/\.$/, '');
  if (/^[1-7]$/.test(v)) return Number(v);
  return WEEKDAY_WORDS[v] ?? null;
}

const AROUND_THE_CLOCK = ['off', 'none', '24/7', 'always', 'around-the-clock', 'круглосуточно', 'выкл', 'нет'];

/**
 * Business hours as a person types them: "mon-fri 9-18", "Mon-Fri 9:00-18:00, Sat 10-14",
 * "пн-пт 9-18; сб 10-14", "daily 22-6" (overnight), "off" / "24/7" (around the clock), or the
 * stored JSON. Returns the value for validateBusinessHours (which gives the reason when wrong).
 */
export function parseBusinessHoursText(text: string): unknown {
  const s = text.trim();
  if (AROUND_THE_CLOCK.includes(s.toLowerCase())) return null;
  if (s.startsWith('{')) {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      throw invalid('invalid.business_hours_shape');
    }
  }
  const perDay = new Map<number, { start: string; end: string }>();
  for (const part of s
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\S+?)\s+(\d{1,2}(?::\d{2})?)\s*(?:-|–|—|\.\.)\s*(\d{1,2}(?::\d{2})?)$/.exec(part);
    if (!m) throw invalid('settings.invalid_hours_text', { value: part });
    const days = parseDaySpan(m[1]!);
    if (!days) throw invalid('settings.invalid_hours_text', { value: part });
    for (const d of days) perDay.set(d, { start: m[2]!, end: m[3]! });
  }
  if (!perDay.size) throw invalid('settings.invalid_hours_text', { value: s });
  // the most common window is the default, the others per day
  const counts = new Map<string, number>();
  for (const w of perDay.values()) counts.set(`${w.start}-${w.end}`, (counts.get(`${w.start}-${w.end}`) ?? 0) + 1);
  const [common] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const [start, end] = common.split('-');
  return { days: [...perDay.keys()], start, end, perDay: Object.fromEntries([...perDay.entries()].map(([d, w]) => [String(d), w])) };
}

function parseDaySpan(text: string): number[] | null {
  const v = text.toLowerCase();
  if (['daily', 'every-day', 'everyday', 'ежедневно', 'все'].includes(v)) return [1, 2, 3, 4, 5, 6, 7];
  if (['weekdays', 'будни'].includes(v)) return [1, 2, 3, 4, 5];
  const [a, b] = v.split(/-|–/);
  const from = parseWeekday(a ?? '');
  if (from === null) return null;
  if (b === undefined) return [from];
  const to = parseWeekday(b);
  if (to === null) return null;
  const out: number[] = [];
  for (let d = from; ; d = (d % 7) + 1) {
    out.push(d);
    if (d === to || out.length > 7) break;
  }
  return out;
}

type Change = { data: Prisma.WorkspaceUpdateInput; before: unknown; after: unknown; digests?: boolean };

function holidaysChange(current: Holiday[], text: string): Holiday[] {
  const s = text.trim();
  const [word, ...rest] = s.split(/\s+/);
  const verb = (word ?? '').toLowerCase();
  const arg = rest.join(' ');
  if (['clear', 'none', 'очистить', 'нет'].includes(verb)) return [];
  if (['add', 'добавить', '+'].includes(verb)) return validateHolidays([...current, parseHolidayText(arg)]);
  if (['remove', 'delete', 'удалить', '-'].includes(verb)) {
    const h = parseHolidayText(arg);
    const left = current.filter((c) => !(c.from === h.from && (h.to === h.from || c.to === h.to)));
    if (left.length === current.length) throw invalid('settings.holiday_not_found', { value: arg });
    return left;
  }
  if (s.startsWith('[')) {
    try {
      return validateHolidays(JSON.parse(s));
    } catch (e) {
      if (e instanceof SyntaxError) throw invalid('invalid.holiday_date', { value: s.slice(0, 40) });
      throw e;
    }
  }
  // a list replaces them all: "2026-01-01..2026-01-08 New Year; 2026-05-01"
  return validateHolidays(
    s
      .split(/[;\n]/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map(parseHolidayText),
  );
}

function ackChange(current: Partial<Record<Locale, string>>, text: string): Partial<Record<Locale, string>> {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  const lang = (m?.[1] ?? '').toLowerCase();
  if (!(LOCALES as readonly string[]).includes(lang)) throw invalid('settings.invalid_ack_language', { value: m?.[1] ?? '' });
  const body = (m?.[2] ?? '').trim();
  const next = { ...current };
  if (!body || ['default', 'reset', 'по-умолчанию', 'сброс'].includes(body.toLowerCase())) delete next[lang as Locale];
  else if (body.length > 1000) throw invalid('settings.ack_too_long', { max: 1000 });
  else next[lang as Locale] = body;
  return next;
}

function plan(key: SettingKey, text: string, cur: WorkspaceSettings): Change {
  switch (key) {
    case 'first-response': {
      const n = wholeNumber(text, 1, 7 * 24 * 60, key);
      return { data: { firstResponseMinutes: n }, before: cur.firstResponseMinutes, after: n };
    }
    case 'hours': {
      const hours = validateBusinessHours(parseBusinessHoursText(text));
      return {
        data: { businessHours: hours ? (storedBusinessHours(hours) as unknown as Prisma.InputJsonValue) : PrismaNs.DbNull },
        before: cur.businessHours,
        after: hours,
      };
    }
    case 'timezone': {
      const tz = assertTimeZone(text.trim());
      return { data: { timezone: tz }, before: cur.timezone, after: tz, digests: true };
    }
    case 'holidays': {
      const list = holidaysChange(cur.holidays, text);
      return { data: { holidays: list as unknown as Prisma.InputJsonValue }, before: cur.holidays, after: list };
    }
    case 'auto-reassign': {
      const on = onOff(text);
      return { data: { autoReassignOnBreach: on }, before: cur.autoReassignOnBreach, after: on };
    }
    case 'stale-days': {
      const n = wholeNumber(text, 1, 365, key);
      return { data: { staleDealDays: n }, before: cur.staleDealDays, after: n };
    }
    case 'currency': {
      const v = text.trim().toLowerCase();
      const code = ['auto', 'default', 'off', 'авто'].includes(v) ? null : normalizeCurrency(text);
      return { data: { defaultCurrency: code }, before: cur.defaultCurrency, after: code };
    }
    case 'ack': {
      const next = ackChange(cur.ackText, text);
      return { data: { ackText: Object.keys(next).length ? next : PrismaNs.DbNull }, before: cur.ackText, after: next };
    }
    case 'digest-time': {
      const min = parseTimeOfDay(text);
      if (min === null) throw invalid('settings.invalid_time', { value: text.trim() });
      return { data: { digestHour: Math.floor(min / 60), digestMinute: min % 60 }, before: cur.digestTime, after: hhmm(min), digests: true };
    }
    case 'digest-day': {
      const d = parseWeekday(text);
      if (d === null) throw invalid('settings.invalid_weekday', { value: text.trim() });
      return { data: { digestWeekday: d }, before: cur.digestWeekday, after: d, digests: true };
    }
  }
}

export interface SettingChanged {
  key: SettingKey;
  settings: WorkspaceSettings;
  /** the user ids whose digest schedules were moved */
  rescheduled: number[];
}

/**
 * Sets one workspace setting from its text ("hours" "mon-fri 9-18", "holidays" "add
 * 2026-12-31..2027-01-08 New Year", "auto-reassign" "on" ...). Refuses a manager (and a head
 * outside the sales-process settings) and any value that does not read, with the reason;
 * nothing changes then. Audited as workspace.setting with the before and after.
 */
export async function changeSetting(ctx: CoreContext, actor: Actor, keyText: string, value: string): Promise<SettingChanged> {
  const key = parseSettingKey(keyText);
  if (!key) throw invalid('settings.unknown_key', { value: keyText, keys: SETTING_KEYS.join(', ') });
  assertMayManage(actor, key);
  const changed = await inTx(ctx.db, async (tx) => {
    const cur = view(await loadRow(tx, actor.workspaceId));
    const change = plan(key, value, cur);
    const row = await tx.workspace.update({ where: { id: actor.workspaceId }, data: change.data, select: SETTINGS_SELECT });
    const userIds = change.digests ? await retimeDigests(tx, actor.workspaceId, row) : [];
    await recordAudit(tx, actor, {
      action: 'workspace.setting',
      entity: 'workspace',
      entityId: actor.workspaceId,
      before: { [key]: change.before ?? null },
      after: { [key]: change.after ?? null },
      actorKind: actor.userId ? 'user' : 'cli',
    });
    return { key, settings: view(row), rescheduled: userIds };
  });
  // the digests follow the new time (or zone) now, not at the next periodic sync
  for (const userId of changed.rescheduled) await ctx.scheduler?.rescheduleDigests?.(userId);
  return changed;
}

/** Moves every active member's digest subscriptions to the workspace digest time; their ids. */
async function retimeDigests(tx: DbOrTx, workspaceId: number, row: SettingsRow): Promise<number[]> {
  const where = { user: { workspaceId, active: true } };
  await tx.digestSubscription.updateMany({
    where: { ...where, kind: { in: ['today', 'team_daily'] } },
    data: { hour: row.digestHour, minute: row.digestMinute },
  });
  await tx.digestSubscription.updateMany({
    where: { ...where, kind: 'team_weekly' },
    data: { hour: row.digestHour, minute: row.digestMinute, weekday: row.digestWeekday },
  });
  const users = await tx.user.findMany({ where: { workspaceId, active: true }, select: { id: true }, orderBy: { id: 'asc' } });
  return users.map((u) => u.id);
}

/** The window of each weekday, for showing: [[1, {start,end}], ...] (closed days left out). */
export function weekWindows(hours: BusinessHours): Array<[number, DayWindow]> {
  return hours.days.map((d) => [d, hours.perDay?.[String(d)] ?? { start: hours.start, end: hours.end }]);
}
