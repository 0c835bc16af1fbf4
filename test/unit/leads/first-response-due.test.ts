import { describe, it, expect } from 'vitest';
import { firstResponseDueAt } from '../../../core/leads/first-response-due.js';
import { zonedTimeToInstant, localParts } from '../../../core/time/zoned.js';

const office = { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
const moscow = { timezone: 'Europe/Moscow', firstResponseMinutes: 30, businessHours: office };

describe('firstResponseDueAt', () => {
  it('counts wall-clock minutes without business hours', () => {
    expect(firstResponseDueAt({ timezone: 'UTC', firstResponseMinutes: 15, businessHours: null }, new Date('2026-03-07T23:50:00Z')).toISOString()).toBe(
      '2026-03-08T00:05:00.000Z',
    );
  });
  it('inside hours: plain addition', () => {
    // Thu 12:00 MSK
    expect(firstResponseDueAt(moscow, new Date('2026-03-05T09:00:00Z')).toISOString()).toBe('2026-03-05T09:30:00.000Z');
  });
  it('carries the rest over the weekend: Friday 17:45 -> Monday 09:15', () => {
    expect(firstResponseDueAt(moscow, new Date('2026-03-06T14:45:00Z')).toISOString()).toBe('2026-03-09T06:15:00.000Z');
  });
  it('a lead on Saturday is due 30 minutes after Monday opens', () => {
    expect(firstResponseDueAt(moscow, new Date('2026-03-07T10:00:00Z')).toISOString()).toBe('2026-03-09T06:30:00.000Z');
  });
  it('before opening and after closing on a weekday', () => {
    expect(firstResponseDueAt(moscow, new Date('2026-03-05T03:00:00Z')).toISOString()).toBe('2026-03-05T06:30:00.000Z'); // 06:00 MSK
    expect(firstResponseDueAt(moscow, new Date('2026-03-05T19:00:00Z')).toISOString()).toBe('2026-03-06T06:30:00.000Z'); // 22:00 MSK
  });
  it('spans several days when the budget exceeds one day', () => {
    const long = { ...moscow, firstResponseMinutes: 9 * 60 + 10 };
    // Thu 17:00 MSK: 1h Thu, 8h10 Fri -> Friday 17:10 MSK
    expect(firstResponseDueAt(long, new Date('2026-03-05T14:00:00Z')).toISOString()).toBe('2026-03-06T14:10:00.000Z');
  });
  it('follows daylight saving time of the zone (New York, 8 March 2026)', () => {
    const ny = { timezone: 'America/New_York', firstResponseMinutes: 60, businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } };
    // Fri 16:30 EST -> 30 min Fri, 30 min Mon after 09:00 EDT (13:00Z)
    expect(firstResponseDueAt(ny, new Date('2026-03-06T21:30:00Z')).toISOString()).toBe('2026-03-09T13:30:00.000Z');
  });
  it('ignores malformed business hours (around the clock)', () => {
    const bad = { timezone: 'UTC', firstResponseMinutes: 10, businessHours: { days: [], start: '25:00', end: 'x' } };
    expect(firstResponseDueAt(bad, new Date('2026-03-07T10:00:00Z')).toISOString()).toBe('2026-03-07T10:10:00.000Z');
  });
});

describe('zoned time', () => {
  it('converts wall time to UTC with Intl', () => {
    expect(zonedTimeToInstant({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(zonedTimeToInstant({ year: 2026, month: 1, day: 1, hour: 9, minute: 0 }, 'Europe/Berlin').toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(localParts(new Date('2026-03-08T12:00:00Z'), 'Asia/Tokyo')).toMatchObject({ day: 8, hour: 21, weekday: 7 });
  });
});
