// Business hours: the one home of the rule. A workspace stores
// {"days":[1..7],"start":"09:00","end":"18:00"} in its time zone (1 = Monday). Times may be
// written "9", "9:00" or "09:00"; a start after the end is an overnight window (22:00-06:00
// opens on each listed day and closes the next morning). Everything that asks "are we open"
// uses this module: the customer's acknowledgement (when will we answer), the SLA deadline
// (minutes counted inside hours) and the settings that store the value.
//
// A value is validated when it is set (validateBusinessHours throws a DomainError with the
// reason); at run time a stored value is read with readBusinessHours, which never throws:
// what cannot be read (written around the settings, e.g. by hand in SQL) counts as around the
// clock in every caller alike, and the caller is told so it can log it.
import { invalid } from '../errors.js';
import { addLocalDays, localParts, zonedTimeToInstant, type LocalDate } from './zoned.js';

export interface BusinessHours {
  /** ISO weekdays the window opens on (1 = Monday ... 7 = Sunday), sorted, unique */
  days: number[];
  /** "HH:MM", normalised */
  start: string;
  /** "HH:MM", normalised; before start = the window closes the next day */
  end: string;
}

const MINUTE = 60_000;
const TIME_RE = /^\s*(\d{1,2})(?::(\d{2}))?\s*$/;

/** Minutes after midnight of "9", "9:00", "09:00" (end of day may be "24:00"); null when it is not a time of day. */
export function parseTimeOfDay(value: string, allowEndOfDay = false): number | null {
  const m = TIME_RE.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (min > 59) return null;
  if (h === 24 && min === 0 && allowEndOfDay) return 24 * 60;
  if (h > 23) return null;
  return h * 60 + min;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
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
  const days = new Set<number>();
  for (const d of v.days) {
    const n = typeof d === 'string' && /^\s*\d\s*$/.test(d) ? Number(d) : d;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 7) throw invalid('invalid.business_hours_days', { value: JSON.stringify(d) });
    days.add(n);
  }
  const start = typeof v.start === 'string' || typeof v.start === 'number' ? parseTimeOfDay(String(v.start)) : null;
  if (start === null) throw invalid('invalid.business_hours_start', { value: String(v.start ?? '') });
  const end = typeof v.end === 'string' || typeof v.end === 'number' ? parseTimeOfDay(String(v.end), true) : null;
  if (end === null) throw invalid('invalid.business_hours_end', { value: String(v.end ?? '') });
  if (start === end % (24 * 60)) throw invalid('invalid.business_hours_empty', { start: hhmm(start), end: hhmm(end % (24 * 60)) });
  return { days: [...days].sort((a, b) => a - b), start: hhmm(start), end: end === 24 * 60 ? '24:00' : hhmm(end) };
}

export type StoredBusinessHours = { hours: BusinessHours | null; unreadable?: undefined } | { hours: null; unreadable: Error };

/**
 * Business hours as stored on a workspace, for computing. Never throws: a value that does
 * not validate counts as around the clock, and `unreadable` says why (for the caller's log).
 */
export function readBusinessHours(stored: unknown): StoredBusinessHours {
  try {
    return { hours: validateBusinessHours(stored) };
  } catch (err) {
    return { hours: null, unreadable: err as Error };
  }
}

interface Window {
  start: number;
  end: number;
}

/**
 * The business windows (epoch ms, [start, end)) that end after `from`, in order. A wall time
 * skipped by a spring-forward jump moves forward by the jump; a window that becomes empty
 * that way is skipped.
 */
function* windowsAfter(hours: BusinessHours, timeZone: string, from: number): Generator<Window> {
  const startMin = parseTimeOfDay(hours.start)!;
  const endMin = parseTimeOfDay(hours.end, true)!;
  const overnight = endMin <= startMin;
  const days = new Set(hours.days);
  const at = (date: LocalDate, minutes: number) =>
    zonedTimeToInstant(
      { ...addLocalDays(date, Math.floor(minutes / 1440)), hour: Math.floor((minutes % 1440) / 60), minute: minutes % 60 },
      timeZone,
    ).getTime();
  // yesterday's window may still be open (overnight hours)
  let date: LocalDate = addLocalDays(localParts(new Date(from), timeZone), -1);
  // days is never empty, so a window comes up at least once a week; the bound guards the loop
  for (let i = 0; i < 3700; i++, date = addLocalDays(date, 1)) {
    if (!days.has(addLocalDays(date, 0).weekday)) continue;
    const start = at(date, startMin);
    const end = at(date, overnight ? endMin + 1440 : endMin);
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
