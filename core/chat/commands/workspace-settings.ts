// /settings: the workspace settings card with a button per setting (buttons first; a value
// no button offers is typed as /settings KEY VALUE). Buttons: set:menu:all, set:ask:KEY,
// set:v:KEY:VALUE. Every change goes through core/workspaces/settings.ts (permissions,
// validation with the reason, audit).
import type { Actor } from '../../actor.js';
import { t, type Locale, type MessageKey } from '../../i18n/index.js';
import { reply, buttonRows, type Button, type Reply } from '../reply.js';
import type { Turn } from '../turn.js';
import { defaultCurrency } from '../../deals/money.js';
import {
  changeSetting,
  mayChangeSetting,
  parseSettingKey,
  showSettings,
  SETTING_KEYS,
  weekWindows,
  type SettingKey,
  type WorkspaceSettings,
} from '../../workspaces/settings.js';
import type { BusinessHours, DayWindow, Holiday } from '../../time/business-hours.js';

const SHOWN_HOLIDAYS = 6;

const weekdayNames = new Map<Locale, string[]>();
/** "Mon" ... "Sun" (ru: "пн" ... "вс"), index 1..7. */
function weekdayName(locale: Locale, day: number): string {
  let names = weekdayNames.get(locale);
  if (!names) {
    const f = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
    // 2024-01-01 was a Monday
    names = ['', ...[1, 2, 3, 4, 5, 6, 7].map((d) => f.format(new Date(Date.UTC(2024, 0, d))))];
    weekdayNames.set(locale, names);
  }
  return names[day] ?? String(day);
}

function windowText(w: DayWindow): string {
  return `${w.start}–${w.end}`;
}

/** "Mon–Fri 09:00–18:00, Sat 10:00–14:00": runs of consecutive days with the same window. */
export function formatBusinessHours(locale: Locale, hours: BusinessHours | null): string {
  if (!hours) return t(locale, 'settings.hours.always');
  const parts: string[] = [];
  let run: { from: number; to: number; w: DayWindow } | null = null;
  const flush = () => {
    if (!run) return;
    const days = run.from === run.to ? weekdayName(locale, run.from) : `${weekdayName(locale, run.from)}–${weekdayName(locale, run.to)}`;
    parts.push(`${days} ${windowText(run.w)}`);
  };
  for (const [d, w] of weekWindows(hours)) {
    if (run && d === run.to + 1 && windowText(w) === windowText(run.w)) run.to = d;
    else {
      flush();
      run = { from: d, to: d, w };
    }
  }
  flush();
  return parts.join(', ');
}

function holidayText(h: Holiday): string {
  return (h.from === h.to ? h.from : `${h.from}..${h.to}`) + (h.name ? ` ${h.name}` : '');
}

function holidaysText(locale: Locale, list: Holiday[]): string {
  if (!list.length) return t(locale, 'settings.holidays.none');
  const shown = list.slice(0, SHOWN_HOLIDAYS).map(holidayText).join('; ');
  return list.length > SHOWN_HOLIDAYS ? `${shown} ${t(locale, 'settings.holidays.more', { count: list.length - SHOWN_HOLIDAYS })}` : shown;
}

function onOffText(locale: Locale, on: boolean): string {
  return t(locale, on ? 'settings.on' : 'settings.off');
}

/** The line of one setting as the card shows it (also the "Saved." confirmation). */
export function settingLines(locale: Locale, s: WorkspaceSettings, key: SettingKey, workspaceLocale = 'en'): string[] {
  switch (key) {
    case 'first-response':
      return [t(locale, 'settings.line.first_response', { minutes: s.firstResponseMinutes })];
    case 'hours':
      return [t(locale, 'settings.line.hours', { hours: formatBusinessHours(locale, s.businessHours) })];
    case 'timezone':
      return [t(locale, 'settings.line.timezone', { tz: s.timezone })];
    case 'holidays':
      return [t(locale, 'settings.line.holidays', { list: holidaysText(locale, s.holidays) })];
    case 'auto-reassign':
      return [t(locale, 'settings.line.auto_reassign', { state: onOffText(locale, s.autoReassignOnBreach) })];
    case 'stale-days':
      return [t(locale, 'settings.line.stale', { days: s.staleDealDays })];
    case 'currency':
      return [
        t(locale, 'settings.line.currency', {
          currency: s.defaultCurrency ?? t(locale, 'settings.currency.auto', { code: defaultCurrency(workspaceLocale) }),
        }),
      ];
    case 'ack':
      return (['en', 'ru'] as const).map((l) => t(locale, 'settings.line.ack', { lang: l, text: s.ackText[l] ?? t(locale, 'settings.ack.standard') }));
    case 'digest-time':
    case 'digest-day':
      return [t(locale, 'settings.line.digest', { time: s.digestTime, weekday: weekdayName(locale, s.digestWeekday) })];
  }
}

const CARD_KEYS: SettingKey[] = ['first-response', 'hours', 'timezone', 'holidays', 'auto-reassign', 'stale-days', 'currency', 'ack', 'digest-time'];

const BUTTON_LABEL: Record<Exclude<SettingKey, 'auto-reassign' | 'digest-day'>, MessageKey> = {
  'first-response': 'settings.button.first_response',
  hours: 'settings.button.hours',
  timezone: 'settings.button.timezone',
  holidays: 'settings.button.holidays',
  'stale-days': 'settings.button.stale',
  currency: 'settings.button.currency',
  ack: 'settings.button.ack',
  'digest-time': 'settings.button.digest',
};

function backRow(locale: Locale): Button[] {
  return [{ label: t(locale, 'settings.button.back'), data: 'set:menu:all' }];
}

/** The card: every setting's value, and a button for each the actor may change. */
async function settingsCard(turn: Turn, actor: Actor): Promise<Reply[]> {
  const s = await showSettings(turn.ctx, actor);
  const loc = actor.locale;
  const lines = [t(loc, 'settings.title'), '', ...CARD_KEYS.flatMap((k) => settingLines(loc, s, k, turn.workspace.locale))];
  const buttons: Button[] = [];
  for (const k of CARD_KEYS) {
    if (!mayChangeSetting(actor, k)) continue;
    if (k === 'auto-reassign')
      buttons.push({
        label: t(loc, 'settings.button.auto_reassign', { state: onOffText(loc, s.autoReassignOnBreach) }),
        data: `set:v:auto-reassign:${s.autoReassignOnBreach ? 'off' : 'on'}`,
      });
    else buttons.push({ label: t(loc, BUTTON_LABEL[k as keyof typeof BUTTON_LABEL]), data: `set:ask:${k}` });
  }
  lines.push('', t(loc, 'settings.hint', { keys: SETTING_KEYS.join(', ') }));
  return [reply(lines.join('\n'), buttonRows(buttons, 2))];
}

const value = (key: SettingKey, v: string, label: string): Button => ({ label, data: `set:v:${key}:${v}` });

/** One setting's question with its preset buttons. */
async function askCard(turn: Turn, actor: Actor, key: SettingKey): Promise<Reply[]> {
  const loc = actor.locale;
  const s = await showSettings(turn.ctx, actor);
  const current = settingLines(loc, s, key, turn.workspace.locale).join('\n');
  let rows: Button[][] = [];
  let ask: MessageKey;
  switch (key) {
    case 'first-response':
      ask = 'settings.ask.first_response';
      rows = buttonRows(
        [5, 10, 15, 30, 60, 120].map((m) => value(key, String(m), t(loc, 'settings.button.minutes', { minutes: m }))),
        3,
      );
      break;
    case 'hours':
      ask = 'settings.ask.hours';
      rows = [
        [value(key, 'mon-fri 9-18', formatBusinessHours(loc, { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }))],
        [value(key, 'mon-fri 10-19', formatBusinessHours(loc, { days: [1, 2, 3, 4, 5], start: '10:00', end: '19:00' }))],
        [value(key, 'mon-sat 9-18', formatBusinessHours(loc, { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '18:00' }))],
        [value(key, 'off', t(loc, 'settings.button.around_the_clock'))],
      ];
      break;
    case 'timezone':
      ask = 'settings.ask.timezone';
      rows = buttonRows(
        ['Europe/Moscow', 'Europe/Berlin', 'Europe/London', 'Asia/Dubai', 'America/New_York', 'UTC'].map((tz) => value(key, tz, tz)),
        2,
      );
      break;
    case 'holidays':
      ask = 'settings.ask.holidays';
      rows = buttonRows(
        s.holidays.slice(0, 8).map((h) => value(key, `remove ${h.from}`, t(loc, 'settings.button.remove_holiday', { date: holidayText(h).slice(0, 40) }))),
        2,
      );
      if (s.holidays.length) rows.push([value(key, 'clear', t(loc, 'settings.button.clear_holidays'))]);
      break;
    case 'auto-reassign':
      ask = 'settings.ask.auto_reassign';
      rows = [[value(key, 'on', t(loc, 'settings.on')), value(key, 'off', t(loc, 'settings.off'))]];
      break;
    case 'stale-days':
      ask = 'settings.ask.stale';
      rows = buttonRows(
        [3, 7, 14, 30].map((d) => value(key, String(d), t(loc, 'settings.button.days', { days: d }))),
        4,
      );
      break;
    case 'currency':
      ask = 'settings.ask.currency';
      rows = [['RUB', 'USD', 'EUR', 'KZT'].map((c) => value(key, c, c)), [value(key, 'auto', t(loc, 'settings.button.auto'))]];
      break;
    case 'ack':
      ask = 'settings.ask.ack';
      rows = [(['en', 'ru'] as const).map((l) => value(key, `${l} default`, t(loc, 'settings.button.ack_default', { lang: l })))];
      break;
    case 'digest-time':
    case 'digest-day':
      ask = 'settings.ask.digest';
      rows = [
        ['8:00', '9:00', '10:00', '18:00'].map((tm) => value('digest-time', tm, tm)),
        [1, 5].map((d) => value('digest-day', String(d), t(loc, 'settings.button.weekly_on', { weekday: weekdayName(loc, d) }))),
      ];
      break;
  }
  return [reply(`${current}\n\n${t(loc, ask)}`, [...rows, backRow(loc)])];
}

/** Sets a value and confirms with the setting's new line. */
async function setValue(turn: Turn, actor: Actor, key: string, text: string): Promise<Reply[]> {
  const changed = await changeSetting(turn.ctx, actor, key, text);
  turn.workspaceChanged = true;
  const line = settingLines(actor.locale, changed.settings, changed.key, turn.workspace.locale).join('\n');
  return [reply(t(actor.locale, 'settings.saved', { line }), [backRow(actor.locale)])];
}

/** "/settings", "/settings hours", "/settings hours mon-fri 9-18". */
export async function settingsCommand(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!m) return settingsCard(turn, actor);
  const key = parseSettingKey(m[1]!);
  const rest = (m[2] ?? '').trim();
  if (key && !rest) {
    if (!mayChangeSetting(actor, key)) return settingsCard(turn, actor);
    return askCard(turn, actor, key);
  }
  return setValue(turn, actor, m[1]!, rest);
}

/** A press of set:menu:all, set:ask:KEY or set:v:KEY:VALUE. */
export async function settingsAction(turn: Turn, actor: Actor, verb: string, key: string, arg: string | undefined): Promise<Reply[]> {
  if (verb === 'ask') {
    const k = parseSettingKey(key);
    if (k) return askCard(turn, actor, k);
  }
  if (verb === 'v' && arg !== undefined) return setValue(turn, actor, key, arg);
  return settingsCard(turn, actor);
}
