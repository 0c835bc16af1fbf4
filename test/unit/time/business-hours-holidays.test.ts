// Business hours per weekday, holidays and the typed forms /settings and the CLI accept: every
// form of one schedule gives the same acknowledgement time and SLA deadline, over a week with
// a DST change (Europe/Berlin, clocks forward on Sunday 29 March 2026).
import { describe, it, expect } from 'vitest';
import {
  addBusinessMinutes,
  nextOpening,
  parseHolidayText,
  readBusinessHours,
  validateBusinessHours,
  validateHolidays,
  workspaceHours,
} from '../../../core/time/business-hours.js';
import { firstResponseDueAt } from '../../../core/leads/first-response-due.js';
import { parseBusinessHoursText } from '../../../core/workspaces/settings.js';
import { isDomainError } from '../../../core/errors.js';

const berlin = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);
const typed = (text: string) => validateBusinessHours(parseBusinessHoursText(text));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e.key;
    throw e;
  }
  throw new Error('accepted');
}

describe('typed business hours', () => {
  it('"9:00", "09:00" and "9" (and the JSON) are one schedule', () => {
    const forms = ['mon-fri 9:00-18:00', 'Mon-Fri 09:00-18', 'пн-пт 9-18', 'weekdays 9-18:00', '{"days":[1,2,3,4,5],"start":"9","end":"18"}'].map(typed);
    for (const f of forms) expect(f).toEqual({ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
  });

  it('per weekday: the most common window is the default, the others by day', () => {
    expect(typed('mon-fri 9-18, sat 10-14')).toEqual({
      days: [1, 2, 3, 4, 5, 6],
      start: '09:00',
      end: '18:00',
      perDay: { '6': { start: '10:00', end: '14:00' } },
    });
    expect(typed('пн-чт 9-18; пт 9-16:30')).toEqual({ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', perDay: { '5': { start: '09:00', end: '16:30' } } });
    expect(typed('daily 22-6')).toEqual({ days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '06:00' });
    expect(typed('off')).toBeNull();
    expect(typed('24/7')).toBeNull();
  });

  it('refuses what it cannot read, naming the reason', () => {
    expect(refusal(() => typed('mon-fri 9-25'))).toBe('invalid.business_hours_end');
    expect(refusal(() => typed('mon-fri 9:70-18'))).toBe('invalid.business_hours_start');
    expect(refusal(() => typed('someday 9-18'))).toBe('settings.invalid_hours_text');
    expect(refusal(() => typed('mon 9-9'))).toBe('invalid.business_hours_empty');
    expect(refusal(() => typed('{"days":'))).toBe('invalid.business_hours_shape');
  });
});

describe('holidays', () => {
  it('reads a day, a range, dotted dates and a name', () => {
    expect(parseHolidayText('2026-05-01')).toEqual({ from: '2026-05-01', to: '2026-05-01' });
    expect(parseHolidayText('2026-12-31..2027-01-08 New Year')).toEqual({ from: '2026-12-31', to: '2027-01-08', name: 'New Year' });
    expect(parseHolidayText('31.12.2026 - 08.01.2027 Новый год')).toEqual({ from: '2026-12-31', to: '2027-01-08', name: 'Новый год' });
    expect(parseHolidayText('2026-03-08 2026-03-09')).toEqual({ from: '2026-03-08', to: '2026-03-09' });
    expect(refusal(() => parseHolidayText('2026-02-30'))).toBe('invalid.holiday_date');
    expect(refusal(() => parseHolidayText('2026-03-09..2026-03-08'))).toBe('invalid.holiday_order');
    expect(refusal(() => parseHolidayText('2026-01-01..2027-06-01'))).toBe('invalid.holiday_too_long');
    expect(validateHolidays([{ from: '2026-05-09' }, { from: '2026-05-01' }, { from: '2026-05-01' }])).toEqual([
      { from: '2026-05-01', to: '2026-05-01' },
      { from: '2026-05-09', to: '2026-05-09' },
    ]);
  });

  it('a holiday closes its day for the acknowledgement and the SLA deadline alike', () => {
    // Wednesday 25 March 2026 is a day off; Mon-Fri 9-18 in Berlin
    const ws = {
      timezone: berlin,
      firstResponseMinutes: 30,
      businessHours: { days: [1, 2, 3, 4, 5], start: '9', end: '18' },
      holidays: [{ from: '2026-03-25', to: '2026-03-25' }],
    };
    const { hours } = workspaceHours(ws);
    // Tuesday 17:50 CET: 10 minutes on Tuesday, 20 on Thursday from 09:00
    expect(firstResponseDueAt(ws, at('2026-03-24T16:50:00Z')).toISOString()).toBe('2026-03-26T08:20:00.000Z');
    // Wednesday noon: the acknowledgement promises Thursday 09:00
    expect(nextOpening(hours, berlin, at('2026-03-25T11:00:00Z'))?.toISOString()).toBe('2026-03-26T08:00:00.000Z');
    // holidays without hours: around the clock except the holiday
    const always = readBusinessHours(null, [{ from: '2026-03-25', to: '2026-03-26' }]).hours;
    expect(nextOpening(always, berlin, at('2026-03-24T12:00:00Z'))).toBeNull();
    expect(nextOpening(always, berlin, at('2026-03-25T12:00:00Z'))?.toISOString()).toBe('2026-03-26T23:00:00.000Z');
    expect(addBusinessMinutes(always, berlin, at('2026-03-24T22:30:00Z'), 60).toISOString()).toBe('2026-03-26T23:30:00.000Z');
  });

  it('a stored value that does not validate counts as around the clock and says why', () => {
    const read = readBusinessHours({ days: [1], start: '9', end: '18' }, [{ from: 'soon' }]);
    expect(read.unreadable && isDomainError(read.unreadable) && read.unreadable.key).toBe('invalid.holiday_date');
  });
});

describe('one answer everywhere over a week with a DST change', () => {
  // Mon-Fri 9-18 and Sat 10-14, Friday 27 March a holiday, a night shift 22-6 as a second schedule
  const holidays = [{ from: '2026-03-27', to: '2026-03-27', name: 'Day off' }];
  const schedules = [
    [
      'mon-fri 9:00-18:00, sat 10-14',
      'Mon-Fri 09:00-18, Sat 10:00-14:00',
      'пн-пт 9-18; сб 10-14',
      '{"days":[1,2,3,4,5,6],"start":"9","end":"18","perDay":{"6":{"start":"10","end":"14"}}}',
    ],
    ['daily 22-6', 'mon-sun 22:00-06:00', 'ежедневно 22-06:00'],
  ];
  it('every typed form gives the same opening and deadline at every quarter hour', () => {
    for (const forms of schedules) {
      const stored = forms.map((f) => typed(f));
      for (let t = Date.parse('2026-03-23T00:00:00Z'); t < Date.parse('2026-03-31T00:00:00Z'); t += 15 * 60_000) {
        const now = new Date(t);
        const answers = stored.map((businessHours) => {
          const ws = { timezone: berlin, firstResponseMinutes: 45, businessHours, holidays };
          return [nextOpening(workspaceHours(ws).hours, berlin, now)?.getTime() ?? null, firstResponseDueAt(ws, now).getTime()];
        });
        for (const a of answers) expect(a).toEqual(answers[0]);
        // the deadline never comes before the promised opening
        const [opening, due] = answers[0]!;
        expect(due!).toBeGreaterThanOrEqual((opening ?? t) + 0);
      }
    }
  });

  it('Saturday has its own window and Friday the holiday is skipped, across the change of clocks', () => {
    const ws = { timezone: berlin, firstResponseMinutes: 30, businessHours: typed('mon-fri 9-18, sat 10-14'), holidays };
    // Thursday 26 March 17:50 CET: 10 minutes Thursday, Friday off, 20 minutes from Saturday 10:00 CET
    expect(firstResponseDueAt(ws, at('2026-03-26T16:50:00Z')).toISOString()).toBe('2026-03-28T09:20:00.000Z');
    // Saturday 13:50 CET: 10 minutes Saturday, 20 minutes on Monday 09:00 CEST (after the change)
    expect(firstResponseDueAt(ws, at('2026-03-28T12:50:00Z')).toISOString()).toBe('2026-03-30T07:20:00.000Z');
    expect(nextOpening(workspaceHours(ws).hours, berlin, at('2026-03-28T13:30:00Z'))?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });
});
