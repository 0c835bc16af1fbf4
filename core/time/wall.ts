// Wall times for the parser: what a clock on the user's wall shows (minutes precision),
// with calendar arithmetic; the zone math itself is core/time/zoned.ts.
import { localParts, zoneOffsetMs, zonedTimeToInstant } from './zoned.js';

export interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock in `timeZone` at `instant` (seconds dropped). */
export function wallAt(instant: Date, timeZone: string): Wall {
  const { year, month, day, hour, minute } = localParts(instant, timeZone);
  return { year, month, day, hour, minute };
}

/** The zone's offset from UTC in minutes at `instant` (Moscow: 180). */
export function offsetMinutesAt(instant: Date, timeZone: string): number {
  return Math.round(zoneOffsetMs(instant, timeZone) / 60_000);
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
  return zonedTimeToInstant(w, timeZone);
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
