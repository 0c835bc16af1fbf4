// Calendar arithmetic in a user's time zone with Intl only: local midnights, period
// boundaries and "local wall time -> instant" that stay right across DST changes.

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock fields of an instant in a time zone (weekday 1 = Monday ... 7 = Sunday). */
export function localParts(instant: Date, timeZone: string) {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of partsFormatter(timeZone).formatToParts(instant)) {
    if (p.type === 'weekday') out.weekday = WEEKDAYS[p.value] ?? 0;
    else if (p.type in out) (out as Record<string, number>)[p.type] = Number(p.value);
  }
  return out;
}

/** Offset of the zone from UTC at an instant, in milliseconds (Moscow: +3 h). */
function offsetAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant a local wall time happens in a zone. A time skipped by a DST jump resolves
 * to the instant after the jump; a repeated hour resolves to its first occurrence.
 */
export function zonedTimeToUtc(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  let guess = wall - offsetAt(new Date(wall), timeZone);
  const second = wall - offsetAt(new Date(guess), timeZone);
  if (second !== guess) {
    // the offset changed between the two probes: prefer the earlier valid reading
    const candidates = [guess, second].sort((a, b) => a - b);
    guess = candidates.find((c) => c + offsetAt(new Date(c), timeZone) === wall) ?? Math.max(guess, second);
  }
  return new Date(guess);
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const p = localParts(instant, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Local midnight of the day `instant` falls on in the zone. */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  return zonedTimeToUtc(localDateOf(instant, timeZone), 0, 0, timeZone);
}

/** "2026-03-10": the local calendar day, used in idempotency keys. */
export function isoLocalDate(instant: Date, timeZone: string): string {
  const d = localDateOf(instant, timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

const validZones = new Map<string, boolean>();
export function isValidTimeZone(timeZone: string): boolean {
  let ok = validZones.get(timeZone);
  if (ok === undefined) {
    try {
      partsFormatter(timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(timeZone, ok);
  }
  return ok;
}
