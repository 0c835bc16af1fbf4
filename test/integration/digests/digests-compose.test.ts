// Digests over a seeded workspace: the right numbers in two time zones (Moscow, Los Angeles),
// period boundaries, the previous-period comparison, exact median/p90, Russian plurals.
import { describe, it, expect, beforeAll } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { defaultPipeline } from '../../../core/workspaces/default-pipeline.js';
import { composeTodayDigest } from '../../../core/digests/compose-today.js';
import { composeTeamDigest } from '../../../core/digests/compose-team.js';
import { DigestRun } from '../../../core/digests/digest-run.js';
import { renderDigestText } from '../../../core/digests/render-text.js';
import type { Db } from '../../../core/db.js';

const NOW = new Date('2026-03-10T06:00:00Z'); // 09:00 Tue 10 Mar in Moscow; 23:00 Mon 9 Mar in Los Angeles (PDT)
const at = (iso: string) => new Date(iso);
const LONG_AGO = at('2026-03-01T00:00:00Z');

async function seedWorkspace(db: Db) {
  const ws = await ensureWorkspace(db, uniqueSlug('dg'), { timezone: 'UTC', locale: 'en' });
  const pipeline = await defaultPipeline(db, ws.id);
  const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!.id;
  const user = (name: string, role: 'manager' | 'head', timezone: string, locale: string) =>
    db.user.create({ data: { workspaceId: ws.id, name, role, timezone, locale } });
  const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Ivan', nameKey: 'ivan' } });
  return { ws, pipeline, stage, user, contact };
}

describe('today digest in two time zones', () => {
  const db = testDb();
  const ctx = dbContext(db);
  let msk: { id: number };
  let la: { id: number };
  let head: { id: number };

  beforeAll(async () => {
    const s = await seedWorkspace(db);
    msk = await s.user('Anna <Moscow>', 'manager', 'Europe/Moscow', 'ru');
    la = await s.user('Bob', 'manager', 'America/Los_Angeles', 'en');
    head = await s.user('Olga', 'head', 'Europe/Moscow', 'ru');
    const task = (assigneeId: number, title: string, dueAt: string, extra: Record<string, unknown> = {}) =>
      db.task.create({ data: { workspaceId: s.ws.id, assigneeId, title, dueAt: at(dueAt), createdAt: LONG_AGO, ...extra } });
    for (const u of [msk, la]) {
      await task(u.id, 'Late evening in Moscow', '2026-03-10T20:30:00Z'); // 23:30 Moscow 10 Mar; 13:30 LA 10 Mar
      await task(u.id, 'Just after Moscow midnight', '2026-03-10T21:30:00Z'); // 00:30 Moscow 11 Mar
      await task(u.id, 'Yesterday', '2026-03-09T10:00:00Z'); // overdue for both
      await task(u.id, 'Snoozed', '2026-03-10T05:00:00Z', { snoozedUntil: at('2026-03-10T12:00:00Z') }); // today (Moscow), tomorrow (LA)
      await task(u.id, 'LA late evening', '2026-03-10T06:30:00Z'); // 23:30 LA 9 Mar; 09:30 Moscow 10 Mar
      await task(u.id, 'Done already', '2026-03-09T09:00:00Z', { status: 'done', completedAt: at('2026-03-09T12:00:00Z') });
    }
    await task(head.id, 'Head task', '2026-03-10T07:00:00Z');
    const lead = (assigneeId: number | null, title: string, status: 'new' | 'in_progress' = 'new') =>
      db.lead.create({
        data: { workspaceId: s.ws.id, contactId: s.contact.id, source: 'telegram', title, status, assigneeId, createdAt: at('2026-03-10T05:00:00Z') },
      });
    for (let i = 1; i <= 5; i++) await lead(msk.id, `Lead ${i} <b>`);
    await lead(msk.id, 'Taken', 'in_progress');
    await lead(la.id, 'LA lead');
    await lead(null, 'Nobody owns me');
    const deal = (ownerId: number, title: string, lastActivityAt: string, status: 'open' | 'won' = 'open') =>
      db.deal.create({
        data: {
          workspaceId: s.ws.id,
          pipelineId: s.pipeline.id,
          stageId: s.stage(status === 'won' ? 'Won' : 'New'),
          title,
          titleKey: title.toLowerCase(),
          ownerId,
          status,
          amount: '120000',
          currency: 'RUB',
          lastActivityAt: at(lastActivityAt),
        },
      });
    await deal(msk.id, 'Quiet deal', '2026-03-01T06:00:00Z'); // 9 days without activity (workspace staleDealDays = 7)
    await deal(msk.id, 'Busy deal', '2026-03-08T06:00:00Z'); // 2 days
    await deal(msk.id, 'Closed quiet deal', '2026-02-01T06:00:00Z', 'won');
  });

  it('counts a task due 23:30 Moscow time as today in Moscow but not in Los Angeles', async () => {
    const m = await composeTodayDigest(ctx, msk.id, NOW);
    const l = await composeTodayDigest(ctx, la.id, NOW);
    expect(m.day).toEqual({ start: at('2026-03-09T21:00:00Z'), end: at('2026-03-10T21:00:00Z') });
    expect(l.day).toEqual({ start: at('2026-03-09T07:00:00Z'), end: at('2026-03-10T07:00:00Z') });

    expect(m.overdue.items.map((t) => t.title)).toEqual(['Yesterday']);
    expect(m.dueToday.items.map((t) => t.title)).toEqual(['LA late evening', 'Snoozed', 'Late evening in Moscow']);
    expect(m.dueToday.count).toBe(3);
    expect(m.dueToday.items[1]!.dueAt).toEqual(at('2026-03-10T12:00:00Z')); // the snooze, not the original due time

    expect(l.overdue.items.map((t) => t.title)).toEqual(['Yesterday']);
    expect(l.dueToday.items.map((t) => t.title)).toEqual(['LA late evening']);
  });

  it("lists the manager's own new leads and stale open deals; heads also see unassigned leads", async () => {
    const m = await composeTodayDigest(ctx, msk.id, NOW);
    expect(m.newLeads.count).toBe(5);
    expect(m.unassignedLeads).toBeNull();
    expect(m.staleDeals.count).toBe(1);
    expect(m.staleDeals.days).toBe(7);
    expect(m.staleDeals.items[0]).toMatchObject({ title: 'Quiet deal', amount: { currency: 'RUB', amount: '120000.00' } });

    const h = await composeTodayDigest(ctx, head.id, NOW);
    expect(h.unassignedLeads?.count).toBe(1);
    expect(h.unassignedLeads?.items[0]?.title).toBe('Nobody owns me');
    expect(h.dueToday.count).toBe(1);
    expect(h.newLeads.count).toBe(0);
  });

  it('batches the per-user queries of digests composed together and gets the same digests', async () => {
    const alone = await Promise.all([msk, la, head].map((u) => composeTodayDigest(ctx, u.id, NOW)));
    const run = new DigestRun(NOW);
    const together = await Promise.all([msk, la, head].map((u) => composeTodayDigest(ctx, u.id, NOW, run)));
    expect(together).toEqual(alone);
    // recipients, tasks, leads and deals: one query each for all three users
    expect(run.stats).toEqual({ batches: 4, requests: 12 });
    await expect(composeTodayDigest(ctx, 987654321, NOW, run)).rejects.toThrow(/user #987654321/);
  });

  it('renders Russian plural forms, local times and user-supplied titles as plain text (senders escape)', async () => {
    const text = renderDigestText(await composeTodayDigest(ctx, msk.id, NOW), 'ru');
    expect(text).toContain('Просрочена 1 задача');
    expect(text).toContain('На сегодня 3 задачи');
    expect(text).toContain('Новые лиды: 5 лидов');
    expect(text).toContain('Без активности 7+ дн.: 1 сделка');
    expect(text).toContain('Late evening in Moscow — 23:30');
    expect(text).toContain('Lead 5 <b>');
    expect(text).not.toContain('&lt;');
    const en = renderDigestText(await composeTodayDigest(ctx, la.id, NOW), 'en');
    expect(en).toContain('Due today: 1 task');
    expect(en).toContain('LA late evening — 23:30');
  });
});

describe('team digest', () => {
  const db = testDb();
  const ctx = dbContext(db);
  let headMsk: { id: number };
  let headLa: { id: number };
  let ann: { id: number };
  let ben: { id: number };

  beforeAll(async () => {
    const s = await seedWorkspace(db);
    headMsk = await s.user('Olga', 'head', 'Europe/Moscow', 'ru');
    headLa = await s.user('Pat', 'head', 'America/Los_Angeles', 'en');
    ann = await s.user('Ann', 'manager', 'Europe/Moscow', 'en');
    ben = await s.user('Ben', 'manager', 'Europe/Moscow', 'en');
    // Moscow daily period: [Mar 8 21:00Z, Mar 9 21:00Z); previous [Mar 7 21:00Z, Mar 8 21:00Z)
    // Los Angeles daily period (DST starts Mar 8): [Mar 8 08:00Z, Mar 9 07:00Z); previous [Mar 7 08:00Z, Mar 8 08:00Z)
    const lead = async (
      createdAt: string,
      source: 'telegram' | 'email' | 'web',
      responseSeconds: number | null,
      status: 'new' | 'converted' | 'junk' = 'new',
    ) =>
      db.lead.create({
        data: {
          workspaceId: s.ws.id,
          contactId: s.contact.id,
          source,
          title: `L ${createdAt}`,
          status,
          assigneeId: ann.id,
          createdAt: at(createdAt),
          firstResponseAt: responseSeconds === null ? null : new Date(at(createdAt).getTime() + responseSeconds * 1000),
        },
      });
    // Moscow current period: five answered leads (60, 120, 300, 600, 1200 s) and one unanswered
    const converted = await lead('2026-03-09T12:00:00Z', 'telegram', 60, 'converted'); // LA: after its period
    await lead('2026-03-08T22:00:00Z', 'email', 120); // Moscow current, LA current
    await lead('2026-03-09T05:00:00Z', 'telegram', 300); // both current
    await lead('2026-03-09T06:00:00Z', 'telegram', 600); // both current
    await lead('2026-03-09T20:00:00Z', 'web', 1200); // Moscow current, LA after
    await lead('2026-03-09T20:30:00Z', 'web', null); // Moscow current, unanswered
    // Moscow previous period
    await lead('2026-03-08T10:00:00Z', 'telegram', 100); // LA current
    await lead('2026-03-07T23:00:00Z', 'email', 300); // LA previous
    await lead('2026-03-06T12:00:00Z', 'email', 5); // before both previous periods

    const deal = (title: string, stage: string, extra: Record<string, unknown>) =>
      db.deal.create({
        data: {
          workspaceId: s.ws.id,
          pipelineId: s.pipeline.id,
          stageId: s.stage(stage),
          title,
          titleKey: title.toLowerCase(),
          ownerId: ann.id,
          createdAt: LONG_AGO,
          ...extra,
        },
      });
    await deal('Open A', 'New', { amount: '100', currency: 'RUB' });
    await deal('Open B', 'New', { amount: '50', currency: 'USD' });
    await deal('Open C', 'Qualified', { amount: '300', currency: 'RUB' });
    await deal('From lead', 'New', { leadId: converted.id, createdAt: at('2026-03-09T13:00:00Z') });
    await deal('Won 1', 'Won', { status: 'won', amount: '1000', currency: 'RUB', closedAt: at('2026-03-09T15:00:00Z') });
    await deal('Won 2', 'Won', { status: 'won', amount: '500', currency: 'RUB', closedAt: at('2026-03-08T12:00:00Z') });
    await deal('Won 3', 'Won', { status: 'won', amount: '200', currency: 'USD', closedAt: at('2026-03-09T16:00:00Z') });
    await deal('Lost 1', 'Lost', { status: 'lost', closedAt: at('2026-03-09T10:00:00Z') });

    const task = (assigneeId: number, dueAt: string, extra: Record<string, unknown> = {}) =>
      db.task.create({ data: { workspaceId: s.ws.id, assigneeId, title: 't', dueAt: at(dueAt), createdAt: LONG_AGO, ...extra } });
    await task(ann.id, '2026-03-09T03:00:00Z'); // overdue now and a day ago
    await task(ann.id, '2026-03-09T20:00:00Z'); // overdue now only
    await task(ann.id, '2026-03-08T10:00:00Z', { status: 'done', completedAt: at('2026-03-09T12:00:00Z') }); // overdue a day ago only
    await task(ben.id, '2026-03-10T08:00:00Z'); // not yet due
    await task(ben.id, '2026-03-01T08:00:00Z', { status: 'cancelled' }); // cancelled: never counted
  });

  it("computes the Moscow head's daily figures with the previous day beside them", async () => {
    const d = await composeTeamDigest(ctx, headMsk.id, 'daily', NOW);
    expect(d.period).toEqual({ start: at('2026-03-08T21:00:00Z'), end: at('2026-03-09T21:00:00Z') });
    expect(d.previousPeriod).toEqual({ start: at('2026-03-07T21:00:00Z'), end: at('2026-03-08T21:00:00Z') });
    expect(d.leadsBySource).toEqual([
      { source: 'telegram', current: 3, previous: 1 },
      { source: 'web', current: 2, previous: 0 },
      { source: 'email', current: 1, previous: 1 },
    ]);
    expect(d.leadsTotal).toEqual({ current: 6, previous: 2 });
    expect(d.conversion).toEqual({
      leads: { current: 6, previous: 2 },
      converted: { current: 1, previous: 0 },
      won: { current: 2, previous: 1 },
      lost: { current: 1, previous: 0 },
    });
    expect(d.wonAmount).toEqual([
      { currency: 'RUB', current: '1000.00', previous: '500.00' },
      { currency: 'USD', current: '200.00', previous: '0.00' },
    ]);
    // percentile_cont over 60, 120, 300, 600, 1200: median 300, p90 600 + 0.6 * 600 = 960
    expect(d.firstResponse.current).toEqual({ median: 300, p90: 960, responded: 5, unanswered: 1 });
    // 100 and 300: median 200, p90 100 + 0.9 * 200 = 280
    expect(d.firstResponse.previous).toEqual({ median: 200, p90: 280, responded: 2, unanswered: 0 });
    expect(d.funnel.map((s) => [s.name, s.count, s.amounts])).toEqual([
      [
        'New',
        3,
        [
          { currency: 'RUB', amount: '100.00' },
          { currency: 'USD', amount: '50.00' },
        ],
      ],
      ['Qualified', 1, [{ currency: 'RUB', amount: '300.00' }]],
      ['Proposal', 0, []],
      ['Negotiation', 0, []],
    ]);
    // open now: A, B, C, From lead; open at the period start: A, B, C, Won 1, Won 3, Lost 1
    expect(d.openDeals).toEqual({ current: 4, previous: 6 });
    expect(d.overdueByManager).toEqual([{ userId: ann.id, name: 'Ann', current: 2, previous: 2 }]);
  });

  it("uses the Los Angeles head's own day (23 hours long on the DST change) for the same data", async () => {
    const d = await composeTeamDigest(ctx, headLa.id, 'daily', NOW);
    expect(d.period).toEqual({ start: at('2026-03-08T08:00:00Z'), end: at('2026-03-09T07:00:00Z') });
    expect(d.previousPeriod).toEqual({ start: at('2026-03-07T08:00:00Z'), end: at('2026-03-08T08:00:00Z') });
    expect(d.leadsTotal).toEqual({ current: 4, previous: 1 });
    expect(d.firstResponse.current).toMatchObject({ responded: 4, median: 210 }); // 100, 120, 300, 600
    expect(d.conversion.won).toEqual({ current: 1, previous: 0 }); // Won 2 at Mar 8 12:00Z
    expect(d.wonAmount).toEqual([{ currency: 'RUB', current: '500.00', previous: '0.00' }]);
  });

  it('covers the last 7 days for the weekly summary', async () => {
    const d = await composeTeamDigest(ctx, headMsk.id, 'weekly', NOW);
    expect(d.period).toEqual({ start: at('2026-03-02T21:00:00Z'), end: at('2026-03-09T21:00:00Z') });
    expect(d.previousPeriod).toEqual({ start: at('2026-02-23T21:00:00Z'), end: at('2026-03-02T21:00:00Z') });
    expect(d.leadsTotal).toEqual({ current: 9, previous: 0 });
    expect(d.conversion.won.current).toBe(3);
  });

  it('shares the workspace aggregates between heads with the same period in one run', async () => {
    const run = new DigestRun(NOW);
    const a = await composeTeamDigest(ctx, headMsk.id, 'daily', NOW, run);
    const size = run.size;
    const b = await composeTeamDigest(ctx, headMsk.id, 'daily', NOW, run);
    expect(run.size).toBe(size);
    expect(b.funnel).toEqual(a.funnel);
    await composeTeamDigest(ctx, headLa.id, 'daily', NOW, run);
    expect(run.size).toBe(size + 1); // a different period: its own aggregates
  });

  it('refuses the team digest for a manager and renders the comparison in Russian', async () => {
    await expect(composeTeamDigest(ctx, ann.id, 'daily', NOW)).rejects.toThrow(/not a head of sales/);
    const text = renderDigestText(await composeTeamDigest(ctx, headMsk.id, 'daily', NOW), 'ru');
    expect(text).toContain('Сводка команды за пн, 9 марта');
    expect(text).toContain('Новые лиды: 6 ▲4 (было 2)');
    expect(text).toContain('медиана 5 мин ▲2 мин (было 3 мин)');
    expect(text).toContain('1 лид ещё без ответа');
    expect(text).toContain('Ann: 2 =');
    expect(text).toMatch(/Сумма выигранных: 1\s000,00\s₽ ▲500,00\s₽/);
  });
});
