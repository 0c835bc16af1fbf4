// A TimeExpr (time-grammar.ts) read against "now" in a time zone: one instant the parser is
// sure of, or the readings to ask about. Every reading carries a confidence; the rule is
// that two readings which differ are asked about, never picked silently.
//
// Conventions (docs/chat.md):
// - morning 09:00, afternoon/днём/after lunch 14:00, evening/tonight/вечером 19:00, night 22:00,
//   noon 12:00, midnight 00:00, lunch 13:00, before lunch 11:00, end of day 18:00.
// - An hour without am/pm: 0, 12-23 and zero-padded "09:00" are exact; 8-11 are the morning
//   (asked when the morning has passed today); 1-7 are asked (05:00 or 17:00).
// - A weekday is the next such day; said on that very day it is next week's, and asked when
//   the time named is still ahead today. "next Friday" is next week's Friday; when this
//   week's Friday is still ahead both are offered. "Friday after next" is a week after that.
// - A date without a year that has passed is next year's; "the 15th" is this month's or, when
//   passed, next month's.
// - A zone in the phrase ("4pm CET") reads the time on that zone's clock; an abbreviation
//   whose literal offset differs from its region's clock that day ("EST" in July) is asked.
import { CONFIDENCE_THRESHOLD, type ClarifyReason } from './intent.js';
import type { DateSpec, TimeExpr, TimeOfDay } from './time-grammar.js';
import { addDays, wallAt, wallToInstant, wallToUtcMs, weekdayOf, type Wall } from '../time/wall.js';

export type Resolution =
  | { kind: 'sure'; at: Date; confidence: number }
  | {
      kind: 'ask';
      reason: ClarifyReason;
      options: Date[];
      likely: Date | null;
      confidence: number;
      /** the day the question is about (missing time, passed), in the frame's wall clock */
      day?: Wall;
      /** what was said that cannot be ("25:00") */
      value?: string;
    };

interface Frame {
  zone: string;
  /** minutes to subtract from the zone's wall clock (a fixed offset written as UTC+3 is UTC with shift 180) */
  shift: number;
}

const CONF_EXACT = 0.95;
const CONF_CONVENTION = 0.85;
const CONF_MORNING = 0.8;
const CONF_CONFLICT = 0.4;
const CONF_LEFTOVER = 0.5;

// a literal, not a spread: this runs a few dozen times per message
const at = (day: Wall, hour: number, minute = 0): Wall => ({ year: day.year, month: day.month, day: day.day, hour, minute });

function frameNow(now: Date, f: Frame): Wall {
  return wallAt(new Date(now.getTime() + f.shift * 60_000), f.zone);
}
function instant(w: Wall, f: Frame): Date {
  return new Date(wallToInstant(w, f.zone).getTime() - f.shift * 60_000);
}
function validDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
/** ISO weekday index, Monday = 0 ... Sunday = 6 */
const mondayIndex = (w: Wall) => (weekdayOf(w) + 6) % 7;

interface DateChoice {
  /** candidate days, the likelier first */
  days: Wall[];
  /** a time the date phrase implies ("end of the week" = 18:00) */
  impliedTime?: { hour: number; minute: number };
  /** "in 3 days": the same time of day as now is one of the options */
  sameTimeOption?: boolean;
  /** the weekday said does not fit the date said */
  conflict?: boolean;
  invalid?: boolean;
}

function addMonths(w: Wall, months: number, day = w.day): Wall {
  const total = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { ...w, year, month, day: Math.min(day, last) };
}

function nthWeekday(year: number, month: number, n: number, weekday: number): Wall | null {
  const first: Wall = { year, month, day: 1, hour: 0, minute: 0 };
  if (n > 0) {
    const day = 1 + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
    return validDay(year, month, day) ? { ...first, day } : null;
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last: Wall = { ...first, day: lastDay };
  return { ...first, day: lastDay - ((weekdayOf(last) - weekday + 7) % 7) };
}

function isBefore(w: Wall, day: Wall): boolean {
  return wallToUtcMs(w) < wallToUtcMs(day);
}
function isAfter(w: Wall, now: Wall): boolean {
  return wallToUtcMs(w) > wallToUtcMs(now);
}

/** A day said without a year that has passed is next year's. */
function impliedYear(year: number, month: number, day: number, implied: boolean, today: Wall): Wall {
  const w: Wall = { year, month, day, hour: 0, minute: 0 };
  return implied && isBefore(w, today) ? { year: year + 1, month, day, hour: 0, minute: 0 } : w;
}

function resolveDate(spec: DateSpec, now: Wall, time: TimeOfDay | null): DateChoice {
  const today = at(now, 0);
  switch (spec.k) {
    case 'abs': {
      const year = spec.year ?? now.year;
      if (!validDay(year, spec.month, spec.day)) return { days: [], invalid: true };
      const days = [impliedYear(year, spec.month, spec.day, spec.year === null, today)];
      if (spec.alt && validDay(year, spec.alt.month, spec.alt.day)) days.push(impliedYear(year, spec.alt.month, spec.alt.day, spec.year === null, today));
      return { days };
    }
    case 'rel':
      return { days: [addDays(today, spec.days)] };
    case 'offset':
      return { days: [addMonths(addDays(today, spec.days), spec.months)], sameTimeOption: true };
    case 'weekday': {
      const ahead = (spec.weekday - weekdayOf(today) + 7) % 7;
      const coming = addDays(today, ahead === 0 ? 7 : ahead);
      const nextMonday = addDays(today, 7 - mondayIndex(today));
      switch (spec.mode) {
        case 'this':
          return { days: [addDays(today, ahead)] };
        case 'plain':
          // said on that very day: next week's, or today when the time named is still ahead (asked)
          if (ahead === 0 && time && wallToUtcMs(at(today, time.hour, time.minute)) > wallToUtcMs(now)) return { days: [coming, today] };
          return { days: [coming] };
        case 'next':
          // next week's; when this week's is still ahead, both
          return wallToUtcMs(coming) < wallToUtcMs(nextMonday) ? { days: [addDays(coming, 7), coming] } : { days: [coming] };
        case 'after-next':
          return { days: [addDays(coming, 7)] };
        case 'next-week':
          return { days: [addDays(nextMonday, (spec.weekday + 6) % 7)] };
        case 'this-week':
          return { days: [addDays(nextMonday, ((spec.weekday + 6) % 7) - 7)] };
      }
      break;
    }
    case 'month-day': {
      let base = addMonths({ ...today, day: 1 }, spec.monthOffset ?? 0, 1);
      if (spec.monthOffset === null && spec.day < now.day) base = addMonths(base, 1, 1);
      if (!validDay(base.year, base.month, spec.day)) return { days: [], invalid: true };
      return { days: [{ ...base, day: spec.day }] };
    }
    case 'nth': {
      let year = now.year;
      let month = spec.month ?? addMonths(today, spec.monthOffset).month;
      if (spec.month === null) year = addMonths(today, spec.monthOffset).year;
      let d = nthWeekday(year, month, spec.n, spec.weekday);
      if (d && isBefore(d, today) && spec.month !== null) d = nthWeekday(year + 1, month, spec.n, spec.weekday);
      else if (d && isBefore(d, today)) {
        const next = addMonths(today, 1);
        [year, month] = [next.year, next.month];
        d = nthWeekday(year, month, spec.n, spec.weekday);
      }
      return d ? { days: [d] } : { days: [], invalid: true };
    }
    case 'weekday-day': {
      // the first day on or after today that has this day number (and month, year) and falls on the weekday
      for (let k = 0; k < 12 * 6; k++) {
        const m = addMonths({ ...today, day: 1 }, k, 1);
        if (spec.year && m.year !== spec.year) continue;
        if (spec.month !== null && m.month !== spec.month) continue;
        if (!validDay(m.year, m.month, spec.day)) continue;
        const d = { ...m, day: spec.day };
        if (!isBefore(d, today) && weekdayOf(d) === spec.weekday) return { days: [d] };
      }
      // no such day: the date as said, with the disagreement noted
      const fallback = resolveDate(
        spec.month === null ? { k: 'month-day', day: spec.day, monthOffset: null } : { k: 'abs', year: spec.year ?? null, month: spec.month, day: spec.day },
        now,
        time,
      );
      return { ...fallback, conflict: true };
    }
    case 'week':
      return { days: [spec.rel === 1 ? addDays(today, 7 - mondayIndex(today)) : today] };
    case 'end-of-week': {
      const friday = addDays(today, 4 - mondayIndex(today));
      return { days: [isBefore(friday, today) ? addDays(friday, 7) : friday], impliedTime: { hour: 18, minute: 0 } };
    }
    case 'end-of-month': {
      const last = new Date(Date.UTC(now.year, now.month, 0)).getUTCDate();
      return { days: [{ ...today, day: last }], impliedTime: { hour: 18, minute: 0 } };
    }
    case 'weekend': {
      const idx = mondayIndex(today);
      const saturday = idx >= 5 ? today : addDays(today, 5 - idx);
      return { days: [addDays(saturday, spec.rel * 7)] };
    }
  }
  return { days: [] };
}

function baseConfidence(time: TimeOfDay): number {
  if (time.convention) return CONF_CONVENTION;
  return time.kind === 'morning-default' ? CONF_MORNING : CONF_EXACT;
}

interface Readings {
  options: Wall[];
  likely: Wall | null;
  sure: boolean;
  reason: ClarifyReason;
  day?: Wall;
}

/** The readings of a time of day on a day (or, without a day, the next such time). */
function readTime(day: Wall | null, time: TimeOfDay, now: Wall): Readings {
  const today = at(now, 0);
  const tomorrow = addDays(today, 1);
  const future = (w: Wall) => isAfter(w, now);
  const { hour, minute, kind } = time;
  if (day) {
    const preferred = at(day, hour, minute);
    if (kind === 'exact' || (kind === 'morning-default' && future(preferred))) {
      if (future(preferred)) return { options: [preferred], likely: preferred, sure: true, reason: 'ambiguous' };
      const options = [at(addDays(day, 1), hour, minute), at(today, 18)].filter(future);
      return { options, likely: null, sure: false, reason: 'passed', day: preferred };
    }
    const candidates = [preferred, at(day, hour + 12, minute)].filter(future);
    if (kind === 'morning-default') candidates.push(at(addDays(day, 1), hour, minute));
    if (candidates.length === 1 && kind === 'ambiguous') return { options: candidates, likely: candidates[0]!, sure: true, reason: 'ambiguous' };
    if (candidates.length === 0) {
      const options = [at(addDays(day, 1), hour, minute), at(addDays(day, 1), hour + 12, minute)];
      return { options, likely: null, sure: false, reason: 'passed', day: preferred };
    }
    return {
      options: candidates.slice(0, 2),
      likely: hour >= 8 ? candidates[0]! : (candidates.find((w) => w.hour >= 8 && w.hour < 20) ?? null),
      sure: false,
      reason: 'ambiguous',
    };
  }
  if (kind === 'exact') {
    const todayAt = at(today, hour, minute);
    const w = future(todayAt) ? todayAt : at(tomorrow, hour, minute);
    return { options: [w], likely: w, sure: true, reason: 'ambiguous' };
  }
  if (kind === 'morning-default') {
    const morning = at(today, hour, minute);
    if (future(morning)) return { options: [morning], likely: morning, sure: true, reason: 'ambiguous' };
    const evening = at(today, hour + 12, minute);
    const next = at(tomorrow, hour, minute);
    if (!future(evening)) return { options: [next], likely: next, sure: true, reason: 'ambiguous' };
    return { options: [evening, next], likely: next, sure: false, reason: 'ambiguous' };
  }
  const candidates = [at(today, hour, minute), at(today, hour + 12, minute), at(tomorrow, hour, minute), at(tomorrow, hour + 12, minute)]
    .filter(future)
    .slice(0, 2);
  return { options: candidates, likely: candidates.find((w) => w.hour >= 8 && w.hour < 20) ?? null, sure: false, reason: 'ambiguous' };
}

function dedupe(dates: Date[]): Date[] {
  const seen = new Set<number>();
  return dates.filter((d) => (seen.has(d.getTime()) ? false : (seen.add(d.getTime()), true)));
}

function resolveInFrame(expr: TimeExpr, now: Date, frame: Frame): Resolution | null {
  const nowWall = frameNow(now, frame);
  const penalty = expr.conflicts > 0 ? CONF_CONFLICT : expr.leftovers > 0 ? CONF_LEFTOVER : 1;
  const finish = (r: Resolution): Resolution => {
    if (r.kind !== 'sure') return r;
    const confidence = Math.min(r.confidence, penalty);
    if (confidence >= CONFIDENCE_THRESHOLD) return { ...r, confidence };
    return { kind: 'ask', reason: 'unsure', options: [r.at], likely: r.at, confidence };
  };

  if (expr.offsetMinutes !== null) {
    const minuteNow = Math.floor(now.getTime() / 60_000) * 60_000;
    return finish({ kind: 'sure', at: new Date(minuteNow + expr.offsetMinutes * 60_000), confidence: CONF_EXACT });
  }

  const choice = expr.date ? resolveDate(expr.date, nowWall, expr.time) : null;
  if (choice?.invalid) return { kind: 'ask', reason: 'invalid_date', options: [], likely: null, confidence: 0 };
  const conflictPenalty = choice?.conflict ? CONF_CONFLICT : 1;
  const time = expr.time ?? (choice?.impliedTime ? { ...choice.impliedTime, kind: 'exact' as const, convention: true } : null);
  const future = (w: Wall) => wallToUtcMs(w) > wallToUtcMs(nowWall);

  if (!time) {
    const day = choice?.days[0];
    if (!day) return { kind: 'ask', reason: 'missing', options: [], likely: null, confidence: 0 };
    const hours = [9, 14, 18].map((h) => at(day, h));
    if (choice.sameTimeOption) hours.push(at(day, nowWall.hour, nowWall.minute));
    let options = hours.filter(future).sort((a, b) => wallToUtcMs(a) - wallToUtcMs(b));
    if (options.length === 0) options = [at(addDays(at(nowWall, 0), 1), 9)];
    return { kind: 'ask', reason: 'missing', options: options.map((w) => instant(w, frame)), likely: null, confidence: 0, day };
  }

  const days = choice ? choice.days : [null];
  const all: Readings[] = days.map((d) => readTime(d, time, nowWall));
  if (all.length === 1) {
    const r = all[0]!;
    const opts = r.options.map((w) => instant(w, frame));
    if (r.sure) return finish({ kind: 'sure', at: opts[0]!, confidence: Math.min(baseConfidence(time), conflictPenalty) });
    return { kind: 'ask', reason: r.reason, options: opts, likely: r.likely ? instant(r.likely, frame) : null, confidence: 0.5, day: r.day };
  }
  // two days (this week's or next week's, day/month or month/day): every reading that is ahead
  const readings = all.flatMap((r) => (r.sure ? r.options : r.options.filter(future)));
  const first = all[0]!;
  const likely = first.likely ?? readings[0] ?? null;
  return {
    kind: 'ask',
    reason: readings.length ? 'ambiguous' : 'passed',
    options: dedupe(readings.map((w) => instant(w, frame))),
    likely: likely ? instant(likely, frame) : null,
    confidence: 0.5,
    day: first.day,
  };
}

/** Reads a time expression: the instant, or what to ask (an impossible time or date is asked too). */
export function resolveTimeExpr(expr: TimeExpr, now: Date, timeZone: string): Resolution | null {
  if (expr.invalid)
    return {
      kind: 'ask',
      reason: expr.invalid.what === 'time' ? 'invalid_time' : 'invalid_date',
      options: [],
      likely: null,
      confidence: 0,
      value: expr.invalid.text,
    };
  const z = expr.zone;
  const primary: Frame = !z
    ? { zone: timeZone, shift: 0 }
    : z.zone === 'UTC' && z.offsetMinutes !== null
      ? { zone: 'UTC', shift: z.offsetMinutes }
      : { zone: z.zone ?? timeZone, shift: 0 };
  const r = resolveInFrame(expr, now, primary);
  if (!r || !z || z.offsetMinutes === null || primary.shift !== 0) return r;
  // "4pm EST" in July: New York's clock says EDT; the literal offset gives another instant
  const literal = resolveInFrame(expr, now, { zone: 'UTC', shift: z.offsetMinutes });
  if (!literal || r.kind !== 'sure' || literal.kind !== 'sure' || literal.at.getTime() === r.at.getTime()) return r;
  const options = [r.at, literal.at].sort((a, b) => a.getTime() - b.getTime());
  return { kind: 'ask', reason: 'ambiguous', options, likely: r.at, confidence: 0.5 };
}
