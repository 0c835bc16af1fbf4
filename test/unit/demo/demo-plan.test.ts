import { describe, it, expect } from 'vitest';
import { DEMO_BUSINESS_HOURS, DEMO_CONTENT, DEMO_HISTORY_DAYS, planDemo, type DemoPlan, type DemoPlanInput } from '../../../core/demo/demo-plan.js';
import { DEMO_SOURCES } from '../../../core/demo/content.js';
import { DEFAULT_STAGES } from '../../../core/workspaces/default-pipeline.js';
import { isoWeekday, localParts, startOfLocalDay, zonedTimeToInstant } from '../../../core/time/zoned.js';
import type { Locale } from '../../../core/i18n/index.js';

const STAGES = DEFAULT_STAGES.map((s, i) => ({ id: 101 + i, name: s.name, kind: s.kind, position: i + 1 }));
const OPEN_STAGES = STAGES.filter((s) => s.kind === 'open');

function inputFor(locale: Locale, now: Date, seed?: number): DemoPlanInput {
  const c = DEMO_CONTENT[locale];
  return {
    now,
    locale,
    workspace: { timezone: c.timezone, firstResponseMinutes: 15, businessHours: DEMO_BUSINESS_HOURS },
    head: { id: 1, timezone: c.team[0]!.timezone },
    managers: c.team.slice(1).map((m, i) => ({ id: 2 + i, timezone: m.timezone })),
    pipeline: { id: 7, stages: STAGES },
    seed,
  };
}

/** `hour`:00 local time `days` from 2026-11-30 (a Monday) in the demo's zone */
function localNow(locale: Locale, days: number, hour: number): Date {
  const tz = DEMO_CONTENT[locale].timezone;
  return zonedTimeToInstant({ year: 2026, month: 11, day: 30 + days, hour, minute: 7 }, tz);
}

function within(d: Date | null, start: Date, end: Date): boolean {
  return d !== null && d >= start && d < end;
}

/** What the head's daily digest needs from yesterday, and the weekly one from the last 7 days. */
function periodFigures(plan: DemoPlan, start: Date, end: Date) {
  const leads = plan.leads.filter((l) => within(l.createdAt, start, end));
  const converted = plan.deals.filter((d) => d.lead !== null && within(plan.leads[d.lead]!.createdAt, start, end));
  return {
    sources: new Set(leads.map((l) => l.source)),
    answered: leads.filter((l) => l.firstResponseAt).length,
    converted: converted.length,
    won: plan.deals.filter((d) => d.status === 'won' && within(d.closedAt, start, end)).length,
    lost: plan.deals.filter((d) => d.status === 'lost' && within(d.closedAt, start, end)).length,
  };
}

function checkPlan(locale: Locale, now: Date): void {
  const plan = planDemo(inputFor(locale, now));
  const c = DEMO_CONTENT[locale];
  const tz = c.timezone;
  const label = `${locale} at ${now.toISOString()}`;

  // nothing happens after the seeding instant; everything within the eight weeks
  const past = [
    ...plan.leads.flatMap((l) => [l.createdAt, l.firstResponseAt, l.updatedAt]),
    ...plan.deals.flatMap((d) => [d.createdAt, d.closedAt, d.lastActivityAt]),
    ...plan.tasks.flatMap((t) => [t.createdAt, t.completedAt]),
    ...plan.activities.map((a) => a.createdAt),
    ...plan.messages.map((m) => m.createdAt),
  ].filter((d): d is Date => d !== null);
  expect(
    past.filter((d) => d > now),
    label,
  ).toEqual([]);
  const first = Math.min(...plan.leads.map((l) => l.createdAt.getTime()));
  expect(first, label).toBeGreaterThanOrEqual(startOfLocalDay(now, tz, -DEMO_HISTORY_DAYS).getTime());
  expect(first, label).toBeLessThan(startOfLocalDay(now, tz, -DEMO_HISTORY_DAYS + 2).getTime());

  // yesterday and the last 7 days (the head's periods: the head works in the workspace's zone)
  const yesterday = periodFigures(plan, startOfLocalDay(now, tz, -1), startOfLocalDay(now, tz, 0));
  expect([...yesterday.sources].sort(), label).toEqual([...DEMO_SOURCES].sort());
  expect(yesterday.answered, label).toBeGreaterThan(0);
  expect(yesterday.converted, label).toBeGreaterThan(0);
  expect(yesterday.won, label).toBeGreaterThan(0);
  expect(yesterday.lost, label).toBeGreaterThan(0);
  const week = periodFigures(plan, startOfLocalDay(now, tz, -7), startOfLocalDay(now, tz, 0));
  expect(week.sources.size, label).toBe(4);
  expect(week.won + week.lost, label).toBeGreaterThan(2);

  // the funnel has deals in every open stage
  const openDeals = plan.deals.filter((d) => d.status === 'open');
  expect(
    OPEN_STAGES.filter((s) => !openDeals.some((d) => d.stageId === s.id)).map((s) => s.name),
    label,
  ).toEqual([]);

  // every manager has something overdue and something ahead
  for (const manager of inputFor(locale, now).managers) {
    const open = plan.tasks.filter((t) => t.assigneeId === manager.id && t.status === 'open');
    expect(
      open.some((t) => t.dueAt < now),
      `${label}: manager ${manager.id} overdue`,
    ).toBe(true);
    expect(
      open.some((t) => t.dueAt >= now),
      `${label}: manager ${manager.id} ahead`,
    ).toBe(true);
  }
}

describe('the demo plan', () => {
  it('is the same plan for the same clock and seed, and another for another seed', () => {
    const now = localNow('ru', 0, 15);
    const a = planDemo(inputFor('ru', now));
    expect(planDemo(inputFor('ru', now))).toEqual(a);
    const b = planDemo(inputFor('ru', now, 7));
    expect(b.leads.map((l) => l.createdAt.getTime())).not.toEqual(a.leads.map((l) => l.createdAt.getTime()));
  });

  it('has something in every part of the daily and weekly digests on any day of the week, day or night, in both languages', () => {
    for (const locale of ['ru', 'en'] as const) {
      for (let day = 0; day < 7; day++) {
        for (const hour of [1, 15]) checkPlan(locale, localNow(locale, day, hour));
      }
    }
    // across daylight saving changes (New York: 8 March 2026)
    checkPlan('en', new Date('2026-03-09T14:00:00Z'));
    checkPlan('en', new Date('2026-11-02T03:30:00Z'));
  });

  it('follows a weekday rhythm over eight weeks: weekdays busier than weekends, every channel used', () => {
    const now = localNow('ru', 0, 15);
    const plan = planDemo(inputFor('ru', now));
    const tz = DEMO_CONTENT.ru.timezone;
    const perDay = new Map<string, { weekday: number; n: number }>();
    for (const l of plan.leads) {
      const p = localParts(l.createdAt, tz);
      const key = `${p.year}-${p.month}-${p.day}`;
      const day = perDay.get(key) ?? { weekday: isoWeekday(p), n: 0 };
      day.n++;
      perDay.set(key, day);
    }
    const mean = (days: Array<{ n: number }>) => days.reduce((s, d) => s + d.n, 0) / Math.max(1, days.length);
    const weekdays = [...perDay.values()].filter((d) => d.weekday <= 5);
    const weekends = [...perDay.values()].filter((d) => d.weekday >= 6);
    expect(mean(weekdays)).toBeGreaterThan(3 * mean(weekends));
    expect(plan.leads.length).toBeGreaterThan(250);
    for (const source of DEMO_SOURCES) expect(plan.leads.filter((l) => l.source === source).length).toBeGreaterThan(20);
    // answers: minutes in business hours, the next morning for night leads
    const minutes = plan.leads
      .filter((l) => l.firstResponseAt)
      .map((l) => (l.firstResponseAt!.getTime() - l.createdAt.getTime()) / 60_000)
      .sort((a, b) => a - b);
    const median = minutes[Math.floor(minutes.length / 2)]!;
    expect(median).toBeGreaterThan(3);
    expect(median).toBeLessThan(60);
    expect(minutes[Math.floor(minutes.length * 0.9)]!).toBeGreaterThan(4 * 60);
  });

  it('is consistent the way the use cases keep it: statuses, stages, closing, tasks and the recurring review', () => {
    const now = localNow('en', 2, 11);
    const plan = planDemo(inputFor('en', now));
    const stageKind = new Map(STAGES.map((s) => [s.id, s.kind]));
    for (const d of plan.deals) {
      expect(stageKind.get(d.stageId)).toBe(d.status);
      expect(d.closedAt !== null).toBe(d.status !== 'open');
      expect(d.lostReason !== null).toBe(d.status === 'lost');
      expect(Number(d.amount)).toBeGreaterThan(0);
      expect(d.amount).toMatch(/^\d+\.\d{2}$/);
      expect(Object.keys(DEMO_CONTENT.en.rates)).toContain(d.currency);
      expect(d.lead === null || plan.leads[d.lead]!.status === 'converted').toBe(true);
    }
    const dealLeads = new Set(plan.deals.map((d) => d.lead));
    plan.leads.forEach((l, i) => {
      expect(l.status === 'converted').toBe(dealLeads.has(i));
      if (l.firstResponseAt) expect(l.firstResponseAt.getTime()).toBeGreaterThan(l.createdAt.getTime());
      expect(l.status === 'junk').toBe(l.junkReason !== null);
    });
    expect(new Set(plan.leads.map((l) => l.status))).toEqual(new Set(['new', 'in_progress', 'converted', 'junk']));
    expect(plan.leads.some((l) => l.status === 'new' && l.assigneeId === null)).toBe(true);
    for (const t of plan.tasks) {
      expect(t.status === 'done').toBe(t.completedAt !== null);
      if (t.completedAt) expect(t.completedAt.getTime()).toBeGreaterThan(t.createdAt.getTime());
    }
    const emails = plan.contacts.map((c) => c.email).filter(Boolean);
    const phones = plan.contacts.map((c) => c.phone).filter(Boolean);
    expect(new Set(emails).size).toBe(emails.length);
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.every((p) => /^\+1\d{10}$/.test(p!))).toBe(true);
    // the head's weekly review: one series, every Monday at 10:00, one occurrence open
    const review = plan.tasks.filter((t) => t.rrule);
    expect(review.length).toBeGreaterThanOrEqual(8);
    expect(new Set(review.map((t) => t.series))).toEqual(new Set([plan.tasks.indexOf(review[0]!)]));
    expect(review.filter((t) => t.status === 'open')).toHaveLength(1);
    for (const t of review) expect(localParts(t.dueAt, 'America/New_York')).toMatchObject({ weekday: 1, hour: 10, minute: 0 });
  });

  it('writes the Russian demo in Russian and the English one in English', () => {
    const words = (plan: DemoPlan) => [
      ...plan.deals.map((d) => d.title),
      ...plan.deals.map((d) => d.lostReason ?? ''),
      ...plan.tasks.map((t) => t.title),
      ...plan.leads.map((l) => l.title),
      ...plan.leads.map((l) => l.junkReason ?? ''),
      ...plan.contacts.map((c) => c.name),
      ...plan.companies.map((c) => c.name),
      ...plan.messages.filter((m) => m.direction === 'outbound').map((m) => m.text),
    ];
    const ru = words(planDemo(inputFor('ru', localNow('ru', 0, 15)))).filter(Boolean);
    // acronyms (CRM, API, SEO) are written so in Russian; no other Latin words
    expect(ru.filter((w) => /[A-Za-z]*[a-z][A-Za-z]*/.test(w))).toEqual([]);
    const en = words(planDemo(inputFor('en', localNow('en', 0, 15)))).filter(Boolean);
    expect(en.filter((w) => /\p{Script=Cyrillic}/u.test(w))).toEqual([]);
  });
});
