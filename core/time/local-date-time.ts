// A person's local date-time as typed ("2026-03-10 15:00") to an instant in their zone.
import { invalid } from '../errors.js';
import { assertTimeZone, zonedTimeToInstant } from './zoned.js';

const LOCAL_RE = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/;

/** "2026-03-10 15:00" (or "2026-03-10", meaning 00:00) in `timeZone` -> the instant. */
export function parseLocalDateTime(text: string, timeZone: string): Date {
  assertTimeZone(timeZone);
  const m = LOCAL_RE.exec(text);
  if (!m) throw invalid('invalid.date', { value: text });
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    month < 1 ||
    month > 12 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day
  ) {
    throw invalid('invalid.date', { value: text });
  }
  return zonedTimeToInstant({ year, month, day, hour, minute, second }, timeZone);
}
