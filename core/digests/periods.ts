// Reporting periods in the recipient's time zone: "daily" is yesterday, "weekly" the last
// 7 full days; the previous period is the same length just before it.
import type { Interval } from './digest.js';
import { startOfLocalDay } from '../time/zoned.js';

export type PeriodKind = 'daily' | 'weekly';

export function reportingPeriods(kind: PeriodKind, now: Date, timeZone: string): { period: Interval; previous: Interval } {
  const days = kind === 'daily' ? 1 : 7;
  const at = (offset: number) => startOfLocalDay(now, timeZone, offset);
  return {
    period: { start: at(-days), end: at(0) },
    previous: { start: at(-2 * days), end: at(-days) },
  };
}
