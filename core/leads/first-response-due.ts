// When a new lead must get its first answer: workspace.firstResponseMinutes, counted only
// inside business hours when the workspace has them ({"days":[1..7],"start":"HH:MM",
// "end":"HH:MM"} in the workspace time zone), otherwise on the wall clock.
import { z } from 'zod';
import { localParts, zonedTimeToUtc, addDays } from './zoned-time.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
export const businessHoursSchema = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    start: hhmm,
    end: hhmm,
  })
  .refine((b) => b.start < b.end, 'start must be before end');
export type BusinessHours = z.infer<typeof businessHoursSchema>;

export interface SlaWorkspace {
  timezone: string;
  firstResponseMinutes: number;
  businessHours?: unknown;
}

const MINUTE = 60_000;

/** Parsed business hours, or null for "around the clock" (absent or malformed settings). */
export function parseBusinessHours(value: unknown): BusinessHours | null {
  if (value === null || value === undefined) return null;
  const parsed = businessHoursSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function firstResponseDueAt(workspace: SlaWorkspace, from: Date): Date {
  const minutes = Math.max(0, workspace.firstResponseMinutes);
  const hours = parseBusinessHours(workspace.businessHours);
  if (!hours) return new Date(from.getTime() + minutes * MINUTE);
  return addBusinessMinutes(hours, workspace.timezone, from, minutes);
}

function toMinutes(hhmmValue: string): [number, number] {
  const [h, m] = hhmmValue.split(':').map(Number);
  return [h!, m!];
}

/** Walks forward through business windows until `minutes` of working time have passed. */
export function addBusinessMinutes(hours: BusinessHours, timeZone: string, from: Date, minutes: number): Date {
  const [sh, sm] = toMinutes(hours.start);
  const [eh, em] = toMinutes(hours.end);
  const days = new Set(hours.days);
  let cursor = from.getTime();
  let remaining = minutes * MINUTE;
  // at most a few weeks of windows are ever needed; the bound protects against bad input
  for (let i = 0; i < 400; i++) {
    const local = localParts(new Date(cursor), timeZone);
    for (let ahead = 0; ahead < 8; ahead++) {
      const d = addDays(local.year, local.month, local.day, ahead);
      if (!days.has(d.weekday)) continue;
      const start = zonedTimeToUtc(d.year, d.month, d.day, sh, sm, timeZone).getTime();
      const end = zonedTimeToUtc(d.year, d.month, d.day, eh, em, timeZone).getTime();
      if (end <= cursor) continue;
      const windowStart = Math.max(start, cursor);
      if (windowStart + remaining <= end) return new Date(windowStart + remaining);
      remaining -= end - windowStart;
      cursor = end;
      break;
    }
  }
  return new Date(cursor + remaining);
}
