import { describe, it, expect, inject } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testDb, uniqueSlug } from '../../support/db.js';
import { seedDemo, type SeedDemoResult } from '../../../bots/cli/demo/seed-demo.js';
import { coreContext } from '../../../core/context.js';
import { actorForUser } from '../../../core/users/index.js';
import { listTasks } from '../../../core/tasks/index.js';

const run = promisify(execFile);
const db = testDb();

describe('leadline seed --demo', { timeout: 240_000 }, () => {
  it('builds a demo workspace through the core, and a second run changes nothing', async () => {
    const slug = uniqueSlug('demo');
    const { stdout } = await run('./bin/leadline.js', ['seed', '--demo', '--workspace', slug, '--json'], {
      env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent' },
      timeout: 180_000,
    });
    const result = JSON.parse(stdout) as SeedDemoResult;
    expect(result.created).toBe(true);
    expect(result.users.map((u) => u.role).sort()).toEqual(['head', 'manager', 'manager', 'manager']);
    expect(result.users.every((u) => /^[A-Z2-9]{10}$/.test(u.inviteCode))).toBe(true);
    expect(result.counts.contacts).toBe(15);

    const ws = await db.workspace.findUniqueOrThrow({ where: { slug } });
    const leads = await db.lead.groupBy({ by: ['status'], where: { workspaceId: ws.id }, _count: true });
    expect(leads.map((l) => l.status).sort()).toEqual(['converted', 'in_progress', 'junk', 'new']);
    const deals = await db.deal.findMany({ where: { workspaceId: ws.id }, include: { stage: true } });
    expect(new Set(deals.map((d) => d.stage.name))).toEqual(new Set(['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']));
    expect(new Set(deals.map((d) => d.currency))).toEqual(new Set(['RUB', 'USD']));
    expect(deals.find((d) => d.amount?.toFixed(2) === '320000.50')).toBeDefined();
    expect(await db.task.count({ where: { workspaceId: ws.id, status: 'open', rrule: { not: null }, seriesId: { not: null } } })).toBe(1);
    const ivan = result.users.find((u) => u.name === 'Ivan Petrov')!;
    const ctx = coreContext(db);
    const actor = await actorForUser(db, ivan.id);
    expect((await listTasks(ctx, actor, 'overdue')).length).toBeGreaterThan(0);
    expect((await listTasks(ctx, actor, 'upcoming')).length).toBeGreaterThan(0);

    const activities = await db.activity.count({ where: { workspaceId: ws.id } });
    const again = await seedDemo(db, { slug });
    expect(again.created).toBe(false);
    expect(again.counts).toEqual(result.counts);
    expect(await db.activity.count({ where: { workspaceId: ws.id } })).toBe(activities);
    expect(await db.user.count({ where: { workspaceId: ws.id } })).toBe(4);

    const rebuilt = await seedDemo(db, { slug, reset: true });
    expect(rebuilt.created).toBe(true);
    expect(rebuilt.counts.deals).toBe(result.counts.deals);
    expect(await db.workspace.findUnique({ where: { id: ws.id } })).toBeNull();
  });
});
