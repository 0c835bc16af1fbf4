// Calendar arithmetic in a user's time zone for digests: local dates, midnights and period
// boundaries, over core/time/zoned.ts.
import { addLocalDays, localDateKey, localParts, zonedTimeToInstant, type LocalDate } from '../time/zoned.js';

export { localParts, startOfLocalDay, isValidTimeZone, type LocalDate } from '../time/zoned.js';

/** The instant a local wall time happens in a zone (DST gaps move forward, repeats take the first). */
export function zonedTimeToUtc(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  return zonedTimeToInstant({ ...date, hour, minute }, timeZone);
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const p = localParts(instant, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = addLocalDays(date, days);
  return { year, month, day };
}

/** "2026-03-10": the local calendar day, used in idempotency keys. */
export const isoLocalDate = localDateKey;
