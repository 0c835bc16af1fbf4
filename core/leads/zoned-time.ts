// Business-hours arithmetic helpers over core/time/zoned.ts (positional arguments).
import { addLocalDays, zonedTimeToInstant } from '../time/zoned.js';

export { localParts, type LocalParts } from '../time/zoned.js';

/** The instant when the wall clock in timeZone shows the given local time (DST gaps move forward). */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  return zonedTimeToInstant({ year, month, day, hour, minute }, timeZone);
}

/** Calendar arithmetic on a local date (no time zone involved). */
export function addDays(year: number, month: number, day: number, days: number) {
  return addLocalDays({ year, month, day }, days);
}
