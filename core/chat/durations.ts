// Snooze and reminder offsets as people type them and buttons carry them:
// 15m, 1h, 2d, tomorrow (09:00 in the user's time zone); Russian 15м, 1ч, 2д, завтра.
import { localParts, zonedTimeToInstant } from '../time/zoned.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNIT_ALIASES: Record<string, string> = {
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  м: 'm',
  мин: 'm',
  минут: 'm',
  минуты: 'm',
  минуту: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  ч: 'h',
  час: 'h',
  часа: 'h',
  часов: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  д: 'd',
  дн: 'd',
  день: 'd',
  дня: 'd',
  дней: 'd',
};

/** 09:00 on the next local day in `timeZone`. */
export function tomorrowAt(now: Date, timeZone: string, hour = 9, minute = 0): Date {
  const local = localParts(now, timeZone);
  const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return zonedTimeToInstant({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour, minute }, timeZone);
}

/** The instant an offset means from now; null when it is not one. */
export function parseOffset(value: string, now: Date, timeZone: string): Date | null {
  const v = value.trim().toLowerCase();
  if (v === 'tomorrow' || v === 'завтра') return tomorrowAt(now, timeZone);
  const m = /^(\d{1,4})\s*([a-zа-я]+)$/u.exec(v);
  if (!m) return null;
  const unit = UNIT_ALIASES[m[2]!];
  const n = Number(m[1]);
  if (!unit || n <= 0) return null;
  const ms = n * UNIT_MS[unit]!;
  if (ms > 366 * UNIT_MS.d!) return null;
  return new Date(now.getTime() + ms);
}
