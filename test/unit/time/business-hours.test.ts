import { describe, it, expect } from 'vitest';
import {
  addBusinessMinutes,
  BusinessCalendar,
  isWithinBusinessHours,
  nextOpening,
  readBusinessHours,
  validateBusinessHours,
} from '../../../core/time/business-hours.js';
import { firstResponseDueAt } from '../../../core/leads/first-response-due.js';
import { isDomainError } from '../../../core/errors.js';

const at = (iso: string) => new Date(iso);
const berlin = 'Europe/Berlin';
const weekdays = (start: string, end: string) => validateBusinessHours({ days: [1, 2, 3, 4, 5], start, end })!;

function refusal(value: unknown): string {
  try {
    validateBusinessHours(value);
  } catch (e) {
    if (isDomainError(e)) return e.key;
    throw e;
  }
  throw new Error('accepted');
}

describe('business hours: one reading of a value', () => {
  it('"9:00", "09:00", "9" and 9 are the same opening time', () => {
    const forms = ['9:00', '09:00', '9', 9].map((start) => validateBusinessHours({ days: [5, 1, 2, 3, 4, 1], start, end: '18:00' }));
    for (const f of forms) expect(f).toEqual({ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
  });

  it('clears to around the clock with null', () => {
    expect(validateBusinessHours(null)).toBeNull();
    expect(nextOpening(null, berlin, at('2026-03-29T01:30:00Z'))).toBeNull();
    expect(addBusinessMinutes(null, berlin, at('2026-03-29T00:30:00Z'), 90).toISOString()).toBe('2026-03-29T02:00:00.000Z');
  });

  it('refuses what it cannot read when it is set, naming the reason', () => {
    expect(refusal('9-18')).toBe('invalid.business_hours_shape');
    expect(refusal({ days: [], start: '9', end: '18' })).toBe('invalid.business_hours_days');
    expect(refusal({ days: [0, 1], start: '9', end: '18' })).toBe('invalid.business_hours_days');
    expect(refusal({ days: [1], start: '25:00', end: '18' })).toBe('invalid.business_hours_start');
    expect(refusal({ days: [1], start: '9:5', end: '18' })).toBe('invalid.business_hours_start');
    expect(refusal({ days: [1], start: '9', end: 'x' })).toBe('invalid.business_hours_end');
    expect(refusal({ days: [1], start: '9', end: '9:00' })).toBe('invalid.business_hours_empty');
    expect(refusal({ days: [1], start: '0', end: '0:00' })).toBe('invalid.business_hours_empty');
    // 0-24 is the whole day (e.g. one weekday open around the clock)
    expect(validateBusinessHours({ days: [1], start: '0', end: '24:00' })).toEqual({ days: [1], start: '00:00', end: '24:00' });
  });

  it('reads a stored value it cannot validate as around the clock and says why', () => {
    const read = readBusinessHours({ days: [], start: '25:00', end: 'x' });
    expect(read.hours).toBeNull();
    expect(read.unreadable && isDomainError(read.unreadable) && read.unreadable.key).toBe('invalid.business_hours_days');
    expect(readBusinessHours({ days: [1], start: '9:00', end: '18' })).toEqual({ hours: { days: [1], start: '09:00', end: '18:00' } });
  });
});

describe('business hours over a week with a DST change (Europe/Berlin)', () => {
  // 2026: clocks go forward on Sunday 29 March (02:00 CET -> 03:00 CEST) and back on Sunday 25 October
  const office = weekdays('9', '18:00');

  it('the opening after a weekend that changes the clocks is 09:00 local on both sides', () => {
    // Friday 27 March 19:00 CET -> Monday 30 March 09:00 CEST (07:00Z)
    expect(nextOpening(office, berlin, at('2026-03-27T18:00:00Z'))?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // Friday 23 October 19:00 CEST -> Monday 26 October 09:00 CET (08:00Z)
    expect(nextOpening(office, berlin, at('2026-10-23T17:00:00Z'))?.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(isWithinBusinessHours(office, berlin, at('2026-03-30T07:00:00Z'))).toBe(true);
    expect(isWithinBusinessHours(office, berlin, at('2026-03-30T06:59:00Z'))).toBe(false);
  });

  it('counts SLA minutes inside hours across the change', () => {
    // Friday 27 March 17:45 CET: 15 minutes on Friday, 15 on Monday after 09:00 CEST
    expect(addBusinessMinutes(office, berlin, at('2026-03-27T16:45:00Z'), 30).toISOString()).toBe('2026-03-30T07:15:00.000Z');
    // a whole working week of minutes from Monday 23 March 09:00 CET ends Friday 27 March 18:00 CET
    expect(addBusinessMinutes(office, berlin, at('2026-03-23T08:00:00Z'), 5 * 9 * 60).toISOString()).toBe('2026-03-27T17:00:00.000Z');
    // ... and one more minute lands on Monday 30 March 09:01 CEST
    expect(addBusinessMinutes(office, berlin, at('2026-03-23T08:00:00Z'), 5 * 9 * 60 + 1).toISOString()).toBe('2026-03-30T07:01:00.000Z');
  });

  it('overnight hours (22:00-06:00) open on the listed day and close the next morning; the short night is 7 hours, the long one 9', () => {
    const night = validateBusinessHours({ days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '6' })!;
    expect(night).toEqual({ days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '06:00' });
    // Saturday 28 March 22:00 CET (21:00Z) to Sunday 06:00 CEST (04:00Z): 7 hours
    expect(isWithinBusinessHours(night, berlin, at('2026-03-29T03:59:00Z'))).toBe(true);
    expect(nextOpening(night, berlin, at('2026-03-29T04:00:00Z'))?.toISOString()).toBe('2026-03-29T20:00:00.000Z');
    expect(addBusinessMinutes(night, berlin, at('2026-03-28T21:00:00Z'), 8 * 60).toISOString()).toBe('2026-03-29T21:00:00.000Z');
    // Saturday 24 October 22:00 CEST (20:00Z) to Sunday 06:00 CET (05:00Z): 9 hours
    expect(addBusinessMinutes(night, berlin, at('2026-10-24T20:00:00Z'), 9 * 60).toISOString()).toBe('2026-10-25T05:00:00.000Z');
    expect(nextOpening(night, berlin, at('2026-10-25T04:59:00Z'))).toBeNull();
    // in the early morning the window opened yesterday is still open (Tuesday 02:00)
    expect(nextOpening(night, berlin, at('2026-03-31T00:00:00Z'))).toBeNull();
    // and at noon the next opening is tonight
    expect(nextOpening(night, berlin, at('2026-03-31T10:00:00Z'))?.toISOString()).toBe('2026-03-31T20:00:00.000Z');
  });

  it('a window that falls into the skipped hour is empty that day', () => {
    const skipped = validateBusinessHours({ days: [7], start: '2:30', end: '3:30' })!;
    // Sunday 29 March 02:30 does not exist: the next opening is Sunday 5 April 02:30 CEST
    expect(nextOpening(skipped, berlin, at('2026-03-28T12:00:00Z'))?.toISOString()).toBe('2026-04-05T00:30:00.000Z');
  });

  it('the acknowledgement and the SLA deadline agree at every quarter hour of the week', () => {
    const variants = [office, weekdays('09:00', '18'), validateBusinessHours({ days: [1, 2, 3, 4, 5, 6, 7], start: '22', end: '06:00' })!];
    for (const hours of variants) {
      for (let t = Date.parse('2026-03-23T00:00:00Z'); t < Date.parse('2026-04-01T00:00:00Z'); t += 15 * 60_000) {
        const now = new Date(t);
        const opening = nextOpening(hours, berlin, now);
        const due = firstResponseDueAt({ timezone: berlin, firstResponseMinutes: 0, businessHours: hours }, now);
        expect(due.getTime()).toBe((opening ?? now).getTime());
      }
    }
  });
});

describe('the SLA deadline reads "9:00" like the acknowledgement', () => {
  it('Tuesday 21:00 in Moscow with start "9:00": both point at Wednesday morning', () => {
    const ws = { timezone: 'Europe/Moscow', firstResponseMinutes: 15, businessHours: { days: [1, 2, 3, 4, 5], start: '9:00', end: '18:00' } };
    const now = at('2026-03-10T18:00:00Z');
    expect(nextOpening(readBusinessHours(ws.businessHours).hours, ws.timezone, now)?.toISOString()).toBe('2026-03-11T06:00:00.000Z');
    expect(firstResponseDueAt(ws, now).toISOString()).toBe('2026-03-11T06:15:00.000Z');
  });
});

describe('BusinessCalendar: the same answers over a span, listed once', () => {
  it('agrees with addBusinessMinutes and nextOpening inside and outside its span, across DST changes and overnight hours', () => {
    const span = { from: at('2026-03-01T00:00:00Z'), to: at('2026-04-15T00:00:00Z') };
    for (const hours of [weekdays('9:00', '18:00'), validateBusinessHours({ days: [1, 2, 3, 4, 5, 6], start: '22:00', end: '06:00' }), null]) {
      const calendar = new BusinessCalendar(hours, berlin, span);
      // every 7 h 13 min from before the span to after it, with waits from 1 minute to 3 working days
      for (let t = at('2026-02-25T00:00:00Z').getTime(), i = 0; t < at('2026-04-25T00:00:00Z').getTime(); t += 433 * 60_000, i++) {
        const from = new Date(t);
        const minutes = [1, 15, 95, 540, 1800][i % 5]!;
        const label = `${JSON.stringify(hours)} ${from.toISOString()} +${minutes}`;
        expect(calendar.addMinutes(from, minutes).toISOString(), label).toBe(addBusinessMinutes(hours, berlin, from, minutes).toISOString());
        expect(calendar.nextOpening(from)?.toISOString() ?? null, label).toBe(nextOpening(hours, berlin, from)?.toISOString() ?? null);
      }
    }
  });
});
