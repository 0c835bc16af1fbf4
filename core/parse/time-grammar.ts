// The grammar of time expressions in English and Russian over the tokens of time-tokens.ts.
// A longest-match chunker: at each token it tries the rules below (after optional
// prepositions such as "at", "on", "around", "в", "к", "около"), keeps the longest match as
// a component, and goes on after it. Components are then combined into one TimeExpr:
//
//   TIME    clock and hour forms: 17:30, 5pm, 5 p.m., 730 in the evening, 15ч, 17ч10, в 15 часов
//           30 минут, ten thirty am, в пятнадцать часов, at 7.30; minute phrases: a quarter past 3,
//           half past 3, twenty after 3, 20 minutes to 2, в половине третьего, полтретьего,
//           без четверти пять, четверть шестого; qualifiers am/pm, in the evening, вечера, утра
//   PART    morning, this afternoon, tonight, noon, midnight, after lunch, end of day, утром, днём,
//           вечером, в обед, после обеда, в конце дня
//   DAY     today, tomorrow, (the) day after tomorrow, сегодня, завтра, послезавтра
//   WEEKDAY [this|next|coming] Friday [after next|next week|the 19th], в (следующую) пятницу
//   DATE    20 March (2027), March 20th, the 20th of March, 18-го февраля, к третьему марта,
//           12.03(.2026), 2026-03-12, 03/20, the 15th, 15 числа, 24-ого, 20 of next month,
//           first Tuesday of October, last Monday of March, в последний понедельник марта
//   WEEK    next week, this week, end of the week, weekend, end of the month (и по-русски)
//   OFFSET  in 2 hours, in 2.5 hours, in an hour and a half, in a quarter of an hour, in
//           three-quarters of an hour, 1h30, 3 days from now, через полчаса, через полтора часа,
//           через четверть часа, через 2 дня, через неделю
//   ZONE    CET, PST, MSK/МСК, UTC+3, GMT-05:00, Europe/London, по Москве, moscow time
//
// Impossible values said as times or dates ("25:00", "10:75", "31 февраля") become an
// `invalid` component, so the reply can say so instead of guessing.
import { tokenize, type Tok } from './time-tokens.js';
import {
  cardinal,
  monthWord,
  NOT_AN_HOUR_AFTER,
  ordinal,
  ORDINAL_SUFFIXES,
  PART_TIME,
  PART_WORDS,
  unitWord,
  UNIT_MINUTES,
  weekdayWord,
  type Part,
} from './time-lexicon.js';
import { cityZone, ianaZone, zoneAbbreviation, type ZoneRef } from './time-zones.js';

export type TimeKind = 'exact' | 'morning-default' | 'ambiguous';

export interface TimeOfDay {
  hour: number;
  minute: number;
  kind: TimeKind;
  /** the time comes from a part-of-day word by convention ("morning" = 09:00) */
  convention?: boolean;
}

export type WeekdayMode = 'plain' | 'this' | 'next' | 'after-next' | 'next-week' | 'this-week';

export type DateSpec =
  | { k: 'abs'; year: number | null; month: number; day: number; alt?: { month: number; day: number } }
  | { k: 'rel'; days: number }
  | { k: 'weekday'; weekday: number; mode: WeekdayMode }
  | { k: 'month-day'; day: number; monthOffset: number | null }
  | { k: 'nth'; n: number; weekday: number; month: number | null; monthOffset: number }
  | { k: 'weekday-day'; weekday: number; day: number; month: number | null; year?: number | null }
  | { k: 'offset'; days: number; months: number }
  | { k: 'week'; rel: number }
  | { k: 'end-of-week' }
  | { k: 'end-of-month' }
  | { k: 'weekend'; rel: number };

export interface Span {
  index: number;
  end: number;
}

export interface TimeExpr {
  /** where the expression's pieces are in the text (to cut them out of a title) */
  spans: Span[];
  date: DateSpec | null;
  time: TimeOfDay | null;
  /** an exact duration from now ("in 2 hours"), in minutes */
  offsetMinutes: number | null;
  zone: ZoneRef | null;
  /** an impossible time or date as written ("25:00", "31 февраля") */
  invalid: { what: 'time' | 'date'; text: string } | null;
  /** pieces that disagree ("at 5 … at 6", "Monday 12 March" when the 12th is a Thursday) */
  conflicts: number;
  /** time words left outside the expression (a sign that something was not understood) */
  leftovers: number;
}

// ---- components ----

type Comp =
  | { k: 'time'; hour: number; minute: number; kind: TimeKind; part: Part | null; meridiem: boolean }
  | { k: 'part'; part: Part; days?: number }
  | { k: 'date'; date: DateSpec }
  | { k: 'week'; rel: number }
  | { k: 'offset'; minutes: number; days: number; months: number; exact: boolean }
  | { k: 'zone'; zone: ZoneRef }
  | { k: 'invalid'; what: 'time' | 'date'; text: string }
  | { k: 'interval' };

interface Match {
  end: number; // token index after the match
  comps: Comp[];
}

const PREPS = new Set([
  'at',
  'on',
  'by',
  'around',
  'about',
  'approximately',
  'approx',
  'circa',
  'the',
  'before',
  'until',
  'till',
  'for',
  'в',
  'во',
  'к',
  'ко',
  'на',
  'около',
  'примерно',
  'где-то',
  'часов',
  'до',
  'не',
  'позже',
  'позднее',
  'ровно',
  'sharp',
  '~',
  'early',
  'late',
  'later',
  'рано',
  'поздно',
  'попозже',
  'пораньше',
  'from',
  'between',
  'с',
  'между',
]);
/** Prepositions after which a bare number is an hour ("at 5", "в 5", "к 5"). */
const HOUR_PREPS = new Set([
  'at',
  'around',
  'about',
  'by',
  'before',
  'until',
  'till',
  'в',
  'во',
  'к',
  'ко',
  'около',
  'примерно',
  'до',
  'где-то',
  'часов',
  'ровно',
]);

const NO = '\u0000';

class Cursor {
  constructor(readonly toks: Tok[]) {}
  w(i: number): string {
    const t = this.toks[i];
    return t && t.kind === 'word' ? t.t : '';
  }
  tok(i: number): Tok | undefined {
    return this.toks[i];
  }
  /** Whether token i is one of the words (explicit parameters: no array per call on the hot path). */
  is(i: number, a: string, b = NO, c = NO, d = NO, e = NO, f = NO, g = NO, h = NO): boolean {
    const t = this.toks[i];
    if (!t || t.kind !== 'word') return false;
    const w = t.t;
    return w === a || w === b || w === c || w === d || w === e || w === f || w === g || w === h;
  }
  num(i: number): number | null {
    const t = this.toks[i];
    return t && t.kind === 'num' ? t.n : null;
  }
}

// ---- numbers in words and digits ----

/** A cardinal in words or digits, possibly two words ("twenty five", "двадцать пять"). */
function readCardinal(c: Cursor, i: number): { value: number; end: number; words: boolean } | null {
  const n = c.num(i);
  if (n !== null) return { value: n, end: i + 1, words: false };
  const first = cardinal(c.w(i));
  if (first === null) return null;
  if (first >= 20 && first % 10 === 0) {
    const ones = cardinal(c.w(i + 1));
    if (ones !== null && ones > 0 && ones < 10) return { value: first + ones, end: i + 2, words: true };
  }
  return { value: first, end: i + 1, words: true };
}

/** A day number: 20, 20th, 20-го, "twentieth", "двадцатого", "двадцать пятого", "third". */
function readDayNumber(c: Cursor, i: number): { day: number; end: number; marked: boolean } | null {
  const t = c.tok(i);
  if (!t) return null;
  if (t.kind === 'num' && t.t.length <= 2) {
    const next = c.tok(i + 1);
    if (next?.kind === 'word' && next.glued && ORDINAL_SUFFIXES.has(next.t)) return { day: t.n, end: i + 2, marked: true };
    if (next?.kind === 'punct' && next.t === '-' && next.glued) {
      const suffix = c.tok(i + 2);
      if (suffix?.kind === 'word' && suffix.glued && ORDINAL_SUFFIXES.has(suffix.t)) return { day: t.n, end: i + 3, marked: true };
    }
    return { day: t.n, end: i + 1, marked: false };
  }
  const direct = ordinal(c.w(i));
  if (direct !== null) return { day: direct, end: i + 1, marked: true };
  const tens = cardinal(c.w(i));
  if (tens !== null && (tens === 20 || tens === 30)) {
    const ones = ordinal(c.w(i + 1));
    if (ones !== null && ones < 10) return { day: tens + ones, end: i + 2, marked: true };
  }
  return null;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function readYear(c: Cursor, i: number): { year: number; end: number } | null {
  let j = i;
  if (c.tok(j)?.t === ',') j++;
  const n = c.num(j);
  if (n === null || n < 1900 || n > 2100) return null;
  let end = j + 1;
  if (c.is(end, 'года', 'год', 'г', 'year')) end++;
  if (c.tok(end)?.t === '.' && c.w(end - 1) === 'г') end++;
  return { year: n, end };
}

// ---- TIME ----

/** Qualifiers after a time: am/pm, "in the evening", "at night", "утра", "вечера", "вечером". */
function readQualifier(c: Cursor, i: number): { part: Part | null; meridiem: 'am' | 'pm' | null; end: number } | null {
  const w = c.w(i);
  if (w === 'am' || w === 'pm') return { part: null, meridiem: w, end: i + 1 };
  if ((w === 'a' || w === 'p') && c.is(i + 1, 'm')) return { part: null, meridiem: w === 'a' ? 'am' : 'pm', end: i + 2 };
  if (c.is(i, 'in', 'of') && c.is(i + 1, 'the') && c.is(i + 2, 'morning', 'afternoon', 'evening', 'night'))
    return { part: PART_WORDS.get(c.w(i + 2))!.part, meridiem: null, end: i + 3 };
  if (c.is(i, 'at') && c.is(i + 1, 'night')) return { part: 'night', meridiem: null, end: i + 2 };
  if (c.is(i, 'утра', 'дня', 'вечера', 'ночи', 'утром', 'вечером', 'ночью', 'днем')) return { part: PART_WORDS.get(w)!.part, meridiem: null, end: i + 1 };
  if (c.is(i, 'noon', 'midday', 'полдень')) return { part: 'noon', meridiem: null, end: i + 1 };
  if (c.is(i, 'midnight', 'полночь')) return { part: 'midnight', meridiem: null, end: i + 1 };
  return null;
}

function applyQualifier(hour: number, q: { part: Part | null; meridiem: 'am' | 'pm' | null }): number | null {
  if (q.meridiem === 'am') return hour === 12 ? 0 : hour <= 12 ? hour : null;
  if (q.meridiem === 'pm') return hour < 12 ? hour + 12 : hour === 12 ? 12 : null;
  return qualifyByPart(hour, q.part!);
}

/** An hour said with a part of the day: "8 in the evening" = 20, "12 at night" = 0, "2 ночи" = 2. */
export function qualifyByPart(hour: number, part: Part): number | null {
  if (hour > 12) {
    // 24-hour clock: the part must agree ("15:00 in the afternoon")
    const ok = part === 'morning' ? hour < 12 : part === 'night' ? hour >= 20 : hour >= 12;
    return ok ? hour : null;
  }
  switch (part) {
    case 'morning':
      return hour === 12 ? 0 : hour;
    case 'afternoon':
    case 'after_lunch':
      return hour === 12 ? 12 : hour + 12;
    case 'evening':
      return hour === 12 ? 0 : hour + 12;
    case 'night':
      return hour === 12 ? 0 : hour >= 6 ? hour + 12 : hour;
    case 'noon':
      return hour === 12 ? 12 : null;
    case 'midnight':
      return hour === 12 || hour === 0 ? 0 : null;
    default:
      return null;
  }
}

function kindOf(hour: number, padded: boolean): TimeKind {
  if (padded || hour === 0 || hour >= 12) return 'exact';
  return hour >= 8 ? 'morning-default' : 'ambiguous';
}

/** A time component from an hour and minute as said, with what follows it (am/pm, a qualifier, "o'clock"). */
function finishTime(c: Cursor, i: number, hour: number, minute: number, padded: boolean, start: number, strong: boolean): Match | null {
  let end = i;
  if (minute === 0 && c.is(end, 'с') && c.is(end + 1, 'половиной')) {
    // "в 7 с половиной"
    minute = 30;
    end += 2;
  }
  if (c.is(end, "o'clock", 'oclock', 'hours', 'hrs')) end++;
  const q = readQualifier(c, end);
  if (q) end = q.end;
  if (c.is(end, "o'clock", 'oclock')) end++;
  if (c.is(end, 'sharp', 'ровно')) end++;
  const text = c.toks
    .slice(start, end)
    .map((t) => t.t)
    .join(' ');
  if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return strong || q ? { end, comps: [{ k: 'invalid', what: 'time', text }] } : null;
  if (hour === 24) hour = 0;
  if (q) {
    const h = applyQualifier(hour, q);
    if (h === null) return { end, comps: [{ k: 'invalid', what: 'time', text }] };
    return { end, comps: [{ k: 'time', hour: h, minute, kind: 'exact', part: q.part, meridiem: true }] };
  }
  return { end, comps: [{ k: 'time', hour, minute, kind: kindOf(hour, padded), part: null, meridiem: false }] };
}

const HOUR_WORDS = new Set(['h', 'ч', 'час', 'часа', 'часов', 'hours', 'hrs', 'hr']);
const MINUTE_WORDS = new Set(['m', 'min', 'mins', 'minutes', 'мин', 'минут', 'минуты', 'минута', 'минуту', 'м']);

function matchTime(c: Cursor, i: number, hadPrep: boolean): Match | null {
  const t = c.tok(i);
  if (!t) return null;
  if (t.kind === 'clock') {
    let end = i + 1;
    if (c.is(end, 'ч', 'h', 'час', 'часов', 'hrs')) end++;
    return finishTime(c, end, t.n, Number(t.parts[0]), t.t.startsWith('0') || t.n === 0, i, true);
  }
  if (t.kind === 'dotted' && t.sep === '.' && t.parts.length === 2 && t.parts[1]!.length === 2) {
    // "at 7.30", "в 19.30", "7.30pm" (a day.month reading is the DATE rule's; "в"/"at" prefer the time)
    const q = readQualifier(c, i + 1);
    if (!hadPrep && !q) return null;
    return finishTime(c, i + 1, t.n, Number(t.parts[1]), t.parts[0]!.startsWith('0'), i, true);
  }
  if (t.kind === 'num') {
    const next = c.tok(i + 1);
    // "15ч", "15 ч 30", "17ч10", "15h30", "в 15 часов 30 минут", "в 3 часа"
    if (next && HOUR_WORDS.has(next.t) && next.kind === 'word' && (next.glued || hadPrep || readQualifier(c, i + 2)) && t.t.length <= 2) {
      let end = i + 2;
      let minute = 0;
      const m = c.tok(end);
      if (m?.kind === 'num' && m.t.length <= 2 && (m.glued || next.t !== 'h')) {
        minute = m.n;
        end++;
        if (MINUTE_WORDS.has(c.w(end))) end++;
      } else if (m?.kind === 'word' && cardinal(m.t) !== null && MINUTE_WORDS.has(c.w(end + 1))) {
        const words = readCardinal(c, end)!;
        minute = words.value;
        end = words.end + 1;
      }
      if (next.t === 'h' && !next.glued && !hadPrep) return null;
      return finishTime(c, end, t.n, minute, t.t.length === 2 && t.t.startsWith('0'), i, true);
    }
    // "15-30" after "в"/"at"
    if (hadPrep && next?.t === '-' && next.glued && c.tok(i + 2)?.kind === 'num' && c.tok(i + 2)!.glued && c.tok(i + 2)!.t.length === 2 && t.n <= 24) {
      return finishTime(c, i + 3, t.n, c.tok(i + 2)!.n, t.t.startsWith('0'), i, true);
    }
    // "730 in the evening", "at 1530", "at 0930"
    if (t.t.length >= 3 && t.t.length <= 4) {
      const q = readQualifier(c, i + 1);
      if (!hadPrep && !q) return null;
      if (NOT_AN_HOUR_AFTER.has(c.w(i + 1)) || unitWord(c.w(i + 1))) return null;
      const hour = Math.floor(t.n / 100);
      const minute = t.n % 100;
      if (hour > 24 || minute > 59) return q ? finishTime(c, i + 1, hour, minute, false, i, true) : null;
      return finishTime(c, i + 1, hour, minute, t.t.startsWith('0'), i, Boolean(q));
    }
    if (t.t.length > 2) return null;
    const q = readQualifier(c, i + 1);
    const oclock = c.is(i + 1, "o'clock", 'oclock');
    if (!hadPrep && !q && !oclock && !dayPartFollows(c, i + 1)) return null;
    const after = c.w(i + 1) || c.tok(i + 1)?.t || '';
    if (!q && !oclock && (NOT_AN_HOUR_AFTER.has(after) || unitWord(after) || monthWord(after) || ORDINAL_SUFFIXES.has(after))) return null;
    if (!q && !oclock && c.tok(i + 1)?.t === '-' && c.tok(i + 1)!.glued) return null;
    if (t.n > 24) return q || oclock ? finishTime(c, i + 1, t.n, 0, false, i, true) : null;
    return finishTime(c, i + 1, t.n, 0, t.t.startsWith('0') && t.t.length === 2, i, Boolean(q) || oclock);
  }
  if (t.kind === 'word') {
    // number words: "ten thirty am", "seven thirty p.m.", "в пятнадцать часов", "в семь тридцать", "в час дня"
    const hourWord = c.w(i) === 'час' && hadPrep ? { value: 1, end: i + 1, words: true } : readCardinal(c, i);
    if (!hourWord || hourWord.value > 24) return null;
    let end = hourWord.end;
    let minute = 0;
    let hasMinute = false;
    if (HOUR_WORDS.has(c.w(end)) && c.w(i) !== 'час') end++;
    if (c.is(end, 'oh', 'ноль') && cardinal(c.w(end + 1)) !== null) {
      minute = cardinal(c.w(end + 1))!;
      end += 2;
      hasMinute = true;
    } else {
      const m = readCardinal(c, end);
      if (m && m.words && m.value >= 1 && m.value <= 59 && (m.value >= 10 || MINUTE_WORDS.has(c.w(m.end)))) {
        minute = m.value;
        end = m.end;
        hasMinute = true;
        if (MINUTE_WORDS.has(c.w(end))) end++;
      }
    }
    const marked = end > hourWord.end && HOUR_WORDS.has(c.w(hourWord.end));
    const q = readQualifier(c, end);
    const oclock = c.is(end, "o'clock", 'oclock');
    if (!hadPrep && !q && !oclock && !marked) return null;
    if (!hadPrep && !q && !oclock && !hasMinute && hourWord.value < 13 && !marked) return null;
    if (!q && !oclock && !marked && !hasMinute && (NOT_AN_HOUR_AFTER.has(c.w(end)) || unitWord(c.w(end)) || monthWord(c.w(end)))) return null;
    return finishTime(c, end, hourWord.value, minute, false, i, Boolean(q) || oclock || marked);
  }
  return null;
}

/** "8 tonight", "9 tomorrow evening", "7 this morning", "9 завтра вечером": an hour the next words place in a part of the day. */
function dayPartFollows(c: Cursor, i: number): boolean {
  if (c.is(i, 'tonight', 'tonite')) return true;
  return (
    c.is(i, 'tomorrow', 'today', 'this', 'завтра', 'сегодня') && c.is(i + 1, 'morning', 'afternoon', 'evening', 'night', 'утром', 'днем', 'вечером', 'ночью')
  );
}

/** "a quarter past 3", "half past 3 pm", "twenty after 3", "20 minutes to 2pm", "ten of five", Russian forms. */
function matchMinutePhrase(c: Cursor, i: number): Match | null {
  let j = i;
  if (c.is(j, 'a')) j++;
  let minutes: number | null = null;
  if (c.is(j, 'quarter')) {
    minutes = 15;
    j++;
  } else if (c.is(j, 'half')) {
    minutes = 30;
    j++;
  } else {
    const n = readCardinal(c, j);
    if (n && n.value > 0 && n.value < 60) {
      minutes = n.value;
      j = n.end;
      if (MINUTE_WORDS.has(c.w(j))) j++;
    }
  }
  if (minutes !== null && c.is(j, 'past', 'after', 'to', 'of', 'before', 'till', 'til')) {
    const before = c.is(j, 'to', 'of', 'before', 'till', 'til');
    if (minutes === 30 && before) return null;
    // "3 to 4 pm" is an interval, "ten to six" and "20 minutes to 2" are minutes before the hour
    const counted = MINUTE_WORDS.has(c.w(j - 1)) || c.is(j - 1, 'quarter', 'half');
    if (before && !counted && (c.tok(i)?.kind === 'num' || minutes % 5 !== 0)) return null;
    const hourAt = j + 1;
    const hourTok = c.tok(hourAt);
    let hour: number | null = null;
    let end = hourAt + 1;
    if (hourTok?.kind === 'num' && hourTok.t.length <= 2) hour = hourTok.n;
    else {
      const w = readCardinal(c, hourAt);
      if (w && w.words) {
        hour = w.value;
        end = w.end;
      } else if (c.is(hourAt, 'noon', 'midday')) hour = 12;
      else if (c.is(hourAt, 'midnight')) hour = 0;
    }
    if (hour === null || hour > 23) return null;
    const match = finishTime(c, end, hour, 0, false, i, true);
    if (!match || match.comps[0]!.k !== 'time') return match;
    const time = match.comps[0]!;
    let total = time.hour * 60 + (before ? -minutes : minutes);
    if (total < 0) total += 24 * 60;
    const h = Math.floor(total / 60) % 24;
    time.hour = time.meridiem ? h : h;
    time.minute = total % 60;
    if (!time.meridiem) time.kind = hour === 0 || hour === 12 ? 'exact' : kindOf(before ? (hour === 1 ? 12 : hour - 1) : hour, false);
    if (!time.meridiem && time.kind !== 'exact' && time.hour === 0) time.hour = 12;
    return match;
  }
  return matchRuMinutePhrase(c, i);
}

/** Russian: "в половине третьего" (2:30), "полтретьего", "без четверти пять" (4:45), "без десяти три", "четверть шестого", "десять минут третьего". */
/** An hour as a genitive ordinal: "третьего", "3-го". */
function hourOrdinal(c: Cursor, k: number): { hour: number; end: number } | null {
  const o = ordinal(c.w(k));
  if (o !== null && o >= 1 && o <= 12) return { hour: o, end: k + 1 };
  const n = c.tok(k);
  if (n?.kind === 'num' && n.n >= 1 && n.n <= 12) {
    const suffix = c.tok(k + 1)?.t === '-' ? c.tok(k + 2) : c.tok(k + 1);
    if (suffix?.kind === 'word' && suffix.glued && (suffix.t === 'го' || suffix.t === 'ого'))
      return { hour: n.n, end: c.tok(k + 1)?.t === '-' ? k + 3 : k + 2 };
  }
  return null;
}

/** "половина третьего" is 2:30: the ordinal names the hour being entered. */
function enteringHour(c: Cursor, i: number, hourOfOrdinal: number, minute: number, end: number): Match | null {
  const hour = hourOfOrdinal - 1 === 0 ? 12 : hourOfOrdinal - 1;
  return finishTime(c, end, hour, minute, false, i, true);
}

function matchRuMinutePhrase(c: Cursor, i: number): Match | null {
  const w = c.w(i);
  if (/^половин[аеуы]$/.test(w)) {
    const o = hourOrdinal(c, i + 1);
    return o ? enteringHour(c, i, o.hour, 30, o.end) : null;
  }
  if (w === 'пол') {
    const o = hourOrdinal(c, i + 1);
    return o ? enteringHour(c, i, o.hour, 30, o.end) : null;
  }
  const pol = /^пол-?(.+)$/.exec(w);
  if (pol) {
    const o = ordinal(pol[1]!);
    return o !== null && o >= 1 && o <= 12 ? enteringHour(c, i, o, 30, i + 1) : null;
  }
  if (w === 'четверть') {
    const o = hourOrdinal(c, i + 1);
    return o ? enteringHour(c, i, o.hour, 15, o.end) : null;
  }
  if (w === 'без') {
    let j = i + 1;
    let minutes: number | null = null;
    if (c.is(j, 'четверти')) {
      minutes = 15;
      j++;
    } else {
      const n = readCardinal(c, j);
      if (n && n.value > 0 && n.value < 60) {
        minutes = n.value;
        j = n.end;
        if (MINUTE_WORDS.has(c.w(j))) j++;
      }
    }
    if (minutes === null) return null;
    const h = c.is(j, 'час') ? { value: 1, end: j + 1 } : readCardinal(c, j);
    if (!h || h.value < 1 || h.value > 12) return null;
    const hour = h.value - 1 === 0 ? 12 : h.value - 1;
    const match = finishTime(c, h.end, hour, 60 - minutes, false, i, true);
    if (match?.comps[0]?.k === 'time' && match.comps[0].meridiem && match.comps[0].hour === h.value) match.comps[0].hour = hour;
    return match;
  }
  const n = readCardinal(c, i);
  if (n && n.value > 0 && n.value < 60 && MINUTE_WORDS.has(c.w(n.end))) {
    const o = hourOrdinal(c, n.end + 1);
    if (o) return enteringHour(c, i, o.hour, n.value, o.end);
  }
  return null;
}

// ---- PART, DAY ----

function part(p: Part, end: number): Match {
  return { end, comps: [{ k: 'part', part: p }] };
}

function matchPart(c: Cursor, i: number): Match | null {
  const w = c.w(i);
  if (w === 'tonight' || w === 'tonite')
    return {
      end: i + 1,
      comps: [
        { k: 'date', date: { k: 'rel', days: 0 } },
        { k: 'part', part: 'evening' },
      ],
    };
  if (c.is(i, 'this', 'сегодня') && c.is(i + 1, 'morning', 'afternoon', 'evening', 'утром', 'днем', 'вечером'))
    return {
      end: i + 2,
      comps: [
        { k: 'date', date: { k: 'rel', days: 0 } },
        { k: 'part', part: PART_WORDS.get(c.w(i + 1))!.part },
      ],
    };
  if (c.is(i, 'in') && c.is(i + 1, 'the') && c.is(i + 2, 'morning', 'afternoon', 'evening')) return part(PART_WORDS.get(c.w(i + 2))!.part, i + 3);
  if (c.is(i, 'at') && c.is(i + 1, 'night')) return part('night', i + 2);
  if (c.is(i, 'end', 'close') && c.is(i + 1, 'of')) {
    let j = i + 2;
    if (c.is(j, 'the')) j++;
    if (c.is(j, 'working', 'business', 'work')) j++;
    if (c.is(j, 'day', 'business')) return part('end_of_day', j + 1);
    return null;
  }
  if (c.is(i, 'cob', 'eod', 'eob')) return part('end_of_day', i + 1);
  if (c.is(i, 'в', 'к', 'до') && c.is(i + 1, 'конце', 'концу', 'конца')) {
    let j = i + 2;
    if (c.is(j, 'рабочего')) j++;
    if (c.is(j, 'дня')) return part('end_of_day', j + 1);
    return null;
  }
  if (c.is(i, 'after', 'после') && c.is(i + 1, 'lunch', 'обеда')) return part('after_lunch', i + 2);
  if (c.is(i, 'before', 'до') && c.is(i + 1, 'lunch', 'обеда')) return part('before_lunch', i + 2);
  if (c.is(i, 'at', 'в') && c.is(i + 1, 'lunch', 'lunchtime', 'обед')) return part('lunch', i + 2);
  if (c.is(i, 'с') && c.is(i + 1, 'утра')) return part('morning', i + 2);
  if (c.is(i, 'к', 'ближе')) {
    const j = c.is(i, 'ближе') && c.is(i + 1, 'к') ? i + 2 : i + 1;
    if (c.is(j, 'вечеру')) return part('evening', j + 1);
    if (c.is(j, 'обеду')) return part('lunch', j + 1);
    if (c.is(j, 'утру')) return part('morning', j + 1);
  }
  if (c.is(i, 'утречком', 'вечерком')) return part(w === 'утречком' ? 'morning' : 'evening', i + 1);
  const p = PART_WORDS.get(w);
  if (p && !p.qualifierOnly) return part(p.part, i + 1);
  return null;
}

function rel(days: number, end: number): Match {
  return { end, comps: [{ k: 'date', date: { k: 'rel', days } }] };
}

function matchDay(c: Cursor, i: number): Match | null {
  if (c.is(i, 'today', 'сегодня', 'сегодняшний')) return rel(0, i + 1);
  if (c.is(i, 'tomorrow', 'tmrw', 'tmr', 'tomorow', 'tommorow', 'tommorrow', 'завтра')) return rel(1, i + 1);
  if (c.is(i, 'послезавтра', 'overmorrow')) return rel(2, i + 1);
  if (c.is(i, 'после') && c.is(i + 1, 'завтра')) return rel(2, i + 2);
  let j = i;
  if (c.is(j, 'the')) j++;
  if (c.is(j, 'day') && c.is(j + 1, 'after') && c.is(j + 2, 'tomorrow')) return rel(2, j + 3);
  if (c.is(i, 'after') && c.is(i + 1, 'tomorrow')) return rel(2, i + 2);
  return null;
}

// ---- WEEKDAY, WEEK ----

const THIS = new Set(['this', 'этот', 'эту', 'это', 'этой', 'этом']);
const NEXT = new Set(['next', 'следующий', 'следующую', 'следующее', 'следующей', 'следующем', 'будущий', 'будущую', 'будущей', 'будущее']);
const COMING = new Set(['coming', 'ближайший', 'ближайшую', 'ближайшее', 'ближайшей', 'upcoming']);

function readWeekWords(c: Cursor, i: number): { rel: number; end: number } | null {
  // "next week", "this week", "на следующей неделе", "следующей недели", "на этой неделе"
  let j = i;
  if (c.is(j, 'на')) j++;
  const rel = NEXT.has(c.w(j)) ? 1 : THIS.has(c.w(j)) ? 0 : null;
  if (rel === null) return null;
  if (c.is(j + 1, 'week', 'неделе', 'недели', 'неделю')) return { rel, end: j + 2 };
  return null;
}

function matchWeekday(c: Cursor, i: number, hadPrep: boolean): Match | null {
  let j = i;
  let mode: WeekdayMode = 'plain';
  if (THIS.has(c.w(j))) {
    mode = 'this';
    j++;
  } else if (NEXT.has(c.w(j))) {
    mode = 'next';
    j++;
  } else if (COMING.has(c.w(j))) {
    mode = 'this';
    j++;
  } else if (c.is(j, 'the') && c.is(j + 1, 'following')) {
    mode = 'next';
    j += 2;
  }
  // "next week Friday", "на следующей неделе в пятницу" are WEEK + WEEKDAY
  const wd = weekdayWord(c.w(j));
  if (!wd) return null;
  let end = j + 1;
  if (c.tok(end)?.t === '.' && wd.weak) end++;
  const following = c.tok(end);
  const strongContext = mode !== 'plain' || hadPrep || following?.kind === 'num' || following?.kind === 'clock' || (following && weekdayFollowers(c, end));
  if (wd.weak && !strongContext) return null;
  if ((c.is(end, 'after') && c.is(end + 1, 'next')) || (c.is(end, 'после') && c.is(end + 1, 'следующей', 'следующего')))
    return { end: end + 2, comps: [{ k: 'date', date: { k: 'weekday', weekday: wd.weekday, mode: 'after-next' } }] };
  const week = readWeekWords(c, end);
  if (week) return { end: week.end, comps: [{ k: 'date', date: { k: 'weekday', weekday: wd.weekday, mode: week.rel ? 'next-week' : 'this-week' } }] };
  // "Tuesday the 19th", "вторник 19-го", "on Friday, 13th"
  let k = end;
  if (c.tok(k)?.t === ',') k++;
  if (c.is(k, 'the')) k++;
  const day = readDayNumber(c, k);
  if (day && day.day >= 1 && day.day <= 31 && !monthWord(c.w(day.end)) && (day.marked || c.is(k - 1, 'the'))) {
    return { end: day.end, comps: [{ k: 'date', date: { k: 'weekday-day', weekday: wd.weekday, day: day.day, month: null } }] };
  }
  return { end, comps: [{ k: 'date', date: { k: 'weekday', weekday: wd.weekday, mode } }] };
}

function weekdayFollowers(c: Cursor, i: number): boolean {
  return c.is(i, 'at', 'в', 'morning', 'evening', 'afternoon', 'утром', 'вечером', 'днем') || c.is(i, 'next', 'after');
}

function date(d: DateSpec, end: number): Match {
  return { end, comps: [{ k: 'date', date: d }] };
}

function matchWeek(c: Cursor, i: number): Match | null {
  const week = readWeekWords(c, i);
  if (week) return { end: week.end, comps: [{ k: 'week', rel: week.rel }] };
  // "end of the week", "by the end of the month", "в конце недели", "к концу месяца"
  let j = i;
  if (c.is(j, 'by', 'at', 'before')) j++;
  if (c.is(j, 'the')) j++;
  if (c.is(j, 'end') && c.is(j + 1, 'of')) {
    let k = j + 2;
    if (c.is(k, 'the', 'this')) k++;
    if (c.is(k, 'week')) return date({ k: 'end-of-week' }, k + 1);
    if (c.is(k, 'month')) return date({ k: 'end-of-month' }, k + 1);
  }
  if (c.is(i, 'в', 'к', 'до') && c.is(i + 1, 'конце', 'концу', 'конца')) {
    let k = i + 2;
    if (c.is(k, 'этой', 'этого')) k++;
    if (c.is(k, 'недели')) return date({ k: 'end-of-week' }, k + 1);
    if (c.is(k, 'месяца')) return date({ k: 'end-of-month' }, k + 1);
  }
  // "this weekend", "next weekend", "on the weekend", "на выходных", "в выходные", "на этих выходных"
  j = i;
  if (c.is(j, 'on', 'at', 'over', 'на', 'в')) j++;
  let rel = 0;
  if (c.is(j, 'the', 'this', 'этих', 'эти')) j++;
  else if (c.is(j, 'next', 'следующих', 'следующие')) {
    rel = 1;
    j++;
  }
  if (c.is(j, 'weekend', 'выходных', 'выходные')) return date({ k: 'weekend', rel }, j + 1);
  return null;
}

// ---- DATE ----

function matchNth(c: Cursor, i: number): Match | null {
  // "first tuesday of october", "last Monday of March", "в последний понедельник марта", "второй вторник следующего месяца"
  const w = c.w(i);
  let n: number | null = null;
  if (w === 'last' || /^последн(?:ий|юю|ее|яя|ей|его)$/.test(w)) n = -1;
  else {
    const o = ordinal(w);
    if (o !== null && o >= 1 && o <= 5) n = o;
  }
  if (n === null) return null;
  const wd = weekdayWord(c.w(i + 1));
  if (!wd) return null;
  let j = i + 2;
  if (c.is(j, 'of', 'in')) j++;
  if (c.is(j, 'the')) j++;
  const month = monthWord(c.w(j));
  if (month) {
    let end = j + 1;
    const year = readYear(c, end);
    if (year) end = year.end;
    return { end, comps: [{ k: 'date', date: { k: 'nth', n, weekday: wd.weekday, month: month.month, monthOffset: 0 } }] };
  }
  if ((c.is(j, 'next') && c.is(j + 1, 'month')) || (c.is(j, 'следующего') && c.is(j + 1, 'месяца')))
    return { end: j + 2, comps: [{ k: 'date', date: { k: 'nth', n, weekday: wd.weekday, month: null, monthOffset: 1 } }] };
  if ((c.is(j, 'this') && c.is(j + 1, 'month')) || (c.is(j, 'этого') && c.is(j + 1, 'месяца')))
    return { end: j + 2, comps: [{ k: 'date', date: { k: 'nth', n, weekday: wd.weekday, month: null, monthOffset: 0 } }] };
  if (j > i + 2 && c.is(j, 'month', 'the')) return null;
  return null;
}

function absDate(c: Cursor, start: number, end: number, day: number, month: number, year: number | null): Match {
  const y = year ?? 2000; // a leap year: 29 February is a date unless a year says otherwise
  if (day < 1 || day > daysIn(y, month)) {
    const text = c.toks
      .slice(start, end)
      .map((t) => t.t)
      .join(' ');
    return { end, comps: [{ k: 'invalid', what: 'date', text }] };
  }
  return { end, comps: [{ k: 'date', date: { k: 'abs', year, month, day } }] };
}

function monthOffsetWords(c: Cursor, i: number): { offset: number; end: number } | null {
  let j = i;
  if (c.is(j, 'of')) j++;
  if (c.is(j, 'the')) j++;
  if (c.is(j, 'next', 'следующего') && c.is(j + 1, 'month', 'месяца')) return { offset: 1, end: j + 2 };
  if (c.is(j, 'this', 'этого', 'текущего') && c.is(j + 1, 'month', 'месяца')) return { offset: 0, end: j + 2 };
  if (c.is(j, 'в') && c.is(j + 1, 'следующем') && c.is(j + 2, 'месяце')) return { offset: 1, end: j + 3 };
  return null;
}

function matchDate(c: Cursor, i: number, hadPrep: boolean, locale: 'en' | 'ru'): Match | null {
  const t = c.tok(i);
  if (!t) return null;
  if (t.kind === 'iso') {
    const [y, m, d] = t.parts.map(Number) as [number, number, number];
    if (m < 1 || m > 12) return { end: i + 1, comps: [{ k: 'invalid', what: 'date', text: t.t }] };
    return absDate(c, i, i + 1, d, m, y);
  }
  if (t.kind === 'dotted' && (t.sep === '.' || t.sep === '/') && (t.parts.length === 2 || t.parts.length === 3)) {
    const [a, b, y] = t.parts.map(Number) as [number, number, number | undefined];
    if (t.parts.length === 3 && t.parts[2]!.length !== 2 && t.parts[2]!.length !== 4) return null;
    const year = y === undefined ? null : y < 100 ? 2000 + y : y;
    // "in 2.5 hours", "7.30pm", "в 10.30": not dates
    if (unitWord(c.w(i + 1)) || readQualifier(c, i + 1)) return null;
    if (t.parts.length === 2 && t.sep === '.' && hadPrep && t.parts[1]!.length === 2 && a <= 24 && b <= 59 && HOUR_PREPS.has(c.w(i - 1))) return null;
    if (t.parts.length === 2 && t.parts[1]!.length > 2) return null;
    const dayFirst = a >= 1 && b >= 1 && b <= 12 && a <= 31;
    const monthFirst = t.sep === '/' && a >= 1 && a <= 12 && b >= 1 && b <= 31;
    if (t.sep === '.' || locale === 'ru' || !monthFirst)
      return dayFirst ? absDate(c, i, i + 1, a, b, year) : t.parts.length === 3 ? absDate(c, i, i + 1, a, b > 12 ? 0 : b, year) : null;
    if (!dayFirst || a === b) return absDate(c, i, i + 1, b, a, year);
    // "03/04" in English: 3 April or March 4: both readings are kept and the parser asks
    const m = absDate(c, i, i + 1, b, a, year);
    if (m.comps[0]!.k === 'date' && m.comps[0]!.date.k === 'abs') m.comps[0]!.date.alt = { month: b, day: a };
    return m;
  }
  // MONTH DAY [YEAR]: "March 20", "Mar 20th, 2027", "March the 20th"
  const mw = monthWord(c.w(i));
  if (mw) {
    let j = i + 1;
    if (c.tok(j)?.t === '.' && mw.weak) j++;
    if (c.is(j, 'the')) j++;
    const day = readDayNumber(c, j);
    if (day && !(c.tok(day.end)?.kind === 'word' && HOUR_WORDS.has(c.w(day.end))) && !readQualifier(c, day.end) && c.tok(j)?.kind !== 'clock') {
      if (c.num(j) !== null && c.tok(j)!.t.length > 2) return null;
      let end = day.end;
      const year = readYear(c, end);
      if (year) end = year.end;
      if (day.day > 31) return { end, comps: [{ k: 'invalid', what: 'date', text: `${c.w(i)} ${day.day}` }] };
      return absDate(c, i, end, day.day, mw.month, year?.year ?? null);
    }
    return null;
  }
  // DAY [of] MONTH [YEAR]: "20 March", "the 20th of March", "18-го февраля", "третьему марта"
  const day = readDayNumber(c, i);
  if (!day) return null;
  let j = day.end;
  if (c.is(j, 'of')) j++;
  const month = monthWord(c.w(j));
  if (month) {
    let end = j + 1;
    if (c.tok(end)?.t === '.' && month.weak) end++;
    const year = readYear(c, end);
    if (year) end = year.end;
    return absDate(c, i, end, day.day, month.month, year?.year ?? null);
  }
  // "20 of next month", "15-го следующего месяца"
  const rel = monthOffsetWords(c, day.end);
  if (rel && day.day <= 31) return { end: rel.end, comps: [{ k: 'date', date: { k: 'month-day', day: day.day, monthOffset: rel.offset } }] };
  // "15 числа", "the 15th", "on the 1st", "24-ого", "18-го"
  if (c.is(day.end, 'числа'))
    return day.day <= 31 ? { end: day.end + 1, comps: [{ k: 'date', date: { k: 'month-day', day: day.day, monthOffset: null } }] } : null;
  const numeric = c.tok(i)!.kind === 'num';
  if (day.marked && day.day >= 1 && day.day <= 31 && (numeric || c.is(i - 1, 'the'))) {
    if (numeric && (HOUR_WORDS.has(c.w(day.end)) || unitWord(c.w(day.end)))) return null;
    return { end: day.end, comps: [{ k: 'date', date: { k: 'month-day', day: day.day, monthOffset: null } }] };
  }
  return null;
}

// ---- OFFSET ----

interface Quantity {
  value: number;
  end: number;
  /** the quantity already names its unit ("полчаса", "half an hour") */
  unit?: 'minute' | 'hour';
}

function readQuantity(c: Cursor, i: number): Quantity | null {
  const t = c.tok(i);
  if (!t) return null;
  if (t.kind === 'num') return { value: t.n, end: i + 1 };
  if (t.kind === 'dotted' && (t.sep === '.' || t.sep === ',') && t.parts.length === 2) return { value: Number(`${t.parts[0]}.${t.parts[1]}`), end: i + 1 };
  const w = t.t;
  if (w === 'полчаса' || w === 'пол-часа') return { value: 30, end: i + 1, unit: 'minute' };
  if (w === 'полчасика') return { value: 30, end: i + 1, unit: 'minute' };
  if (w === 'полтора' || w === 'полторы' || w === 'полутора') return { value: 1.5, end: i + 1 };
  if (w === 'пару' || w === 'пара' || w === 'пары') return { value: 2, end: i + 1 };
  if (w === 'четверть' && c.is(i + 1, 'часа')) return { value: 15, end: i + 2, unit: 'minute' };
  if (w === 'три' && c.is(i + 1, 'четверти') && c.is(i + 2, 'часа')) return { value: 45, end: i + 3, unit: 'minute' };
  // "a quarter of an hour", "three quarters of an hour", "three-quarters of an hour", "half an hour", "half a day"
  let j = i;
  let value: number | null = null;
  if (c.is(j, 'a', 'one')) j++;
  if (c.is(j, 'quarter')) {
    value = 0.25;
    j++;
  } else if (c.is(j, 'three-quarters', 'three-quarter')) {
    value = 0.75;
    j++;
  } else if (c.is(j, 'three') && c.is(j + 1, 'quarters', 'quarter')) {
    value = 0.75;
    j += 2;
  } else if (c.is(j, 'half') && j === i) {
    value = 0.5;
    j++;
  }
  if (value !== null) {
    if (c.is(j, 'of')) j++;
    if (c.is(j, 'an', 'a')) j++;
    if (c.is(j, 'hour')) return { value: value * 60, end: j + 1, unit: 'minute' };
    if (value === 0.5 && c.is(j - 1, 'a', 'an')) return { value, end: j };
    return null;
  }
  if (c.is(i, 'a') && c.is(i + 1, 'couple')) return { value: 2, end: c.is(i + 2, 'of') ? i + 3 : i + 2 };
  if (c.is(i, 'a', 'an', 'one')) return { value: 1, end: i + 1 };
  if (c.is(i, 'couple')) return { value: 2, end: c.is(i + 1, 'of') ? i + 2 : i + 1 };
  const n = readCardinal(c, i);
  if (n && n.words) {
    // "two and a half hours"
    if (c.is(n.end, 'and') && c.is(n.end + 1, 'a') && c.is(n.end + 2, 'half')) return { value: n.value + 0.5, end: n.end + 3 };
    if (c.is(n.end, 'с') && c.is(n.end + 1, 'половиной')) return { value: n.value + 0.5, end: n.end + 2 };
    return n;
  }
  return null;
}

/** One "quantity unit" group of a duration: "2 hours", "полчаса", "an hour and a half", "15m". */
function readDurationGroup(
  c: Cursor,
  j: number,
  allowBareUnit: boolean,
): { unit: Exclude<ReturnType<typeof unitWord>, null>; value: number; end: number } | null {
  const q = readQuantity(c, j);
  let unitName: ReturnType<typeof unitWord>;
  let value: number;
  let end: number;
  if (q?.unit) {
    unitName = q.unit;
    value = q.value;
    end = q.end;
  } else if (q) {
    const uTok = c.tok(q.end);
    const u = unitWord(c.w(q.end));
    // one-letter units only right after a number ("15m", "2h", "5 m")
    if (!u || (uTok!.t.length === 1 && c.tok(j)?.kind !== 'num')) return null;
    unitName = u;
    value = q.value;
    end = q.end + 1;
  } else if (allowBareUnit) {
    // "через час", "через неделю", "in a week" is read above; "через минуту"
    const u = unitWord(c.w(j));
    if (!u || c.w(j).length < 3) return null;
    unitName = u;
    value = 1;
    end = j + 1;
  } else return null;
  if (c.is(end, 'and') && c.is(end + 1, 'a') && c.is(end + 2, 'half')) {
    value += 0.5;
    end += 3;
  } else if (c.is(end, 'с') && c.is(end + 1, 'половиной')) {
    value += 0.5;
    end += 2;
  }
  return { unit: unitName, value, end };
}

function matchOffset(c: Cursor, i: number): Match | null {
  const lead = c.is(i, 'in', 'within', 'через', 'спустя', 'after');
  let j = lead ? i + 1 : i;
  let minutes = 0;
  let days = 0;
  let months = 0;
  let parts = 0;
  let lastUnit: string | null = null;
  for (;;) {
    const g = readDurationGroup(c, j, lead && parts === 0);
    if (!g) {
      // "1h30", "через 1 час 30": minutes after the hours without a unit
      const n = c.tok(j);
      if (lastUnit === 'hour' && n?.kind === 'num' && n.n < 60 && n.t.length <= 2) {
        minutes += n.n;
        j++;
        if (MINUTE_WORDS.has(c.w(j))) j++;
      }
      break;
    }
    if (g.unit === 'month') months += g.value;
    else if (g.unit === 'day' || g.unit === 'week') {
      const d = g.value * (g.unit === 'week' ? 7 : 1);
      if (Number.isInteger(d)) days += d;
      else minutes += d * 1440;
    } else minutes += g.value * UNIT_MINUTES[g.unit];
    lastUnit = g.unit;
    parts++;
    j = g.end;
    // "2 hours and 30 minutes", "1 день и 2 часа", "2 hours, 30 minutes"
    if ((c.is(j, 'and', 'и') || c.tok(j)?.t === ',') && readDurationGroup(c, j + 1, false)) j++;
  }
  if (parts === 0) return null;
  let end = j;
  const fromDay = c.is(end, 'from') && c.is(end + 1, 'today', 'tomorrow') ? (c.is(end + 1, 'tomorrow') ? 1 : 0) : null;
  if (fromDay !== null) {
    days += fromDay;
    if (minutes > 0) minutes += fromDay * 1440;
  }
  const trailing = c.is(end, 'later', 'позже', 'спустя') || (c.is(end, 'from') && c.is(end + 1, 'now', 'today', 'tomorrow'));
  if (trailing) end += c.is(end, 'from') ? 2 : 1;
  if (!lead && !trailing) return null;
  if (c.is(i, 'after') && !trailing && parts === 0) return null;
  if (months && !Number.isInteger(months)) return null;
  const exact = minutes > 0;
  if (exact) minutes += days * 1440;
  return { end, comps: [{ k: 'offset', minutes: Math.round(minutes), days: exact ? 0 : days, months, exact }] };
}

// ---- ZONE ----

function matchZone(c: Cursor, i: number, afterTime: boolean): Match | null {
  const t = c.tok(i);
  if (!t) return null;
  if (t.kind === 'iana') {
    const zone = ianaZone(t.raw);
    return zone ? { end: i + 1, comps: [{ k: 'zone', zone: { zone, offsetMinutes: null } }] } : null;
  }
  const w = c.w(i);
  if ((w === 'utc' || w === 'gmt') && (c.tok(i + 1)?.t === '+' || c.tok(i + 1)?.t === '-' || c.tok(i + 1)?.t === '−')) {
    const sign = c.tok(i + 1)!.t === '+' ? 1 : -1;
    const v = c.tok(i + 2);
    let minutes: number | null = null;
    if (v?.kind === 'num' && v.t.length <= 2) minutes = v.n * 60;
    else if (v?.kind === 'num' && v.t.length === 4) minutes = Math.floor(v.n / 100) * 60 + (v.n % 100);
    else if (v?.kind === 'clock') minutes = v.n * 60 + Number(v.parts[0]);
    if (minutes === null || minutes > 14 * 60) return null;
    return { end: i + 3, comps: [{ k: 'zone', zone: { zone: 'UTC', offsetMinutes: sign * minutes } }] };
  }
  const abbr = zoneAbbreviation(w, afterTime);
  if (abbr) {
    let end = i + 1;
    if (c.is(end, 'time', 'времени')) end++;
    return { end, comps: [{ k: 'zone', zone: abbr }] };
  }
  // "по Москве", "по московскому времени", "moscow time", "new york time"
  if (c.is(i, 'по')) {
    const zone = cityZone(c.w(i + 1));
    if (zone) return { end: c.is(i + 2, 'времени') ? i + 3 : i + 2, comps: [{ k: 'zone', zone: { zone, offsetMinutes: null } }] };
  }
  if (c.is(i, 'new') && c.is(i + 1, 'york') && c.is(i + 2, 'time'))
    return { end: i + 3, comps: [{ k: 'zone', zone: { zone: 'America/New_York', offsetMinutes: null } }] };
  const city = cityZone(w);
  if (city && c.is(i + 1, 'time', 'времени')) return { end: i + 2, comps: [{ k: 'zone', zone: { zone: city, offsetMinutes: null } }] };
  return null;
}

// ---- the chunker ----

const LINKS = new Set(['-', '–', '—', 'to', 'till', 'until', 'and', 'до', 'и', 'по']);

// words that can begin a rule; any other word is skipped without trying the rules (most of a
// message is its title, and parse runs on every manager message)
const GRAMMAR_WORDS = new Set([
  ...PREPS,
  ...THIS,
  ...NEXT,
  ...COMING,
  ...'last following tonight tonite today tomorrow tmrw tmr tomorow tommorow tommorrow overmorrow day after in within end close cob eod eob lunch lunchtime a an half quarter three-quarters three-quarter couple through new'.split(
    ' ',
  ),
  ...'сегодня сегодняшний завтра послезавтра после через спустя в с без четверть ближе по утречком вечерком пару пара пары полтора полторы полутора последний последнюю последнее последняя половина половине половину половины'.split(
    ' ',
  ),
]);

function canStart(c: Cursor, i: number): boolean {
  const t = c.tok(i);
  if (!t) return false;
  if (t.kind !== 'word') return t.kind !== 'punct' || t.t === '~';
  const w = t.t;
  return (
    GRAMMAR_WORDS.has(w) ||
    w.startsWith('пол') ||
    PART_WORDS.has(w) ||
    monthWord(w) !== null ||
    weekdayWord(w) !== null ||
    unitWord(w) !== null ||
    cardinal(w) !== null ||
    ordinal(w) !== null ||
    w === 'utc' ||
    w === 'gmt' ||
    zoneAbbreviation(w, true) !== null ||
    cityZone(w) !== null
  );
}

function skipPreps(c: Cursor, i: number): number {
  let j = i;
  while (j < c.toks.length && j - i < 3 && PREPS.has(c.tok(j)!.t) && c.tok(j)!.kind !== 'num') j++;
  return j;
}

function longest(candidates: Array<Match | null>): Match | null {
  let best: Match | null = null;
  for (const m of candidates) if (m && (!best || m.end > best.end)) best = m;
  return best;
}

/** Tokens that mean time on their own; one left outside the expression lowers the confidence. */
function isTimeWord(c: Cursor, i: number): boolean {
  const t = c.tok(i)!;
  if (t.kind === 'clock' || t.kind === 'iso') return true;
  if (t.kind !== 'word') return false;
  const w = t.t;
  if (w === 'am' || w === 'pm') return c.tok(i - 1)?.kind === 'num';
  if (['today', 'tomorrow', 'tonight', 'сегодня', 'завтра', 'послезавтра', 'утром', 'вечером', "o'clock", 'noon', 'midnight', 'полдень', 'полночь'].includes(w))
    return true;
  const wd = weekdayWord(w);
  if (wd && !wd.weak) return true;
  const mw = monthWord(w);
  return Boolean(mw && !mw.weak && (c.tok(i - 1)?.kind === 'num' || c.tok(i + 1)?.kind === 'num'));
}

/** Whether any word of the text could begin a time expression (or it has a digit): the gate for slower fallbacks. */
export function mayMentionTime(text: string): boolean {
  if (/\d/.test(text)) return true;
  const c = new Cursor(tokenize(text));
  for (let i = 0; i < c.toks.length; i++)
    if (c.tok(i)!.kind === 'word' && canStart(c, i) && !PREPS.has(c.w(i)) && !c.is(i, 'a', 'an', 'in', 'new')) return true;
  return false;
}

/** The time expression of a message, or null when it names no time, date or duration. */
export function parseTimeExpr(text: string, locale: 'en' | 'ru'): TimeExpr | null {
  const c = new Cursor(tokenize(text));
  const comps: Array<{ comp: Comp; start: number; end: number }> = [];
  const used = new Set<number>();
  let i = 0;
  let lastEnd = -1;
  while (i < c.toks.length) {
    if (!canStart(c, i)) {
      i++;
      continue;
    }
    const j = skipPreps(c, i);
    const hadPrep = j > i && HOUR_PREPS.has(c.tok(j - 1)!.t);
    const afterTime = lastEnd === i && comps.length > 0 && comps[comps.length - 1]!.comp.k === 'time';
    const atJ = longest([
      matchOffset(c, j),
      matchMinutePhrase(c, j),
      matchTime(c, j, hadPrep),
      matchPart(c, j),
      matchDay(c, j),
      matchWeekday(c, j, j > i),
      matchWeek(c, j),
      matchNth(c, j),
      matchDate(c, j, hadPrep, locale),
      matchZone(c, j, afterTime || (j > i && lastEnd === i)),
    ]);
    // rules that begin with their own preposition ("in the morning", "at night", "в конце дня", "через")
    const atI = j > i ? longest([matchOffset(c, i), matchPart(c, i), matchWeek(c, i), matchZone(c, i, afterTime)]) : null;
    const m = atI && (!atJ || atI.end >= atJ.end) ? atI : atJ;
    if (!m) {
      i++;
      continue;
    }
    let start = i;
    const first = m.comps[0]!;
    if (first.k === 'time') {
      // an interval, "3-4pm", "from 3 to 4 pm", "с 15 до 17": its start, said with the end's half of the day, and asked
      const linkAt = LINKS.has(c.tok(i)?.t ?? '') ? i : LINKS.has(c.tok(i - 1)?.t ?? '') ? i - 1 : -1;
      const from = linkAt > 0 ? c.tok(linkAt - 1) : undefined;
      if (from && !used.has(linkAt - 1) && (from.kind === 'num' || from.kind === 'clock') && from.n <= 24) {
        let hour = from.n;
        if (first.meridiem && hour < 12 && first.hour >= 12 && hour + 12 <= first.hour) hour += 12;
        const minute = from.kind === 'clock' ? Number(from.parts[0]) : 0;
        m.comps[0] = { k: 'time', hour, minute, kind: first.meridiem || hour >= 12 ? 'exact' : kindOf(hour, false), part: null, meridiem: first.meridiem };
        m.comps.push({ k: 'interval' });
        start = c.is(linkAt - 2, 'from', 'between', 'с', 'между') ? linkAt - 2 : linkAt - 1;
      }
    }
    for (const comp of m.comps) comps.push({ comp, start, end: m.end });
    for (let k = start; k < m.end; k++) used.add(k);
    lastEnd = m.end;
    i = m.end;
  }
  if (comps.length === 0) return null;
  let leftovers = 0;
  for (let k = 0; k < c.toks.length; k++) if (!used.has(k) && isTimeWord(c, k)) leftovers++;
  return combine(
    comps.map((x) => x.comp),
    spansOf(c, comps),
    leftovers,
  );
}

function spansOf(c: Cursor, comps: Array<{ start: number; end: number }>): Span[] {
  const spans: Span[] = [];
  for (const { start, end } of comps) {
    const span = { index: c.tok(start)!.start, end: c.tok(end - 1)!.end };
    const last = spans[spans.length - 1];
    if (last && last.index === span.index && last.end === span.end) continue;
    spans.push(span);
  }
  return spans;
}

function sameDate(a: DateSpec, b: DateSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function combine(comps: Comp[], spans: Span[], leftovers: number): TimeExpr {
  const expr: TimeExpr = { spans, date: null, time: null, offsetMinutes: null, zone: null, invalid: null, conflicts: 0, leftovers };
  let part: Part | null = null;
  let week: number | null = null;
  for (const comp of comps) {
    switch (comp.k) {
      case 'time':
        if (expr.time && (expr.time.hour !== comp.hour || expr.time.minute !== comp.minute)) expr.conflicts++;
        else expr.time = { hour: comp.hour, minute: comp.minute, kind: comp.kind };
        break;
      case 'part':
        if (part && part !== comp.part) expr.conflicts++;
        part = comp.part;
        break;
      case 'date':
        if (!expr.date) expr.date = comp.date;
        else expr.date = mergeDates(expr, expr.date, comp.date);
        break;
      case 'week':
        week = comp.rel;
        break;
      case 'offset':
        if (comp.exact) {
          if (expr.offsetMinutes !== null) expr.conflicts++;
          expr.offsetMinutes = comp.minutes;
        } else {
          const d: DateSpec = { k: 'offset', days: comp.days, months: comp.months };
          expr.date = expr.date ? mergeDates(expr, expr.date, d) : d;
        }
        break;
      case 'zone':
        if (expr.zone) expr.conflicts++;
        expr.zone = comp.zone;
        break;
      case 'invalid':
        expr.invalid ??= { what: comp.what, text: comp.text };
        break;
      case 'interval':
        // a span of time: its start is offered, not taken
        expr.conflicts++;
        break;
    }
  }
  if (week !== null) {
    if (expr.date?.k === 'weekday' && (expr.date.mode === 'plain' || expr.date.mode === 'this' || expr.date.mode === 'next'))
      expr.date = { ...expr.date, mode: week === 1 ? 'next-week' : 'this-week' };
    else if (!expr.date) expr.date = { k: 'week', rel: week };
    else expr.conflicts++;
  }
  if (part) {
    if (expr.time && !expr.time.convention) {
      if (expr.time.kind !== 'exact' || expr.time.hour < 12 || part === 'afternoon' || part === 'evening') {
        const h = qualifyByPart(expr.time.hour, part);
        if (h === null) expr.conflicts++;
        else expr.time = { hour: h, minute: expr.time.minute, kind: 'exact' };
      }
    } else if (!expr.time) {
      const pt = PART_TIME[part];
      expr.time = { hour: pt.hour, minute: pt.minute, kind: 'exact', convention: true };
    }
  }
  if (expr.offsetMinutes !== null && (expr.date || expr.time)) expr.conflicts++;
  return expr;
}

function mergeDates(expr: TimeExpr, a: DateSpec, b: DateSpec): DateSpec {
  if (sameDate(a, b)) return a;
  // "Friday, 13 March": the weekday must agree with the date (checked when resolving)
  if (a.k === 'weekday' && (b.k === 'abs' || b.k === 'month-day')) return withWeekday(b, a.weekday);
  if (b.k === 'weekday' && (a.k === 'abs' || a.k === 'month-day')) return withWeekday(a, b.weekday);
  if (a.k === 'weekday-day' && b.k === 'abs' && a.day === b.day) return { ...a, month: b.month };
  if (b.k === 'weekday-day' && a.k === 'abs' && a.day === b.day) return { ...b, month: a.month };
  expr.conflicts++;
  return a;
}

function withWeekday(d: Extract<DateSpec, { k: 'abs' } | { k: 'month-day' }>, weekday: number): DateSpec {
  if (d.k === 'month-day') return { k: 'weekday-day', weekday, day: d.day, month: null };
  return { k: 'weekday-day', weekday, day: d.day, month: d.month, year: d.year };
}
