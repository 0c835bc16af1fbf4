// Workspace business hours ({"days":[1..7],"start":"09:00","end":"18:00"} in the workspace
// time zone; 1 = Monday). Used to tell a customer writing after hours when to expect an answer.
import { localParts, zonedTimeToInstant } from '../tasks/local-time.js';

export interface BusinessHours {
  days: number[];
  start: string;
  end: string;
}

export function parseBusinessHours(value: unknown): BusinessHours | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const time = /^([01]?\d|2[0-3]):([0-5]\d)$/;
  if (!Array.isArray(v.days) || typeof v.start !== 'string' || typeof v.end !== 'string') return null;
  if (!time.test(v.start) || !time.test(v.end)) return null;
  const days = v.days.filter((d): d is number => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 7);
  return days.length ? { days, start: v.start, end: v.end } : null;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** ISO weekday (1 = Monday) of a local calendar date. */
function isoWeekday(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Null when `now` is within business hours (or none are set); else the next opening instant. */
export function nextOpening(now: Date, timeZone: string, hours: BusinessHours | null): Date | null {
  if (!hours) return null;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const local = localParts(now, timeZone);
  const minuteOfDay = local.hour * 60 + local.minute;
  const today = isoWeekday(local.year, local.month, local.day);
  if (hours.days.includes(today) && minuteOfDay >= start && minuteOfDay < end) return null;
  for (let offset = 0; offset <= 7; offset++) {
    const date = new Date(Date.UTC(local.year, local.month - 1, local.day + offset));
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (!hours.days.includes(isoWeekday(y, m, d))) continue;
    if (offset === 0 && minuteOfDay >= start) continue;
    return zonedTimeToInstant({ year: y, month: m, day: d, hour: Math.floor(start / 60), minute: start % 60 }, timeZone);
  }
  return null;
}
