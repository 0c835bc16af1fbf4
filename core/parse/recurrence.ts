// Repetition phrases ("every Monday", "по будням", "каждый месяц 1-го числа") -> an RRULE
// without DTSTART, read in the user's time zone on wall-clock times. The time of day
// (BYHOUR/BYMINUTE) comes from the rest of the phrase; the first occurrence is computed
// with the rrule library so it agrees with whatever expands the rule later.
import { createRequire } from 'node:module';
import { utcMsToWall, wallToUtcMs, type Wall } from '../time/wall.js';

// loaded on the first recurring phrase, not with the parser (it is most of the parser's start-up)
const require = createRequire(import.meta.url);
let rrule: typeof import('rrule') | undefined;
const RRuleOf = () => (rrule ??= require('rrule') as typeof import('rrule')).RRule;

export interface Repeat {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  byDay: string[]; // MO..SU
  byMonthDay: number | null;
  /** Time of day the phrase itself implies ("every morning" = 09:00). */
  impliedTime: { hour: number; minute: number } | null;
  /** The phrase's place in the text, to cut it out of the title. */
  index: number;
  end: number;
}

const CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const WEEKDAYS_MO_FR = ['MO', 'TU', 'WE', 'TH', 'FR'];

// weekday words in en and ru, any case form, to their RRULE codes
const WEEKDAY_WORDS: Array<[string, string]> = [
  ['mondays?|mon|понедельник(?:ам|и|а)?', 'MO'],
  ['tuesdays?|tues?|вторник(?:ам|и|а)?', 'TU'],
  ['wednesdays?|wed|сред(?:ам|у|а|ы)', 'WE'],
  ['thursdays?|thu(?:rs?)?|четверг(?:ам|и|а)?', 'TH'],
  ['fridays?|fri|пятниц(?:ам|у|а|ы)', 'FR'],
  ['saturdays?|sat|суббот(?:ам|у|а|ы)', 'SA'],
  ['sundays?|sun|воскресень(?:ям|е|я)', 'SU'],
];
const WEEKDAY = WEEKDAY_WORDS.map(([w]) => w).join('|');
const WEEKDAY_LIST = `(?:${WEEKDAY})(?:\\s*(?:,|and|&|и)\\s*(?:(?:on|в|во|по)\\s+)?(?:${WEEKDAY}))*`;
const B = '(?<![\\p{L}\\d])'; // word start
const E = '(?![\\p{L}\\d])'; // word end

const NUMBER_WORDS: Record<string, number> = {
  other: 2,
  two: 2,
  three: 3,
  four: 4,
  два: 2,
  две: 2,
  три: 3,
  четыре: 4,
  пять: 5,
};
function numberOf(word: string | undefined): number {
  if (!word) return 1;
  return Number(word) || NUMBER_WORDS[word.toLowerCase()] || 1;
}

function codesIn(list: string): string[] {
  const found: string[] = [];
  for (const m of list.matchAll(new RegExp(`${B}(?:${WEEKDAY})${E}`, 'giu'))) {
    const word = m[0];
    for (const [re, code] of WEEKDAY_WORDS) {
      if (new RegExp(`^(?:${re})$`, 'iu').test(word) && !found.includes(code)) found.push(code);
    }
  }
  return CODES.filter((c) => found.includes(c));
}

type Build = (m: RegExpExecArray, now: Wall) => Omit<Repeat, 'index' | 'end'>;

const base = { interval: 1, byDay: [] as string[], byMonthDay: null, impliedTime: null };
const daily: Build = () => ({ ...base, freq: 'DAILY' });
const weekdays: Build = () => ({ ...base, freq: 'WEEKLY', byDay: WEEKDAYS_MO_FR });
const monthDay =
  (group: string): Build =>
  (m) => ({ ...base, freq: 'MONTHLY', byMonthDay: Number(m.groups?.[group]) });

const PATTERNS: Array<[RegExp, Build]> = [
  // weekdays
  [new RegExp(`${B}(?:every\\s+(?:weekday|workday|working\\s+day|business\\s+day)|on\\s+weekdays|weekdays)${E}`, 'iu'), weekdays],
  [new RegExp(`${B}(?:по\\s+будням|в\\s+будни|по\\s+рабочим\\s+дням|в\\s+рабочие\\s+дни|каждый\\s+(?:будний|рабочий)\\s+день)${E}`, 'iu'), weekdays],
  // every N days / weeks
  [
    new RegExp(
      `${B}(?:every|каждые|раз\\s+в)\\s+(?<n>\\d+|other|two|three|four|два|две|три|четыре|пять)\\s+(?<unit>days?|weeks?|дн(?:я|ей)|недел[иь])(?:\\s+(?:on|в|во|по)\\s+(?<days>${WEEKDAY_LIST}))?${E}`,
      'iu',
    ),
    (m, now) =>
      /^(?:day|дн)/iu.test(m.groups!.unit!)
        ? { ...base, freq: 'DAILY', interval: numberOf(m.groups!.n) }
        : {
            ...base,
            freq: 'WEEKLY',
            interval: numberOf(m.groups!.n),
            byDay: m.groups?.days ? codesIn(m.groups.days) : [CODES[new Date(wallToUtcMs(now)).getUTCDay()]!],
          },
  ],
  [new RegExp(`${B}every\\s+other\\s+(?<days>${WEEKDAY_LIST})${E}`, 'iu'), (m) => ({ ...base, freq: 'WEEKLY', interval: 2, byDay: codesIn(m.groups!.days!) })],
  // every Monday (and Friday), on Mondays, каждый понедельник, по понедельникам и пятницам
  [
    new RegExp(`${B}(?<pre>every|each|on|каждый|каждую|каждое|по)\\s+(?<days>${WEEKDAY_LIST})${E}`, 'iu'),
    (m) => {
      // "on"/"по" repeat only with plural days ("on Mondays", "по понедельникам"); "on Friday" is one date
      const plural = /(?:s|ам|ям)$/iu.test(m.groups!.days!);
      const once = /^(?:on|по)$/iu.test(m.groups!.pre!) && !plural;
      return { ...base, freq: 'WEEKLY', byDay: once ? [] : codesIn(m.groups!.days!) };
    },
  ],
  // every week (on Monday), еженедельно (в понедельник)
  [
    new RegExp(`${B}(?:every\\s+week|weekly|каждую\\s+неделю|еженедельно)(?:\\s+(?:on|в|во|по)\\s+(?<days>${WEEKDAY_LIST}))?${E}`, 'iu'),
    (m, now) => ({
      ...base,
      freq: 'WEEKLY',
      byDay: m.groups?.days ? codesIn(m.groups.days) : [CODES[new Date(wallToUtcMs(now)).getUTCDay()]!],
    }),
  ],
  // monthly on a day of the month
  [new RegExp(`${B}(?:every\\s+month|monthly|each\\s+month)\\s+on\\s+the\\s+(?<d>\\d{1,2})(?:st|nd|rd|th)?${E}`, 'iu'), monthDay('d')],
  [new RegExp(`${B}(?:on\\s+)?the\\s+(?<d>\\d{1,2})(?:st|nd|rd|th)?\\s+of\\s+(?:every|each)\\s+month${E}`, 'iu'), monthDay('d')],
  [new RegExp(`${B}every\\s+(?<d>\\d{1,2})(?:st|nd|rd|th)\\s+(?:of\\s+the\\s+month)?${E}`, 'iu'), monthDay('d')],
  [new RegExp(`${B}(?:каждый\\s+месяц|ежемесячно|каждого\\s+месяца)\\s+(?<d>\\d{1,2})(?:-?(?:го|е|ое))?(?:\\s+числа)?${E}`, 'iu'), monthDay('d')],
  [new RegExp(`${B}(?<d>\\d{1,2})(?:-?(?:го|е|ое))?\\s+числа\\s+(?:каждого\\s+месяца|ежемесячно)${E}`, 'iu'), monthDay('d')],
  [new RegExp(`${B}кажд(?:ое|ый)\\s+(?<d>\\d{1,2})(?:-?(?:е|ое|й|ый))?\\s+число${E}`, 'iu'), monthDay('d')],
  [new RegExp(`${B}(?:every\\s+month|monthly|каждый\\s+месяц|ежемесячно)${E}`, 'iu'), (_m, now) => ({ ...base, freq: 'MONTHLY', byMonthDay: now.day })],
  // daily, with a time of day implied by the words
  [new RegExp(`${B}(?:every\\s+morning|каждое\\s+утро)${E}`, 'iu'), () => ({ ...base, freq: 'DAILY', impliedTime: { hour: 9, minute: 0 } })],
  [new RegExp(`${B}(?:every\\s+evening|every\\s+night|каждый\\s+вечер)${E}`, 'iu'), () => ({ ...base, freq: 'DAILY', impliedTime: { hour: 19, minute: 0 } })],
  [new RegExp(`${B}(?:every\\s+day|each\\s+day|daily|каждый\\s+день|ежедневно|каждые\\s+сутки)${E}`, 'iu'), daily],
];

// every pattern above contains one of these words: a text without them repeats nothing
const REPEAT_WORDS =
  /every|each|daily|weekly|monthly|weekday|workday|(?:mon|tues|wednes|thurs|fri|satur|sun)days|кажд|ежедн|еженед|ежемес|будн|рабоч|раз\s+в|по\s+\p{L}+(?:ам|ям)(?![\p{L}])/iu;

/** The earliest repetition phrase in the text, or null. */
export function findRepeat(text: string, now: Wall): Repeat | null {
  if (!REPEAT_WORDS.test(text)) return null;
  let best: Repeat | null = null;
  for (const [re, build] of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const r = build(m, now);
    if (r.freq === 'WEEKLY' && r.byDay.length === 0) continue;
    if (r.byMonthDay !== null && (r.byMonthDay < 1 || r.byMonthDay > 31)) continue;
    const candidate = { ...r, index: m.index, end: m.index + m[0].length };
    if (!best || candidate.index < best.index || (candidate.index === best.index && candidate.end > best.end)) best = candidate;
  }
  return best;
}

/** The rule without the time of day: FREQ=WEEKLY;BYDAY=MO. */
export function baseRule(r: Pick<Repeat, 'freq' | 'interval' | 'byDay' | 'byMonthDay'>): string {
  const parts = [`FREQ=${r.freq}`];
  if (r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
  if (r.byDay.length) parts.push(`BYDAY=${r.byDay.join(',')}`);
  if (r.byMonthDay !== null) parts.push(`BYMONTHDAY=${r.byMonthDay}`);
  return parts.join(';');
}

/** A base rule plus the time of day: FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0. */
export function withTime(rule: string, hour: number, minute: number): string {
  return `${rule};BYHOUR=${hour};BYMINUTE=${minute}`;
}

/**
 * The first wall time of the rule strictly after `now` (both wall times in the user's zone).
 * INTERVAL is left out here: the first occurrence is the next matching day, and it anchors
 * the series ("every 2 weeks on Monday" said on Tuesday starts next Monday).
 */
export function firstOccurrence(rule: string, now: Wall): Wall | null {
  const start = new Date(wallToUtcMs(now));
  const RRule = RRuleOf();
  const options = RRule.parseString(rule.replace(/;?INTERVAL=\d+/, ''));
  const next = new RRule({ ...options, dtstart: start, bysecond: [0] }).after(start, false);
  return next ? utcMsToWall(next.getTime()) : null;
}
