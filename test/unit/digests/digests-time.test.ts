// Local days, reporting periods and schedule rules in users' time zones, across DST.
import { describe, it, expect } from 'vitest';
import { startOfLocalDay, zonedTimeToInstant, localDateKey } from '../../../core/time/zoned.js';
import { reportingPeriods } from '../../../core/digests/periods.js';
import { digestSchedule, nextDigestRun, type DigestScheduleInput } from '../../../core/digests/schedule.js';

const at = (iso: string) => new Date(iso);

describe('local time', () => {
  it('finds local midnight in zones east and west of UTC', () => {
    const now = at('2026-03-10T06:00:00Z');
    expect(startOfLocalDay(now, 'Europe/Moscow')).toEqual(at('2026-03-09T21:00:00Z'));
    expect(startOfLocalDay(now, 'America/Los_Angeles')).toEqual(at('2026-03-09T07:00:00Z'));
    expect(startOfLocalDay(now, 'Asia/Kolkata')).toEqual(at('2026-03-09T18:30:00Z'));
    expect(localDateKey(now, 'America/Los_Angeles')).toBe('2026-03-09');
    expect(localDateKey(now, 'Europe/Moscow')).toBe('2026-03-10');
  });

  it('maps wall times across DST: a skipped hour moves forward, a repeated one takes the first', () => {
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 8, hour: 9, minute: 0 }, 'America/Los_Angeles')).toEqual(at('2026-03-08T16:00:00Z'));
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 7, hour: 9, minute: 0 }, 'America/Los_Angeles')).toEqual(at('2026-03-07T17:00:00Z'));
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/Los_Angeles')).toEqual(at('2026-03-08T10:30:00Z'));
    expect(zonedTimeToInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/Los_Angeles')).toEqual(at('2026-11-01T08:30:00Z'));
  });
});

describe('reporting periods', () => {
  it('daily is yesterday, and 23 hours long on the day DST starts', () => {
    const { period, previous } = reportingPeriods('daily', at('2026-03-09T16:00:00Z'), 'America/Los_Angeles');
    expect(period).toEqual({ start: at('2026-03-08T08:00:00Z'), end: at('2026-03-09T07:00:00Z') });
    expect(previous).toEqual({ start: at('2026-03-07T08:00:00Z'), end: at('2026-03-08T08:00:00Z') });
  });

  it('weekly is the last 7 full local days before today, the previous week before that', () => {
    const { period, previous } = reportingPeriods('weekly', at('2026-03-10T06:00:00Z'), 'Europe/Moscow');
    expect(period).toEqual({ start: at('2026-03-02T21:00:00Z'), end: at('2026-03-09T21:00:00Z') });
    expect(previous).toEqual({ start: at('2026-02-23T21:00:00Z'), end: at('2026-03-02T21:00:00Z') });
  });
});

describe('digest schedule', () => {
  const base: DigestScheduleInput = { subscriptionId: 7, userId: 3, kind: 'today', hour: 9, minute: 0, weekday: null, timezone: 'Europe/Moscow' };

  it("builds a cron pattern in the user's zone with one id per subscription", () => {
    expect(digestSchedule(base)).toEqual({ id: 'digest:7', pattern: '0 9 * * *', tz: 'Europe/Moscow', subscriptionId: 7, userId: 3, kind: 'today' });
    expect(digestSchedule({ ...base, kind: 'team_weekly', weekday: 7, hour: 18, minute: 45 }).pattern).toBe('45 18 * * 0');
    expect(digestSchedule({ ...base, kind: 'team_weekly' }).pattern).toBe('0 9 * * 1');
    expect(digestSchedule({ ...base, kind: 'team_daily', weekday: 3 }).pattern).toBe('0 9 * * *');
  });

  it('computes the next run at 09:00 local time, also for weekly digests and over DST', () => {
    expect(nextDigestRun(base, at('2026-03-10T05:59:00Z'))).toEqual(at('2026-03-10T06:00:00Z'));
    expect(nextDigestRun(base, at('2026-03-10T06:00:00Z'))).toEqual(at('2026-03-11T06:00:00Z'));
    const la = { ...base, timezone: 'America/Los_Angeles' };
    expect(nextDigestRun(la, at('2026-03-07T18:00:00Z'))).toEqual(at('2026-03-08T16:00:00Z')); // PDT from Mar 8
    const weekly = { ...base, kind: 'team_weekly' as const, weekday: 1 };
    expect(nextDigestRun(weekly, at('2026-03-10T06:00:00Z'))).toEqual(at('2026-03-16T06:00:00Z')); // next Monday
  });
});
