import { describe, it, expect } from 'vitest';
import { nextOccurrence, normalizeRrule } from '../../../core/tasks/recurrence.js';
import { parseLocalDateTime } from '../../../core/time/local-date-time.js';
import { startOfLocalDay } from '../../../core/time/zoned.js';
import { taskWindowBounds } from '../../../core/tasks/list-tasks.js';
import { errorKey } from '../../support/domain-error.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('nextOccurrence', () => {
  it('keeps "every Monday at 09:00" at 09:00 New York time across the March DST jump', () => {
    const dtstart = new Date('2026-03-02T14:00:00Z'); // Mon 09:00 EST
    const next = nextOccurrence('FREQ=WEEKLY;BYDAY=MO', dtstart, 'America/New_York', dtstart);
    expect(iso(next)).toBe('2026-03-09T13:00:00.000Z'); // Mon 09:00 EDT
    const after = nextOccurrence('FREQ=WEEKLY;BYDAY=MO', next!, 'America/New_York', dtstart);
    expect(iso(after)).toBe('2026-03-16T13:00:00.000Z');
  });

  it('keeps 09:00 New York time across the November fall-back', () => {
    const dtstart = new Date('2026-10-30T13:00:00Z'); // Fri 09:00 EDT
    expect(iso(nextOccurrence('FREQ=DAILY', new Date('2026-10-31T13:00:00Z'), 'America/New_York', dtstart))).toBe('2026-11-01T14:00:00.000Z');
  });

  it('takes the hour from BYHOUR when given, in the zone', () => {
    const dtstart = new Date('2026-03-02T06:00:00Z');
    expect(iso(nextOccurrence('FREQ=WEEKLY;BYDAY=FR;BYHOUR=18;BYMINUTE=30', dtstart, 'Europe/Moscow', dtstart))).toBe('2026-03-06T15:30:00.000Z');
  });

  it("keeps 09:00 Moscow time across Moscow's historical 2010 DST change and with no DST today", () => {
    const dtstart2010 = new Date('2010-03-22T06:00:00Z'); // Mon 09:00 MSK (+3)
    expect(iso(nextOccurrence('FREQ=WEEKLY;BYDAY=MO', dtstart2010, 'Europe/Moscow', dtstart2010))).toBe('2010-03-29T05:00:00.000Z'); // 09:00 MSD (+4)
    const dtstart = new Date('2026-03-23T06:00:00Z');
    // late March: Europe moves clocks, Moscow does not: still 06:00Z
    expect(iso(nextOccurrence('FREQ=WEEKLY;BYDAY=MO', dtstart, 'Europe/Moscow', dtstart))).toBe('2026-03-30T06:00:00.000Z');
  });

  it('moves an occurrence in the spring-forward gap to just after the jump', () => {
    const dtstart = new Date('2026-03-06T07:30:00Z'); // Fri 02:30 EST
    expect(iso(nextOccurrence('FREQ=DAILY', new Date('2026-03-07T07:30:00Z'), 'America/New_York', dtstart))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
  });

  it('ends series with COUNT and follows INTERVAL', () => {
    const dtstart = new Date('2026-01-05T09:00:00Z');
    expect(nextOccurrence('FREQ=DAILY;COUNT=2', new Date('2026-01-06T09:00:00Z'), 'UTC', dtstart)).toBeNull();
    expect(iso(nextOccurrence('FREQ=DAILY;INTERVAL=3', dtstart, 'UTC', dtstart))).toBe('2026-01-08T09:00:00.000Z');
  });
});

describe('normalizeRrule', () => {
  it('accepts and normalises valid rules', () => {
    expect(normalizeRrule('rrule:freq=weekly;byday=mo')).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(normalizeRrule('FREQ=MONTHLY;BYMONTHDAY=1')).toBe('FREQ=MONTHLY;BYMONTHDAY=1');
  });
  it.each(['FREQ=BLAH', 'BYDAY=MO', 'FREQ=DAILY;BYDAY=XX', 'FREQ=DAILY;COUNT=x', 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', 'FREQ=MINUTELY', 'garbage', ''])(
    'refuses %j',
    (rule) => {
      expect(errorKey(() => normalizeRrule(rule))).toBe('invalid.rrule');
    },
  );
});

describe('parseLocalDateTime', () => {
  it('reads wall time in the zone', () => {
    expect(iso(parseLocalDateTime('2026-03-10 15:00', 'Europe/Moscow'))).toBe('2026-03-10T12:00:00.000Z');
    expect(iso(parseLocalDateTime('2026-03-10 15:00', 'America/New_York'))).toBe('2026-03-10T19:00:00.000Z');
    expect(iso(parseLocalDateTime('2026-01-10T15:00', 'America/New_York'))).toBe('2026-01-10T20:00:00.000Z');
    expect(iso(parseLocalDateTime('2026-01-10', 'Europe/Moscow'))).toBe('2026-01-09T21:00:00.000Z');
  });
  it('resolves DST gaps forward and repeated hours to the earlier instant', () => {
    expect(iso(parseLocalDateTime('2026-03-08 02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(parseLocalDateTime('2026-11-01 01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
  });
  it('refuses impossible dates and unknown zones', () => {
    expect(errorKey(() => parseLocalDateTime('2026-02-30 10:00', 'UTC'))).toBe('invalid.date');
    expect(errorKey(() => parseLocalDateTime('2026-03-10 24:00', 'UTC'))).toBe('invalid.date');
    expect(errorKey(() => parseLocalDateTime('tomorrow', 'UTC'))).toBe('invalid.date');
    expect(errorKey(() => parseLocalDateTime('2026-03-10 10:00', 'Mars/Olympus'))).toBe('invalid.timezone');
  });
});

describe('task list windows', () => {
  const now = new Date('2026-03-10T21:30:00Z'); // 00:30 on Mar 11 in Moscow, 17:30 on Mar 10 in New York

  it('"today" is the local calendar day of each zone', () => {
    expect(taskWindowBounds('today', now, 'Europe/Moscow')).toEqual({ from: new Date('2026-03-10T21:00:00Z'), to: new Date('2026-03-11T21:00:00Z') });
    expect(taskWindowBounds('today', now, 'America/New_York')).toEqual({ from: new Date('2026-03-10T04:00:00Z'), to: new Date('2026-03-11T04:00:00Z') });
  });
  it('"overdue" ends now and "upcoming" starts tomorrow local', () => {
    expect(taskWindowBounds('overdue', now, 'Europe/Moscow')).toEqual({ to: now });
    expect(taskWindowBounds('upcoming', now, 'America/New_York')).toEqual({ from: new Date('2026-03-11T04:00:00Z') });
  });
  it('a DST day in New York is 23 hours long', () => {
    const from = startOfLocalDay(new Date('2026-03-08T12:00:00Z'), 'America/New_York');
    const to = startOfLocalDay(new Date('2026-03-08T12:00:00Z'), 'America/New_York', 1);
    expect((to.getTime() - from.getTime()) / 3600_000).toBe(23);
  });
});
