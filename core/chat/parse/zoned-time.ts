// Wall-clock time in an IANA time zone, computed with Intl only (no offset tables), so
// daylight-saving changes come out right. A "wall" time is what a clock on the user's
// wall shows; an instant is a Date.

export interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
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

export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant` (seconds dropped). */
export function wallAt(instant: Date, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute! };
}

/** The zone's offset from UTC in minutes at `instant` (Moscow: 180). */
export function offsetMinutesAt(instant: Date, timeZone: string): number {
  const w = wallAt(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const truncated = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Math.round((asUtc - truncated) / 60_000);
}

/** A wall time as if it were UTC: handy for calendar arithmetic without any zone. */
export function wallToUtcMs(w: Wall): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
}

export function utcMsToWall(ms: number): Wall {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** Adds calendar days to a wall time (the clock time stays). */
export function addDays(w: Wall, days: number): Wall {
  return utcMsToWall(wallToUtcMs(w) + days * 86_400_000);
}

/**
 * The instant a wall time denotes in `timeZone`. A time skipped by a spring-forward gap
 * moves forward by the gap (02:30 -> 03:30); a repeated autumn hour takes the earlier one.
 */
export function wallToInstant(w: Wall, timeZone: string): Date {
  const target = wallToUtcMs(w);
  const candidates = new Set<number>();
  // try the offsets in force a day either side: the right one is among them
  for (const probe of [target - 86_400_000, target, target + 86_400_000]) {
    candidates.add(offsetMinutesAt(new Date(probe), timeZone));
  }
  const exact = [...candidates]
    .map((off) => target - off * 60_000)
    .filter((ms) => wallToUtcMs(wallAt(new Date(ms), timeZone)) === target)
    .sort((a, b) => a - b);
  if (exact.length > 0) return new Date(exact[0]!);
  // in a gap: use the offset from before the gap, which lands after it
  const before = offsetMinutesAt(new Date(target - 86_400_000), timeZone);
  return new Date(target - before * 60_000);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-03-11T10:00:00+03:00. */
export function formatIsoInZone(instant: Date, timeZone: string): string {
  const w = wallAt(instant, timeZone);
  const off = offsetMinutesAt(instant, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The wall time written in an ISO string's local part ("2026-03-11T10:00:00+03:00" -> 10:00 on 11 March). */
export function wallOfIso(iso: string): Wall | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return null;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) };
}

/** Day of week of a wall date: 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(w: Wall): number {
  return new Date(wallToUtcMs(w)).getUTCDay();
}

export function sameDay(a: Wall, b: Wall): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}
