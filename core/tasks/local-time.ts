// Wall-clock time in an IANA time zone, computed with Intl only (no offset tables):
// what a person in that zone sees on their clock, and back to an instant.
import { invalid } from '../errors.js';

export interface LocalParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
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

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(timeZone: string): string {
  if (!isValidTimeZone(timeZone)) throw invalid('invalid.timezone', { value: timeZone });
  return timeZone;
}

/** The wall-clock reading of `date` in `timeZone`. */
export function localParts(date: Date, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour === 24 ? 0 : out.hour!,
    minute: out.minute!,
    second: out.second!,
  };
}

/** Milliseconds the zone is ahead of UTC at `date` (Moscow: +3 h). */
export function zoneOffsetMs(date: Date, timeZone: string): number {
  const p = localParts(date, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The instant at which clocks in `timeZone` show this wall time. Wall times skipped by a DST
 * jump (02:30 on a spring-forward night) move forward by the jump; repeated ones (autumn)
 * resolve to the earlier instant.
 */
export function zonedTimeToInstant(parts: Omit<LocalParts, 'second'> & { second?: number }, timeZone: string): Date {
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second ?? 0);
  // candidates from the offsets just before and after the wall time read as UTC
  const offsets = new Set([
    zoneOffsetMs(new Date(wall - 36 * 3600_000), timeZone),
    zoneOffsetMs(new Date(wall), timeZone),
    zoneOffsetMs(new Date(wall + 36 * 3600_000), timeZone),
  ]);
  const exact = [...offsets]
    .map((o) => wall - o)
    .filter((t) => zoneOffsetMs(new Date(t), timeZone) === wall - t)
    .sort((a, b) => a - b);
  if (exact.length) return new Date(exact[0]!);
  // a gap: use the offset in force before the jump, which lands after it
  const before = zoneOffsetMs(new Date(wall - 36 * 3600_000), timeZone);
  return new Date(wall - before);
}

const LOCAL_RE = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/;

/** "2026-03-10 15:00" (or "2026-03-10", meaning 00:00) in `timeZone` -> the instant. */
export function parseLocalDateTime(text: string, timeZone: string): Date {
  assertTimeZone(timeZone);
  const m = LOCAL_RE.exec(text);
  if (!m) throw invalid('invalid.date', { value: text });
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 ||
    probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day
  ) {
    throw invalid('invalid.date', { value: text });
  }
  return zonedTimeToInstant({ year, month, day, hour, minute, second }, timeZone);
}

/** Midnight of the local calendar day containing `date`, shifted by `days` local days. */
export function startOfLocalDay(date: Date, timeZone: string, days = 0): Date {
  const p = localParts(date, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return zonedTimeToInstant({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 }, timeZone);
}

/** "2026-03-10" for the local calendar day of `date`. */
export function localDateKey(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
