// Holidays from an iCalendar (.ics) file, e.g. a national public-holiday calendar: each
// event becomes a day off (or a range of them), yearly and other recurring events expanded
// within the years asked for. Parsing is ical.js's (RFC 5545); the days are its dates as
// written: an all-day event's DTEND is exclusive, a timed event covers the days it touches.
import ICAL from 'ical.js';
import { validateHolidays, type Holiday } from '../../core/time/business-hours.js';

export interface IcsHolidayOptions {
  /** the first year whose holidays are kept (default: this year) */
  fromYear?: number;
  /** how many years from fromYear (default 2) */
  years?: number;
}

const MAX_OCCURRENCES = 5000;

function dateKey(t: ICAL.Time): string {
  return `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** The inclusive local days [from, to] an event occurrence covers. */
function span(start: ICAL.Time, end: ICAL.Time | null): { from: string; to: string } {
  const from = dateKey(start);
  if (!end) return { from, to: from };
  const last = end.clone();
  // DTEND is exclusive: an all-day event ends the day before, a timed one at its end minute
  if (end.isDate || (end.hour === 0 && end.minute === 0 && end.second === 0)) last.adjust(-1, 0, 0, 0);
  const to = dateKey(last);
  return { from, to: to < from ? from : to };
}

/** The holidays of an .ics text (sorted, duplicates dropped); throws when it is not iCalendar. */
export function holidaysFromIcs(text: string, options: IcsHolidayOptions = {}): Holiday[] {
  const fromYear = options.fromYear ?? new Date().getUTCFullYear();
  const lastYear = fromYear + Math.max(1, options.years ?? 2) - 1;
  const root = new ICAL.Component(ICAL.parse(text));
  const out: Holiday[] = [];
  const keep = (from: string, to: string, name: string) => {
    if (Number(to.slice(0, 4)) < fromYear || Number(from.slice(0, 4)) > lastYear) return;
    out.push({ from, to, ...(name ? { name: name.slice(0, 100) } : {}) });
  };
  for (const v of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(v);
    const name = (event.summary ?? '').trim();
    if (!event.startDate) continue;
    if (!event.isRecurring()) {
      const { from, to } = span(event.startDate, event.endDate ?? null);
      keep(from, to, name);
      continue;
    }
    const it = event.iterator();
    for (let i = 0, next = it.next(); next && i < MAX_OCCURRENCES; i++, next = it.next()) {
      if (next.year > lastYear) break;
      const occurrence = event.getOccurrenceDetails(next);
      const { from, to } = span(occurrence.startDate, occurrence.endDate);
      keep(from, to, name);
    }
  }
  return validateHolidays(out);
}
