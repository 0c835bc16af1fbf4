import { describe, it, expect, inject } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testDb, uniqueSlug } from '../../support/db.js';
import { demoSeededAt, expectHeadDigests } from '../../support/demo-digests.js';
import type { SeedDemoResult } from '../../../core/demo/seed-demo.js';

const run = promisify(execFile);
const db = testDb();

/** The CLI as a newcomer runs it, with `slug` as the default workspace. */
function cli(args: string[], defaultWorkspace: string) {
  return run('./bin/leadline.js', args, {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent', DEFAULT_WORKSPACE: defaultWorkspace, DEFAULT_LOCALE: 'en' },
    timeout: 180_000,
  });
}

describe('leadline seed --demo', { timeout: 300_000 }, () => {
  it('fills the empty default workspace: `leadline users` shows the team and the head digests have figures everywhere; a second run changes nothing', async () => {
    const slug = uniqueSlug('default');
    // the newcomer looked first: the default workspace exists and is empty
    expect((await cli(['users'], slug)).stdout).toContain(
      'No team members yet. Add one with: leadline user add --name NAME --role manager, or try a demo team',
    );

    const { stdout } = await cli(['seed', '--demo'], slug);
    expect(stdout).toContain(`The demo is in workspace "${slug}"`);
    // it is the default workspace: the hints need no --workspace, and they name real ids
    const head = Number(/#(\d+) Emma Clarke \(head of sales\): invite code [A-Z2-9]{10}/.exec(stdout)?.[1]);
    const manager = Number(/#(\d+) John Carter \(manager\)/.exec(stdout)?.[1]);
    expect(stdout).toContain('  leadline users — the team');
    expect(stdout).toContain(`leadline digest --user ${head} --dry-run --kind team_weekly`);
    expect(stdout).toContain(`leadline chat --as manager --user ${manager} — chat as John Carter`);
    expect(stdout).not.toContain('--workspace');

    const users = (await cli(['users'], slug)).stdout;
    for (const name of ['Emma Clarke', 'John Carter', 'Priya Shah', 'Lucas Meyer']) expect(users).toContain(name);

    await expectHeadDigests(db, head, await demoSeededAt(db, slug), 'en', true);
    // what the printed hint runs: the weekly digest as text, with figures
    const weekly = (await cli(['digest', '--user', String(head), '--dry-run', '--kind', 'team_weekly'], slug)).stdout;
    expect(weekly).toMatch(/New leads: [1-9]/);
    expect(weekly).not.toContain('No new leads');

    const ws = await db.workspace.findUniqueOrThrow({ where: { slug } });
    const activities = await db.activity.count({ where: { workspaceId: ws.id } });
    const again = await cli(['seed', '--demo', '--json'], slug);
    const result = JSON.parse(again.stdout) as SeedDemoResult;
    expect(result.created).toBe(false);
    expect(result.users.map((u) => u.name)).toEqual(['Emma Clarke', 'John Carter', 'Priya Shah', 'Lucas Meyer']);
    expect(await db.activity.count({ where: { workspaceId: ws.id } })).toBe(activities);
    expect(await db.user.count({ where: { workspaceId: ws.id } })).toBe(4);
    const text = await cli(['seed', '--demo'], slug);
    expect(text.stdout).toContain(`Workspace "${slug}" already holds the demo; nothing was changed`);
    expect(text.stdout).toContain(`leadline user invite ${head}`);
  });

  it('into another workspace: the hints say --workspace; --locale ru builds the Russian demo', async () => {
    const slug = uniqueSlug('demo');
    const { stdout } = await cli(['seed', '--demo', '--workspace', slug, '--locale', 'ru'], uniqueSlug('default'));
    expect(stdout).toContain(`Демо в пространстве «${slug}»`);
    expect(stdout).toContain(`leadline users --workspace ${slug} — команда`);
    expect(stdout).toMatch(new RegExp(`leadline chat --as manager --user \\d+ --workspace ${slug}`));
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug } });
    expect(ws).toMatchObject({ locale: 'ru', timezone: 'Europe/Moscow' });
    expect(await db.user.findMany({ where: { workspaceId: ws.id }, select: { name: true }, orderBy: { id: 'asc' } })).toEqual(
      ['Елена Соколова', 'Иван Петров', 'Мария Кузнецова', 'Дмитрий Ковалёв'].map((name) => ({ name })),
    );
  });

  it('refuses a workspace in use, with a way out, and writes nothing', async () => {
    const slug = uniqueSlug('used');
    await cli(['user', 'add', '--name', 'Anna', '--role', 'manager', '--workspace', slug], slug);
    const failed = await cli(['seed', '--demo'], slug).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(`Workspace "${slug}" is already in use (users: 1)`);
    expect(failed?.stderr).toContain('leadline seed --demo --workspace demo');
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug } });
    expect(await db.user.count({ where: { workspaceId: ws.id } })).toBe(1);
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(0);
  });
});
