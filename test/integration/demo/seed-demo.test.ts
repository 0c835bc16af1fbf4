import { describe, it, expect } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ManualClock } from '../../support/team.js';
import { expectHeadDigests } from '../../support/demo-digests.js';
import { seedDemo } from '../../../core/demo/seed-demo.js';
import type { DemoStore } from '../../../core/demo/demo-store.js';
import { dbContext, sqlStores } from '../../../connectors/db/stores/index.js';
import { actorForUser } from '../../../core/users/index.js';
import { composeTodayDigest } from '../../../core/digests/compose-today.js';
import { moveDealToStage, convertLeadToDeal } from '../../../core/deals/index.js';
import { completeTask, listTasks } from '../../../core/tasks/index.js';
import { takeLead } from '../../../core/leads/index.js';
import { addUser } from '../../../core/users/index.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { systemActor } from '../../../core/actor.js';
import { isDomainError } from '../../../core/errors.js';

const db = testDb();
// Tuesday 1 December 2026, 10:45 in Moscow, 02:45 in New York
const NOW = new Date('2026-12-01T07:45:00Z');

async function workspaceRows(slug: string) {
  const ws = await db.workspace.findUniqueOrThrow({ where: { slug } });
  const where = { workspaceId: ws.id };
  return {
    ws,
    leads: await db.lead.findMany({ where, orderBy: { id: 'asc' } }),
    deals: await db.deal.findMany({ where, orderBy: { id: 'asc' }, include: { stage: true } }),
    tasks: await db.task.findMany({ where, orderBy: { id: 'asc' } }),
    users: await db.user.findMany({ where, orderBy: { id: 'asc' } }),
  };
}

describe('the demo workspace', { timeout: 300_000 }, () => {
  it('in Russian: Russian titles, the head digests full, and the seeded rows work with the use cases', async () => {
    const slug = uniqueSlug('demo-ru');
    const clock = new ManualClock(NOW);
    const result = await seedDemo(db, sqlStores, { slug, locale: 'ru', clock });
    expect(result.created).toBe(true);
    expect(result.counts.leads).toBeGreaterThan(250);
    const head = result.users.find((u) => u.role === 'head')!;
    await expectHeadDigests(db, head.id, NOW, 'ru');

    const { ws, leads, deals, tasks, users } = await workspaceRows(slug);
    expect(ws).toMatchObject({ locale: 'ru', timezone: 'Europe/Moscow', businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '19:00' } });
    // English titles inside Russian text are Russian (acronyms such as CRM aside)
    const latinWord = /[A-Za-z]*[a-z][A-Za-z]*/;
    expect([...deals.map((d) => d.title), ...tasks.map((t) => t.title), ...leads.map((l) => l.title)].filter((w) => latinWord.test(w))).toEqual([]);
    expect(new Set(deals.map((d) => d.currency))).toEqual(new Set(['RUB', 'USD']));
    // history, not the seeding instant: leads over eight weeks
    const days = new Set(leads.map((l) => l.createdAt.toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThan(50);
    expect(leads.filter((l) => l.createdAt.getTime() === NOW.getTime())).toEqual([]);

    // a manager's morning: overdue and due tasks, new leads
    const ivan = users.find((u) => u.name === 'Иван Петров')!;
    const ctx = dbContext(db, { clock });
    const today = await composeTodayDigest(ctx, ivan.id, NOW);
    expect(today.overdue.count).toBeGreaterThan(0);
    expect(today.dueToday.count + today.overdue.count).toBeGreaterThan(1);

    // the seeded rows are what the use cases expect
    const actor = await actorForUser(db, ivan.id);
    const overdue = await listTasks(ctx, actor, 'overdue');
    expect(overdue.length).toBeGreaterThan(0);
    clock.advance(60_000);
    expect((await completeTask(ctx, actor, overdue[0]!.id)).task.status).toBe('done');
    const open = deals.find((d) => d.ownerId === ivan.id && d.status === 'open' && d.stage.name !== 'Negotiation')!;
    const moved = await moveDealToStage(ctx, actor, open.id, 'Переговоры');
    expect(moved.stageId).not.toBe(open.stageId);
    const unassigned = leads.find((l) => l.status === 'new' && l.assigneeId === null)!;
    await takeLead(ctx, actor, unassigned.id);
    expect((await convertLeadToDeal(ctx, actor, unassigned.id, { amount: '150000' })).ownerId).toBe(ivan.id);
    // the head's weekly review goes on when this week's is done
    const headActor = await actorForUser(db, head.id);
    const review = tasks.find((t) => t.rrule && t.status === 'open')!;
    const done = await completeTask(ctx, headActor, review.id);
    expect(done.next?.seriesId).toBe(review.seriesId);
    expect(done.next!.dueAt.getTime()).toBeGreaterThan(review.dueAt.getTime());
  });

  it('is the same demo for the same clock (ids aside), in English by default', async () => {
    const [a, b] = [uniqueSlug('demo-a'), uniqueSlug('demo-b')];
    await seedDemo(db, sqlStores, { slug: a, clock: new ManualClock(NOW) });
    await seedDemo(db, sqlStores, { slug: b, clock: new ManualClock(NOW) });
    const [ra, rb] = [await workspaceRows(a), await workspaceRows(b)];
    expect(ra.ws.locale).toBe('en');
    const shape = (r: Awaited<ReturnType<typeof workspaceRows>>) => ({
      leads: r.leads.map((l) => [l.title, l.source, l.status, l.createdAt.getTime(), l.firstResponseAt?.getTime() ?? null]),
      deals: r.deals.map((d) => [d.title, d.amount?.toFixed(2), d.currency, d.stage.name, d.closedAt?.getTime() ?? null, d.lostReason]),
      tasks: r.tasks.map((t) => [t.title, t.status, t.dueAt.getTime(), t.completedAt?.getTime() ?? null]),
    });
    expect(shape(rb)).toEqual(shape(ra));
    await expectHeadDigests(db, ra.users[0]!.id, NOW, 'en');
  });

  it('twice at once: one builds it, the other finds it; --reset rebuilds it in place', async () => {
    const slug = uniqueSlug('demo-twice');
    const clock = new ManualClock(NOW);
    const both = await Promise.all([seedDemo(db, sqlStores, { slug, clock }), seedDemo(db, sqlStores, { slug, clock })]);
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    const first = await workspaceRows(slug);
    expect(first.users).toHaveLength(4);
    expect(both.find((r) => !r.created)!.counts).toEqual(both.find((r) => r.created)!.counts);

    clock.advance(86_400_000);
    const rebuilt = await seedDemo(db, sqlStores, { slug, clock, reset: true });
    expect(rebuilt.created).toBe(true);
    const second = await workspaceRows(slug);
    // the same workspace row (a running Leadline keeps its id), a new team, a day later
    expect(second.ws.id).toBe(first.ws.id);
    expect(second.users).toHaveLength(4);
    expect(second.users.some((u) => first.users.some((f) => f.id === u.id))).toBe(false);
    expect(Math.max(...second.leads.map((l) => l.createdAt.getTime()))).toBeGreaterThan(Math.max(...first.leads.map((l) => l.createdAt.getTime())));
    expect(await db.auditLog.count({ where: { workspaceId: first.ws.id, action: 'demo.seed' } })).toBe(1);
    await expectHeadDigests(db, rebuilt.users[0]!.id, clock.now(), 'en');
  });

  it('never touches a workspace in use, not even with --reset', async () => {
    const slug = uniqueSlug('in-use');
    const ws = await ensureWorkspace(db, slug, { timezone: 'UTC', locale: 'en' });
    await addUser(dbContext(db), systemActor(ws), { name: 'Anna', role: 'manager' });
    for (const reset of [false, true]) {
      const error = await seedDemo(db, sqlStores, { slug, reset }).catch((e: unknown) => e);
      expect(isDomainError(error) && error.key).toBe('seed.in_use');
    }
    const rows = await workspaceRows(slug);
    expect(rows.users.map((u) => u.name)).toEqual(['Anna']);
    expect(rows.leads).toEqual([]);
    expect(rows.ws).toMatchObject({ timezone: 'UTC', businessHours: null });
  });

  it('a failure halfway leaves nothing behind, and the next run builds the demo', async () => {
    const slug = uniqueSlug('demo-fail');
    const failing: DemoStore = {
      async write(tx, workspaceId, plan) {
        await sqlStores.demo.write(tx, workspaceId, plan);
        throw new Error('disk full');
      },
    };
    await expect(seedDemo(db, { ...sqlStores, demo: failing }, { slug, clock: new ManualClock(NOW) })).rejects.toThrow('disk full');
    const empty = await workspaceRows(slug);
    expect([empty.users.length, empty.leads.length, empty.deals.length, empty.tasks.length]).toEqual([0, 0, 0, 0]);
    const result = await seedDemo(db, sqlStores, { slug, clock: new ManualClock(NOW) });
    expect(result.created).toBe(true);
    expect(result.users).toHaveLength(4);
  });
});
