// Holidays from an iCalendar file (test/fixtures/ics/holidays.ics, written for these tests):
// all-day ranges with an exclusive DTEND, a yearly event expanded, old years left out.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { holidaysFromIcs } from '../../../connectors/import/ics-holidays.js';

const ics = readFileSync(new URL('../../fixtures/ics/holidays.ics', import.meta.url), 'utf8');

describe('holidaysFromIcs', () => {
  it('reads ranges, expands yearly events within the years asked, drops older ones', () => {
    expect(holidaysFromIcs(ics, { fromYear: 2026, years: 2 })).toEqual([
      { from: '2026-05-01', to: '2026-05-01', name: 'Spring and Labour Day' },
      { from: '2026-11-04', to: '2026-11-04', name: 'Unity Day' },
      { from: '2027-01-01', to: '2027-01-08', name: 'New Year holidays' },
      { from: '2027-05-01', to: '2027-05-01', name: 'Spring and Labour Day' },
    ]);
  });

  it('refuses what is not iCalendar', () => {
    expect(() => holidaysFromIcs('hello')).toThrow();
  });
});
