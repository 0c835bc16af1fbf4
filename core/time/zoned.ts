// Wall-clock time in an IANA time zone, computed with Intl only (no offset tables of our
// own), so daylight-saving changes come out right. The one implementation every area uses
// (tasks, leads' business hours, the parser, digests).
import { invalid } from '../errors.js';

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

export interface LocalParts extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday ... 7 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// names Intl refused, remembered (bounded) so a bad stored zone costs one exception, not one per call
const invalidZones = new Set<string>();

export function isValidTimeZone(timeZone: string): boolean {
  if (invalidZones.has(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    if (invalidZones.size < 1000) invalidZones.add(timeZone);
    return false;
  }
}

/** The zone itself when Intl knows it; else an invalid-input DomainError naming the value. */
export function assertTimeZone(timeZone: string): string {
  if (!isValidTimeZone(timeZone)) throw invalid('invalid.timezone', { value: timeZone });
  return timeZone;
}

/** A person's zone when they set a valid one, else their workspace's. */
export function effectiveTimeZone(own: string | null | undefined, workspace: string): string {
  return own && isValidTimeZone(own) ? own : workspace;
}

/** ISO weekday (1 = Monday ... 7 = Sunday) of a calendar date. */
export function isoWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() || 7;
}

/** The wall-clock reading of `instant` in `timeZone`, asked of Intl (slow: tens of microseconds). */
function intlParts(instant: Date, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  const date = { year: out.year!, month: out.month!, day: out.day! };
  return { ...date, hour: out.hour! % 24, minute: out.minute!, second: out.second!, weekday: isoWeekday(date) };
}

// Offsets change only at transitions, and since 1970 every transition falls on a quarter hour
// of UTC: one Intl answer per zone and quarter hour serves every instant in it. The plain-
// language parser does a dozen zone conversions per message; this keeps them off Intl.
const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/** Milliseconds the zone is ahead of UTC at `instant` (Moscow: +3 h). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const ms = instant.getTime();
  if (!(ms >= 0)) return intlOffsetMs(instant, timeZone);
  const bucket = Math.floor(ms / QUARTER_HOUR);
  let zone = offsetCache.get(timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  let offset = zone.get(bucket);
  if (offset === undefined) {
    if (zone.size > 20_000) zone.clear();
    offset = intlOffsetMs(new Date(bucket * QUARTER_HOUR), timeZone);
    zone.set(bucket, offset);
  }
  return offset;
}

function intlOffsetMs(instant: Date, timeZone: string): number {
  const p = intlParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The wall-clock reading of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  if (!(instant.getTime() >= 0)) return intlParts(instant, timeZone);
  const local = new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay() || 7,
  };
}

/**
 * The instant at which clocks in `timeZone` show this wall time. Wall times skipped by a DST
 * jump (02:30 on a spring-forward night) move forward by the jump; repeated ones (autumn)
 * resolve to the earlier instant.
 */
export function zonedTimeToInstant(wall: LocalDate & { hour?: number; minute?: number; second?: number }, timeZone: string): Date {
  const target = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);
  // the right offset is among those in force a day and a half either side
  const offsets = new Set([
    zoneOffsetMs(new Date(target - 36 * 3600_000), timeZone),
    zoneOffsetMs(new Date(target), timeZone),
    zoneOffsetMs(new Date(target + 36 * 3600_000), timeZone),
  ]);
  const exact = [...offsets]
    .map((o) => target - o)
    .filter((t) => zoneOffsetMs(new Date(t), timeZone) === target - t)
    .sort((a, b) => a - b);
  if (exact.length) return new Date(exact[0]!);
  // a gap: the offset in force before the jump lands after it
  return new Date(target - zoneOffsetMs(new Date(target - 36 * 3600_000), timeZone));
}

/** Calendar arithmetic on a local date (no time zone involved). */
export function addLocalDays(date: LocalDate, days: number): LocalDate & { weekday: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() || 7 };
}

/** Midnight of the local calendar day containing `instant`, shifted by `days` local days. */
export function startOfLocalDay(instant: Date, timeZone: string, days = 0): Date {
  return zonedTimeToInstant(addLocalDays(localParts(instant, timeZone), days), timeZone);
}

/** The local calendar date of `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = localParts(instant, timeZone);
  return { year, month, day };
}

/** "2026-03-10" for the local calendar day of `instant`. */
export function localDateKey(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
