// Finds the date and time phrase in a message with chrono-node (English and Russian, the
// user's language first) and reads it in the user's time zone. Chrono gets the user's
// current UTC offset as reference, so its calendar fields are the user's wall clock;
// turning a wall time back into an instant is done with Intl (zoned-time.ts), DST-correct.
//
// Conventions (documented in the notes for the parser):
// - "morning/утром" = 09:00, "afternoon/днём/после обеда" = 14:00, "evening/tonight/вечером" = 19:00,
//   "noon/полдень" = 12:00, "midnight/полночь" = 00:00.
// - An hour without am/pm: 0, 12-23 and zero-padded "09:00" are exact; 8-11 are read as
//   morning (with the evening as the alternative); 1-7 are ambiguous (05:00 or 17:00).
// - "in 2 hours"/"через 30 минут" are exact instants; "in 3 days" names a day, not a time.
import * as chrono from 'chrono-node';
import type { Locale } from '../../i18n/index.js';
import { addDays, offsetMinutesAt, wallAt, wallToUtcMs, weekdayOf, type Wall } from './zoned-time.js';

export type TimeKind = 'exact' | 'morning-default' | 'ambiguous';

export interface Span {
  index: number;
  end: number;
}

export interface When {
  /** The text the spans refer to (the message after normalisation). */
  text: string;
  spans: Span[];
  /** An exact instant ("in 2 hours"); when set, date/time are not used. */
  instant: Date | null;
  /** The day that was said, if any (hour/minute ignored). */
  date: Wall | null;
  /** The day was a bare weekday ("on Friday"): the next such day. */
  dateFromWeekday: boolean;
  /** The day was said without a year ("10 March"): a past date means next year. */
  yearImplied: boolean;
  time: { hour: number; minute: number } | null;
  timeKind: TimeKind;
}

const CASUAL_TIMES: Array<[string, number]> = [
  ['casualReference/morning', 9],
  ['casualReference/afternoon', 14],
  ['casualReference/evening', 19],
  ['casualReference/tonight', 19],
  ['casualReference/noon', 12],
  ['casualReference/midnight', 0],
];

function isoDate(w: Wall): string {
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Rewrites date/time forms chrono misses or misreads into forms it reads well. Only
 * date/time words change, and they are cut from the title afterwards.
 */
export function normalizeDatePhrases(text: string, now: Wall): string {
  let s = text;
  // "в 5 вечера" -> "в 17:00", "в 8 утра" -> "в 08:00" (chrono keeps 5 вечера as 05:00)
  s = s.replace(
    /(?<![\p{L}\d])(\d{1,2})(?:[:.](\d{2}))?\s*(утра|ночи|дня|вечера)(?![\p{L}])/giu,
    (whole, h: string, m: string | undefined, part: string, offset: number) => {
      // "через 3 дня" is three days, "в 3 дня" is 15:00
      if (part.toLowerCase() === 'дня' && m === undefined && !/(?:^|\s)(?:в|во|к|до)\s*$/iu.test(s.slice(0, offset))) return whole;
      let hour = Number(h);
      const minute = Number(m ?? 0);
      if (hour > 23 || minute > 59) return whole;
      const p = part.toLowerCase();
      if ((p === 'дня' || p === 'вечера') && hour < 12) hour += 12;
      if ((p === 'утра' || p === 'ночи') && hour === 12) hour = 0;
      return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    },
  );
  // "(the) day after tomorrow" (chrono en reads only "tomorrow")
  s = s.replace(/(?<![\p{L}])(?:the\s+)?day\s+after\s+tomorrow(?![\p{L}])/giu, () => isoDate(addDays(now, 2)));
  // "12.03", "12.03.2026": day first, as written in Russia and Europe (the en reading is month first)
  s = s.replace(/(?<![\p{L}\d.:])(?<!(?:в|at)\s)(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?(?![\d:]|\.\d)/giu, (whole, d: string, mo: string, y?: string) => {
    const day = Number(d);
    const month = Number(mo);
    let year = y ? Number(y.length === 2 ? `20${y}` : y) : now.year;
    if (!validDay(year, month, day)) return whole;
    if (!y && wallToUtcMs({ year, month, day, hour: 23, minute: 59 }) < wallToUtcMs(now)) year += 1;
    return isoDate({ year, month, day, hour: 0, minute: 0 });
  });
  // "15 числа", "15-го числа", "on the 15th": this month, or next if the day has passed
  const dayOfMonth = (whole: string, d: string) => {
    const day = Number(d);
    let { year, month } = now;
    if (day < now.day) [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
    return validDay(year, month, day) ? isoDate({ year, month, day, hour: 0, minute: 0 }) : whole;
  };
  s = s.replace(/(?<![\p{L}\d])(\d{1,2})(?:-?го)?\s+числа(?![\p{L}])/giu, dayOfMonth);
  s = s.replace(/(?<![\p{L}\d])on\s+the\s+(\d{1,2})(?:st|nd|rd|th)(?![\p{L}])/giu, dayOfMonth);
  // "днём", "после обеда": the afternoon convention, 14:00
  s = s.replace(/(?<![\p{L}])(?:дн[её]м|после\s+обеда)(?![\p{L}])/giu, 'в 14:00');
  return s;
}

type ChronoResult = ReturnType<typeof chrono.en.casual.parse>[number];

function hasDate(r: ChronoResult): boolean {
  return r.start.isCertain('day') || r.start.isCertain('weekday');
}
function hasTime(r: ChronoResult): boolean {
  return r.start.isCertain('hour') || CASUAL_TIMES.some(([tag]) => r.start.tags().has(tag));
}

/** The results this phrase is made of: the first, plus a second that completes it (date + time). */
function pick(results: ChronoResult[]): ChronoResult[] {
  const [first, second] = results;
  if (!first) return [];
  if (!second) return [first];
  const firstRelative = first.start.tags().has('result/relativeDateAndTime');
  if (!firstRelative && hasDate(first) && !hasTime(first) && hasTime(second) && !hasDate(second)) return [first, second];
  if (!firstRelative && hasTime(first) && !hasDate(first) && hasDate(second) && !hasTime(second)) return [first, second];
  return [first];
}

function coverage(results: ChronoResult[]): number {
  return results.reduce((n, r) => n + r.text.length, 0);
}

/** The date/time phrase of a message, or null when it names no date or time. */
export function findWhen(rawText: string, now: Date, timeZone: string, locale: Locale): When | null {
  const nowWall = wallAt(now, timeZone);
  const text = normalizeDatePhrases(rawText, nowWall);
  const reference = { instant: now, timezone: offsetMinutesAt(now, timeZone) };
  const order = locale === 'ru' ? [chrono.ru.casual, chrono.en.casual] : [chrono.en.casual, chrono.ru.casual];
  let chosen: ChronoResult[] = [];
  for (const parser of order) {
    const picked = pick(parser.parse(text, reference));
    if (coverage(picked) > coverage(chosen)) chosen = picked;
  }
  if (chosen.length === 0) return null;

  const spans = chosen.map((r) => ({ index: r.index, end: r.index + r.text.length }));
  const when: When = { text, spans, instant: null, date: null, dateFromWeekday: false, yearImplied: false, time: null, timeKind: 'exact' };
  const dateResult = chosen.find(hasDate);
  const timeResult = chosen.find(hasTime);
  const first = chosen[0]!;

  if (first.start.tags().has('result/relativeDateAndTime')) {
    // "in 2 hours": chrono's fields are the wall clock at a fixed offset; the difference
    // from now is the duration, added to the instant so a DST change in between is right
    const c = first.start;
    const target = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')!, hour: c.get('hour')!, minute: c.get('minute')! };
    const minuteNow = Math.floor(now.getTime() / 60_000) * 60_000;
    when.instant = new Date(minuteNow + (wallToUtcMs(target) - wallToUtcMs(nowWall)));
    return when;
  }

  if (dateResult) {
    const c = dateResult.start;
    when.date = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')!, hour: 0, minute: 0 };
    when.dateFromWeekday = !c.isCertain('day') && c.isCertain('weekday');
    when.yearImplied = c.isCertain('day') && !c.isCertain('year');
    if (when.dateFromWeekday) when.date = nextWeekday(nowWall, c.get('weekday')!, when.date);
  }

  if (timeResult) {
    const c = timeResult.start;
    const spanText = timeResult.text;
    if (c.isCertain('hour')) {
      const hour = c.get('hour')!;
      when.time = { hour, minute: c.get('minute') ?? 0 };
      const exact = c.isCertain('meridiem') || hour === 0 || hour >= 12 || /(?<!\d)0\d[:.]\d{2}/.test(spanText);
      when.timeKind = exact ? 'exact' : hour >= 8 ? 'morning-default' : 'ambiguous';
    } else {
      const tags = c.tags();
      const casual = CASUAL_TIMES.find(([tag]) => tags.has(tag));
      if (casual) when.time = { hour: casual[1], minute: 0 };
    }
  }
  return when;
}

/** The weekday on or after today: chrono's own pick when it is ahead ("next Monday"), else the next one. */
function nextWeekday(now: Wall, weekday: number, chronoPick: Wall): Wall {
  if (wallToUtcMs(chronoPick) >= wallToUtcMs({ ...now, hour: 0, minute: 0 })) return chronoPick;
  const ahead = (weekday - weekdayOf(now) + 7) % 7;
  return addDays({ ...now, hour: 0, minute: 0 }, ahead);
}
