// Business hours: the one home of the rule. A workspace stores
// {"days":[1..7],"start":"09:00","end":"18:00"} in its time zone (1 = Monday), optionally with
// "perDay":{"6":{"start":"10:00","end":"14:00"}} for weekdays whose window differs, and its
// holidays apart (Workspace.holidays: [{"from":"2026-12-31","to":"2027-01-08","name":"..."}]).
// Times may be written "9", "9:00" or "09:00"; a start after the end is an overnight window
// (22:00-06:00 opens on each listed day and closes the next morning); 0-24 is the whole day.
// A window belongs to the day it opens: a holiday closes the windows that open on it.
// Everything that asks "are we open" uses this module: the customer's acknowledgement (when
// will we answer), the SLA deadline (minutes counted inside hours), the digests (none on a
// holiday) and the settings that store the values (core/workspaces/settings.ts).
//
// A value is validated when it is set (validateBusinessHours / validateHolidays throw a
// DomainError with the reason); at run time a stored value is read with readBusinessHours,
// which never throws: what cannot be read (written around the settings, e.g. by hand in SQL)
// counts as around the clock in every caller alike, and the caller is told so it can log it.
import { invalid } from '../errors.js';
import { addLocalDays, localDateKey, localParts, zonedTimeToInstant, type LocalDate } from './zoned.js';

export interface DayWindow {
  /** "HH:MM", normalised */
  start: string;
  /** "HH:MM" (or "24:00"), normalised; before start = the window closes the next day */
  end: string;
}

export interface BusinessHours extends DayWindow {
  /** ISO weekdays the window opens on (1 = Monday ... 7 = Sunday), sorted, unique */
  days: number[];
  /** weekdays (of `days`) whose window differs from start-end, keyed "1".."7" */
  perDay?: Record<string, DayWindow>;
  /** days off (from Workspace.holidays; never stored in businessHours itself) */
  holidays?: Holiday[];
}

/** A day off or a range of them, local dates in the workspace time zone, inclusive. */
export interface Holiday {
  /** "YYYY-MM-DD" */
  from: string;
  /** "YYYY-MM-DD", not before from */
  to: string;
  name?: string;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const TIME_RE = /^\s*(\d{1,2})(?::(\d{2}))?\s*$/;
const MAX_HOLIDAYS = 400;
const MAX_HOLIDAY_DAYS = 366;

/** Minutes after midnight of "9", "9:00", "09:00" (end of day may be "24:00"); null when it is not a time of day. */
export function parseTimeOfDay(value: string, allowEndOfDay = false): number | null {
  const m = TIME_RE.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (min > 59) return null;
  if (h === 24 && min === 0 && allowEndOfDay) return DAY_MINUTES;
  if (h > 23) return null;
  return h * 60 + min;
}

export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function validateWindow(start: unknown, end: unknown): DayWindow {
  const s = typeof start === 'string' || typeof start === 'number' ? parseTimeOfDay(String(start)) : null;
  if (s === null) throw invalid('invalid.business_hours_start', { value: String(start ?? '') });
  const e = typeof end === 'string' || typeof end === 'number' ? parseTimeOfDay(String(end), true) : null;
  if (e === null) throw invalid('invalid.business_hours_end', { value: String(end ?? '') });
  // 0-24 is the whole day; otherwise equal ends are an empty window
  if (s === e % DAY_MINUTES && !(s === 0 && e === DAY_MINUTES)) throw invalid('invalid.business_hours_empty', { start: hhmm(s), end: hhmm(e % DAY_MINUTES) });
  return { start: hhmm(s), end: e === DAY_MINUTES ? '24:00' : hhmm(e) };
}

function weekdayOf(d: unknown): number {
  const n = typeof d === 'string' && /^\s*\d\s*$/.test(d) ? Number(d) : d;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 7) throw invalid('invalid.business_hours_days', { value: JSON.stringify(d) });
  return n;
}

/**
 * Checks and normalises business hours as a person sets them; throws an invalid-input
 * DomainError naming what is wrong. Null/undefined means "around the clock" and is returned as null.
 */
export function validateBusinessHours(value: unknown): BusinessHours | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('invalid.business_hours_shape');
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.days) || v.days.length === 0) throw invalid('invalid.business_hours_days', { value: JSON.stringify(v.days ?? null) });
  const days = new Set<number>(v.days.map(weekdayOf));
  const base = validateWindow(v.start, v.end);
  const perDay: Record<string, DayWindow> = {};
  if (v.perDay !== undefined && v.perDay !== null) {
    if (typeof v.perDay !== 'object' || Array.isArray(v.perDay)) throw invalid('invalid.business_hours_shape');
    for (const [d, w] of Object.entries(v.perDay as Record<string, unknown>)) {
      const day = weekdayOf(d);
      const win = validateWindow((w as Record<string, unknown> | null)?.start, (w as Record<string, unknown> | null)?.end);
      days.add(day);
      if (win.start !== base.start || win.end !== base.end) perDay[String(day)] = win;
    }
  }
  const out: BusinessHours = { days: [...days].sort((a, b) => a - b), start: base.start, end: base.end };
  if (Object.keys(perDay).length) out.perDay = Object.fromEntries(Object.entries(perDay).sort(([a], [b]) => Number(a) - Number(b)));
  return out;
}

/** The value to store in Workspace.businessHours (no holidays: they have a column of their own). */
export function storedBusinessHours(hours: BusinessHours): { days: number[]; start: string; end: string; perDay?: Record<string, DayWindow> } {
  return { days: hours.days, start: hours.start, end: hours.end, ...(hours.perDay ? { perDay: hours.perDay } : {}) };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** "2026-12-31" or "31.12.2026" -> "2026-12-31"; null when it is not a calendar date. */
export function parseLocalDate(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(t);
  const dotted = DOTTED_DATE.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dotted) [y, m, d] = [Number(dotted[3]), Number(dotted[2]), Number(dotted[1])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Checks and normalises one holiday; throws an invalid-input DomainError naming what is wrong. */
export function validateHoliday(value: unknown): Holiday {
  const v = (value ?? {}) as Record<string, unknown>;
  const from = typeof v.from === 'string' ? parseLocalDate(v.from) : null;
  if (!from) throw invalid('invalid.holiday_date', { value: String(v.from ?? '') });
  const to = v.to === undefined || v.to === null || v.to === '' ? from : typeof v.to === 'string' ? parseLocalDate(v.to) : null;
  if (!to) throw invalid('invalid.holiday_date', { value: String(v.to) });
  const span = daysBetween(from, to);
  if (span < 0) throw invalid('invalid.holiday_order', { from, to });
  if (span >= MAX_HOLIDAY_DAYS) throw invalid('invalid.holiday_too_long', { from, to, max: MAX_HOLIDAY_DAYS });
  const name = typeof v.name === 'string' ? v.name.trim().slice(0, 100) : '';
  return { from, to, ...(name ? { name } : {}) };
}

/** Checks and normalises a list of holidays (sorted by start, exact duplicates dropped). */
export function validateHolidays(value: unknown): Holiday[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('invalid.holiday_date', { value: JSON.stringify(value) });
  if (value.length > MAX_HOLIDAYS) throw invalid('invalid.holidays_too_many', { max: MAX_HOLIDAYS });
  const seen = new Set<string>();
  const out: Holiday[] = [];
  for (const h of value.map(validateHoliday)) {
    const key = `${h.from}/${h.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(h);
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1));
}

/**
 * "2026-12-31", "2026-12-31..2027-01-08 New Year", "31.12.2026-08.01.2027 Новый год": one
 * holiday as a person types it; throws the reason when it is not one.
 */
export function parseHolidayText(text: string): Holiday {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) throw invalid('invalid.holiday_date', { value: '' });
  const [from, first] = words[0]!.split('..');
  let to = first;
  let rest = words.slice(1);
  if (to === undefined && rest.length >= 2 && ['..', '-', '–', '—'].includes(rest[0]!)) [to, rest] = [rest[1], rest.slice(2)];
  else if (to === undefined && rest.length && parseLocalDate(rest[0]!)) [to, rest] = [rest[0], rest.slice(1)];
  return validateHoliday({ from, to, name: rest.join(' ') });
}

/** Whether the local date "YYYY-MM-DD" is a day off. */
export function isHoliday(holidays: readonly Holiday[] | undefined, date: string): boolean {
  if (!holidays?.length) return false;
  return holidays.some((h) => h.from <= date && date <= h.to);
}

/** Whether the local day of `at` in `timeZone` is a day off. */
export function isHolidayAt(holidays: readonly Holiday[] | undefined, timeZone: string, at: Date): boolean {
  return isHoliday(holidays, localDateKey(at, timeZone));
}

export type StoredBusinessHours = { hours: BusinessHours | null; unreadable?: undefined } | { hours: null; unreadable: Error };

const WHOLE_WEEK: BusinessHours = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };

/**
 * Business hours as stored on a workspace (and its holidays), for computing. Never throws: a
 * value that does not validate counts as around the clock, and `unreadable` says why (for
 * the caller's log). Holidays without hours are days off in an around-the-clock week.
 */
export function readBusinessHours(stored: unknown, holidays?: unknown): StoredBusinessHours {
  let hours: BusinessHours | null;
  try {
    hours = validateBusinessHours(stored);
  } catch (err) {
    return { hours: null, unreadable: err as Error };
  }
  let off: Holiday[];
  try {
    off = validateHolidays(holidays);
  } catch (err) {
    return { hours, unreadable: err as Error } as StoredBusinessHours;
  }
  if (!off.length) return { hours };
  return { hours: { ...(hours ?? WHOLE_WEEK), holidays: off } };
}

/** The business hours of a workspace row (businessHours and holidays), read as readBusinessHours does. */
export function workspaceHours(ws: { businessHours?: unknown; holidays?: unknown }): StoredBusinessHours {
  return readBusinessHours(ws.businessHours, ws.holidays);
}

/** The window of weekday `day` (1-7), or null when closed that weekday. */
export function windowOf(hours: BusinessHours, day: number): DayWindow | null {
  if (!hours.days.includes(day)) return null;
  return hours.perDay?.[String(day)] ?? { start: hours.start, end: hours.end };
}

interface Window {
  start: number;
  end: number;
}

/**
 * The business windows (epoch ms, [start, end)) that end after `from`, in order. A wall time
 * skipped by a spring-forward jump moves forward by the jump; a window that becomes empty
 * that way is skipped, and so is every window opening on a holiday.
 */
function* windowsAfter(hours: BusinessHours, timeZone: string, from: number): Generator<Window> {
  const perDay = new Map<number, { startMin: number; endMin: number }>();
  for (const d of hours.days) {
    const w = windowOf(hours, d)!;
    const startMin = parseTimeOfDay(w.start)!;
    const endMin = parseTimeOfDay(w.end, true)!;
    perDay.set(d, { startMin, endMin: endMin <= startMin ? endMin + DAY_MINUTES : endMin });
  }
  const holidays = hours.holidays;
  const at = (date: LocalDate, minutes: number) =>
    zonedTimeToInstant(
      { ...addLocalDays(date, Math.floor(minutes / DAY_MINUTES)), hour: Math.floor((minutes % DAY_MINUTES) / 60), minute: minutes % 60 },
      timeZone,
    ).getTime();
  // yesterday's window may still be open (overnight hours)
  let date: LocalDate = addLocalDays(localParts(new Date(from), timeZone), -1);
  // the bound guards the loop (holidays last at most a year each; 3700 days is ten years)
  for (let i = 0; i < 3700; i++, date = addLocalDays(date, 1)) {
    const day = perDay.get(addLocalDays(date, 0).weekday);
    if (!day) continue;
    if (holidays && isHoliday(holidays, `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`)) continue;
    const start = at(date, day.startMin);
    const end = at(date, day.endMin);
    if (end <= from || end <= start) continue;
    yield { start, end };
  }
}

/** Whether `at` falls within business hours (always true without hours). */
export function isWithinBusinessHours(hours: BusinessHours | null, timeZone: string, at: Date): boolean {
  return nextOpening(hours, timeZone, at) === null;
}

/** Null when `at` is within business hours (or none are set); else the instant they next open. */
export function nextOpening(hours: BusinessHours | null, timeZone: string, at: Date): Date | null {
  if (!hours) return null;
  const t = at.getTime();
  for (const w of windowsAfter(hours, timeZone, t)) return w.start <= t ? null : new Date(w.start);
  return null;
}

/** `minutes` of working time after `from`: counted inside business hours when set, on the wall clock otherwise. */
export function addBusinessMinutes(hours: BusinessHours | null, timeZone: string, from: Date, minutes: number): Date {
  let remaining = Math.max(0, minutes) * MINUTE;
  if (!hours) return new Date(from.getTime() + remaining);
  let cursor = from.getTime();
  for (const w of windowsAfter(hours, timeZone, cursor)) {
    const begin = Math.max(w.start, cursor);
    if (begin + remaining <= w.end) return new Date(begin + remaining);
    remaining -= w.end - begin;
    cursor = w.end;
  }
  return new Date(cursor + remaining);
}

/**
 * addBusinessMinutes and nextOpening for many instants of one span (the demo's weeks of
 * history ask thousands of times): the windows of the span are listed once and searched.
 * Answers are those of the functions above; outside the span it asks them.
 */
export class BusinessCalendar {
  private readonly windows: Window[] = [];
  private readonly from: number;

  constructor(
    private readonly hours: BusinessHours | null,
    private readonly timeZone: string,
    span: { from: Date; to: Date },
  ) {
    this.from = span.from.getTime();
    if (!hours) return;
    for (const w of windowsAfter(hours, timeZone, this.from)) {
      this.windows.push(w);
      if (w.start > span.to.getTime()) break;
    }
  }

  /** index of the first listed window ending after t; -1 when t is outside the span */
  private firstEndingAfter(t: number): number {
    if (t < this.from || !this.windows.length || t >= this.windows[this.windows.length - 1]!.end) return -1;
    let lo = 0;
    let hi = this.windows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.windows[mid]!.end > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  addMinutes(from: Date, minutes: number): Date {
    let i = this.hours ? this.firstEndingAfter(from.getTime()) : -1;
    if (i < 0) return addBusinessMinutes(this.hours, this.timeZone, from, minutes);
    let remaining = Math.max(0, minutes) * MINUTE;
    let cursor = from.getTime();
    for (; i < this.windows.length; i++) {
      const w = this.windows[i]!;
      const begin = Math.max(w.start, cursor);
      if (begin + remaining <= w.end) return new Date(begin + remaining);
      remaining -= w.end - begin;
      cursor = w.end;
    }
    return addBusinessMinutes(this.hours, this.timeZone, new Date(cursor), remaining / MINUTE);
  }

  nextOpening(at: Date): Date | null {
    const i = this.hours ? this.firstEndingAfter(at.getTime()) : -1;
    if (i < 0) return nextOpening(this.hours, this.timeZone, at);
    const w = this.windows[i]!;
    return w.start <= at.getTime() ? null : new Date(w.start);
  }
}
