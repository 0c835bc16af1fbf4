// When each DigestSubscription fires: a cron pattern read in the user's time zone (the
// queue's job scheduler does the firing) and the same rule computed here for checks.
import type { DigestKind } from './digest.js';
import { addLocalDays, localDateOf, localParts, zonedTimeToInstant } from '../time/zoned.js';

export interface DigestScheduleInput {
  subscriptionId: number;
  userId: number;
  kind: DigestKind;
  hour: number;
  minute: number;
  /** 1 = Monday ... 7 = Sunday; weekly digests only (default Monday) */
  weekday: number | null;
  timezone: string;
}

export interface DigestSchedule {
  /** the job scheduler id: one per subscription */
  id: string;
  /** 5-field cron, minute hour day-of-month month day-of-week (0 = Sunday) */
  pattern: string;
  tz: string;
  subscriptionId: number;
  userId: number;
  kind: DigestKind;
}

export const DEFAULT_DIGEST_WEEKDAY = 1;

export function digestSchedulerId(subscriptionId: number): string {
  return `digest:${subscriptionId}`;
}

function weekdayOf(s: DigestScheduleInput): number | null {
  return s.kind === 'team_weekly' ? (s.weekday ?? DEFAULT_DIGEST_WEEKDAY) : null;
}

function clampTime(s: DigestScheduleInput) {
  return { hour: Math.min(23, Math.max(0, Math.trunc(s.hour))), minute: Math.min(59, Math.max(0, Math.trunc(s.minute))) };
}

export function digestSchedule(s: DigestScheduleInput): DigestSchedule {
  const { hour, minute } = clampTime(s);
  const weekday = weekdayOf(s);
  const pattern = `${minute} ${hour} * * ${weekday === null ? '*' : weekday % 7}`;
  return { id: digestSchedulerId(s.subscriptionId), pattern, tz: s.timezone, subscriptionId: s.subscriptionId, userId: s.userId, kind: s.kind };
}

/** The first firing strictly after `after`: hour:minute local time (on the weekday for weekly digests). */
export function nextDigestRun(s: DigestScheduleInput, after: Date): Date {
  const { hour, minute } = clampTime(s);
  const weekday = weekdayOf(s);
  const start = localDateOf(after, s.timezone);
  for (let i = 0; i <= 8; i++) {
    const at = zonedTimeToInstant({ ...addLocalDays(start, i), hour, minute }, s.timezone);
    if (weekday !== null && localParts(at, s.timezone).weekday !== weekday) continue;
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no digest run found for subscription ${s.subscriptionId}`);
}
