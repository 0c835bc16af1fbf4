// The workspace settings use case (behind /settings and `leadline settings`): who may change
// what, values refused with the reason and nothing written, audit rows, and what follows a
// change (digest schedules, the default currency of new deals).
import { describe, it, expect, inject } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection } from '../../support/team.js';
import { changeSetting, showSettings } from '../../../core/workspaces/settings.js';
import { createDeal } from '../../../core/deals/index.js';

const db = testDb();
const run = promisify(execFile);

describe('workspace settings', () => {
  it('a head changes the sales-process settings only; a manager nothing; refusals write nothing', async () => {
    const { ctx, actors, workspaceId } = await makeTeam(db, {
      members: [
        { name: 'Ada', role: 'admin' },
        { name: 'Hugo', role: 'head' },
        { name: 'Max', role: 'manager' },
      ],
    });
    const [admin, head, manager] = actors as [(typeof actors)[0], (typeof actors)[0], (typeof actors)[0]];
    expect((await changeSetting(ctx, head, 'stale-days', '10')).settings.staleDealDays).toBe(10);
    expect(await rejection(() => changeSetting(ctx, head, 'hours', 'mon-fri 9-18'))).toMatchObject({ code: 'forbidden', key: 'settings.forbidden_head' });
    expect(await rejection(() => changeSetting(ctx, manager, 'stale-days', '3'))).toMatchObject({ code: 'forbidden', key: 'settings.forbidden' });
    expect(await rejection(() => showSettings(ctx, manager))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(() => changeSetting(ctx, admin, 'first-response', '0'))).toMatchObject({ key: 'settings.invalid_number' });
    expect(await rejection(() => changeSetting(ctx, admin, 'timezone', 'Mars/Olympus'))).toMatchObject({ key: 'invalid.timezone' });
    expect(await rejection(() => changeSetting(ctx, admin, 'currency', 'XYZ'))).toMatchObject({ key: 'invalid.currency' });
    expect(await rejection(() => changeSetting(ctx, admin, 'holidays', 'add 2026-02-30'))).toMatchObject({ key: 'invalid.holiday_date' });
    expect(await rejection(() => changeSetting(ctx, admin, 'colour', 'red'))).toMatchObject({ key: 'settings.unknown_key' });
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(ws).toMatchObject({
      staleDealDays: 10,
      firstResponseMinutes: 15,
      timezone: 'Europe/Moscow',
      defaultCurrency: null,
      holidays: [],
      businessHours: null,
    });
    const audits = await db.auditLog.findMany({ where: { workspaceId, action: 'workspace.setting' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorUserId: head.userId, before: { 'stale-days': 7 }, after: { 'stale-days': 10 } });
  });

  it('the digest time and day move every member subscription and their schedules', async () => {
    const { ctx, actors, scheduler } = await makeTeam(db, {
      members: [
        { name: 'Ada', role: 'admin' },
        { name: 'Max', role: 'manager' },
      ],
    });
    const [admin, manager] = actors as [(typeof actors)[0], (typeof actors)[0]];
    await changeSetting(ctx, admin, 'digest-time', '8:30');
    await changeSetting(ctx, admin, 'digest-day', 'fri');
    const subs = await db.digestSubscription.findMany({ where: { userId: { in: [admin.userId, manager.userId] } }, orderBy: { id: 'asc' } });
    expect(subs.map((s) => [s.kind, s.hour, s.minute, s.weekday])).toEqual([
      ['today', 8, 30, null],
      ['team_daily', 8, 30, null],
      ['team_weekly', 8, 30, 5],
      ['today', 8, 30, null],
    ]);
    expect(scheduler.calls.filter((c) => c[0] === 'rescheduleDigests').map((c) => c[1])).toEqual(expect.arrayContaining([admin.userId, manager.userId]));
    expect((await showSettings(ctx, admin)).digestTime).toBe('08:30');
  });

  it('a new deal without a currency takes the workspace default; holidays add, remove and clear', async () => {
    const { ctx, actors } = await makeTeam(db, { members: [{ name: 'Ada', role: 'admin' }] });
    const admin = actors[0]!;
    await changeSetting(ctx, admin, 'currency', 'eur');
    const deal = await createDeal(ctx, admin, { title: 'Desks', amount: '1200' });
    expect(deal.currency).toBe('EUR');
    await changeSetting(ctx, admin, 'holidays', 'add 2026-12-31..2027-01-08 New Year');
    await changeSetting(ctx, admin, 'holidays', 'add 01.05.2026');
    expect((await showSettings(ctx, admin)).holidays).toEqual([
      { from: '2026-05-01', to: '2026-05-01' },
      { from: '2026-12-31', to: '2027-01-08', name: 'New Year' },
    ]);
    await changeSetting(ctx, admin, 'holidays', 'remove 2026-05-01');
    expect((await showSettings(ctx, admin)).holidays).toHaveLength(1);
    expect(await rejection(() => changeSetting(ctx, admin, 'holidays', 'remove 2026-05-01'))).toMatchObject({ key: 'settings.holiday_not_found' });
    await changeSetting(ctx, admin, 'holidays', 'clear');
    expect((await showSettings(ctx, admin)).holidays).toEqual([]);
  });
});

describe('leadline settings show|set', { timeout: 180_000 }, () => {
  async function leadline(...args: string[]) {
    try {
      const { stdout, stderr } = await run('./bin/leadline.js', args, {
        env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent' },
        timeout: 90_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  it('sets a value through the use case (audited as the CLI), refuses a bad one with the reason, shows them', async () => {
    const { workspaceId } = await makeTeam(db, { members: [{ name: 'Ada', role: 'admin' }] });
    const { slug } = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    const set = await leadline('settings', 'set', 'hours', 'mon-fri', '9:00-18,', 'sat', '10-14', '--workspace', slug);
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe('Business hours: Mon–Fri 09:00–18:00, Sat 10:00–14:00');
    const bad = await leadline('settings', 'set', 'first-response', 'soon', '--workspace', slug);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"soon" is not a whole number from 1 to 10080');
    const shown = await leadline('settings', 'show', '--json', '--workspace', slug);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      firstResponseMinutes: 15,
      businessHours: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '18:00', perDay: { '6': { start: '10:00', end: '14:00' } } },
    });
    const audit = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'workspace.setting' } });
    expect(audit).toMatchObject({ actorKind: 'cli', actorUserId: null });
    // a national calendar file adds its holidays to the ones already set
    expect((await leadline('settings', 'set', 'holidays', 'add', '2026-03-09', '--workspace', slug)).code).toBe(0);
    const imported = await leadline(
      'settings',
      'import-holidays',
      'test/fixtures/ics/holidays.ics',
      '--from-year',
      '2026',
      '--years',
      '1',
      '--json',
      '--workspace',
      slug,
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual([
      { from: '2026-03-09', to: '2026-03-09' },
      { from: '2026-05-01', to: '2026-05-01', name: 'Spring and Labour Day' },
      { from: '2026-11-04', to: '2026-11-04', name: 'Unity Day' },
    ]);
    const notIcs = await leadline('settings', 'import-holidays', 'package.json', '--workspace', slug);
    expect(notIcs.code).not.toBe(0);
    expect(notIcs.stderr).toContain('is not a readable iCalendar file');
  });
});
