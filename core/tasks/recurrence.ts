// RRULE recurrence for tasks. Rules are stored without DTSTART and evaluated in the
// assignee's time zone on wall-clock ("floating") times, so "every Monday at 09:00"
// stays at 09:00 local across daylight-saving changes.
// Note: an UNTIL in the rule is compared with local wall-clock time, not UTC.
import rrulePkg from 'rrule';
import type { Options } from 'rrule';
import { invalid } from '../errors.js';
import { localParts, zonedTimeToInstant } from '../time/zoned.js';

const { RRule } = rrulePkg;

const NUMERIC: Array<keyof Options> = ['count', 'interval', 'bysetpos', 'bymonth', 'bymonthday', 'byyearday', 'byweekno', 'byhour', 'byminute', 'bysecond'];

function fail(value: string, reason: string): never {
  throw invalid('invalid.rrule', { value, reason });
}

function parseOptions(text: string): Partial<Options> {
  const source = text.trim().replace(/^RRULE:/i, '');
  if (!source) fail(text, 'empty rule');
  if (/DTSTART|TZID|\n/i.test(source)) fail(text, 'give only the RRULE part, without DTSTART or TZID');
  let options: Partial<Options>;
  try {
    options = RRule.parseString(source.toUpperCase());
  } catch (e) {
    fail(text, (e as Error).message);
  }
  if (options.freq === undefined || options.freq === null) fail(text, 'FREQ is missing or unknown');
  if (options.freq === RRule.SECONDLY || options.freq === RRule.MINUTELY) fail(text, 'repeating more often than hourly is not supported');
  for (const key of NUMERIC) {
    const v = options[key];
    if (v === undefined || v === null) continue;
    const values = Array.isArray(v) ? v : [v];
    if (!values.every((n) => typeof n === 'number' && Number.isInteger(n))) fail(text, `${String(key).toUpperCase()} must be a whole number`);
  }
  if (options.count !== undefined && options.count !== null && options.count < 1) fail(text, 'COUNT must be positive');
  if (options.interval !== undefined && options.interval < 1) fail(text, 'INTERVAL must be positive');
  const wd = options.byweekday;
  if (wd !== undefined && wd !== null && (Array.isArray(wd) ? wd : [wd]).some((d) => d === null || d === undefined)) {
    fail(text, 'BYDAY has an unknown weekday (use MO, TU, WE, TH, FR, SA, SU)');
  }
  return options;
}

/** Validates an RRULE and returns it normalised ("FREQ=WEEKLY;BYDAY=MO"), without DTSTART. */
export function normalizeRrule(text: string): string {
  const options = parseOptions(text);
  try {
    // evaluating once surfaces combinations rrule cannot expand
    new RRule({ ...options, dtstart: new Date(Date.UTC(2026, 0, 1)) }).after(new Date(Date.UTC(2026, 0, 1)), true);
  } catch (e) {
    fail(text, (e as Error).message);
  }
  return RRule.optionsToString(options).replace(/^RRULE:/, '');
}

/** A wall-clock time as a "floating" Date whose UTC fields are the local fields. */
function floating(date: Date, timeZone: string): Date {
  const p = localParts(date, timeZone);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
}

function fromFloating(date: Date, timeZone: string): Date {
  return zonedTimeToInstant(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    },
    timeZone,
  );
}

/**
 * The first occurrence strictly after `after` of the series that started at `dtstart`,
 * evaluated in `timeZone`; null when the series has ended (COUNT/UNTIL).
 */
export function nextOccurrence(rrule: string, after: Date, timeZone: string, dtstart: Date): Date | null {
  const options = parseOptions(rrule);
  const rule = new RRule({ ...options, dtstart: floating(dtstart, timeZone), tzid: null });
  let cursor = floating(after, timeZone);
  // a repeated autumn hour can map a floating time back before `after`: step past it
  for (let i = 0; i < 5; i++) {
    const next = rule.after(cursor, false);
    if (!next) return null;
    const instant = fromFloating(next, timeZone);
    if (instant.getTime() > after.getTime()) return instant;
    cursor = next;
  }
  return null;
}
