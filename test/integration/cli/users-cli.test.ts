import { describe, it, expect, inject } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testDb, uniqueSlug } from '../../support/db.js';

const run = promisify(execFile);
const db = testDb();

async function leadline(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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

describe('leadline user add / users', { timeout: 180_000 }, () => {
  it('refuses an unknown role with one clear line, non-zero exit and no writes at all', async () => {
    const slug = uniqueSlug('cli');
    const r = await leadline('user', 'add', '--name', 'Anna', '--role', 'boss', '--workspace', slug);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('error: Unknown role "boss". Use manager, head or admin.');
    expect(r.stdout).toBe('');
    expect(await db.workspace.findUnique({ where: { slug } })).toBeNull();
    expect(await db.user.count({ where: { name: 'Anna', workspace: { slug } } })).toBe(0);
  });

  it('a misspelled --workspace on a listing is an error naming the workspaces, and creates nothing (issue 20.7)', async () => {
    const slug = uniqueSlug('nosuch');
    const known = uniqueSlug('known');
    await db.workspace.create({ data: { slug: known, name: known, timezone: 'UTC', locale: 'en' } });
    const r = await leadline('users', '--workspace', slug);
    expect(r.code).toBe(1);
    const said = r.stderr
      .trim()
      .match(new RegExp(`^error: no workspace "${slug}" \\(workspaces: ([^)]+)\\); "leadline user add --workspace ${slug}" creates it$`));
    expect(said, r.stderr).not.toBeNull();
    // it names workspaces that exist (the most recent ones: tests running beside this one add theirs)
    const named = said![1]!.split(', ');
    expect(named.length).toBeGreaterThan(0);
    expect(await db.workspace.count({ where: { slug: { in: named } } })).toBe(named.length);
    expect(r.stdout).toBe('');
    expect(await db.workspace.findUnique({ where: { slug } })).toBeNull();
  });

  it('adds a user, prints the id and invite code as JSON, and lists the user', async () => {
    const slug = uniqueSlug('cli');
    const added = await leadline(
      'user',
      'add',
      '--name',
      'Boris Head',
      '--role',
      'head',
      '--timezone',
      'Europe/Moscow',
      '--locale',
      'ru',
      '--workspace',
      slug,
      '--json',
    );
    expect(added.code).toBe(0);
    const out = JSON.parse(added.stdout) as { id: number; inviteCode: string };
    expect(out.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    const user = await db.user.findUniqueOrThrow({ where: { id: out.id }, include: { workspace: true, inviteCodes: true } });
    expect(user).toMatchObject({ name: 'Boris Head', role: 'head', timezone: 'Europe/Moscow', locale: 'ru' });
    expect(user.workspace.slug).toBe(slug);
    expect(user.inviteCodes).toHaveLength(1);

    const listed = await leadline('users', '--workspace', slug, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: out.id, name: 'Boris Head', role: 'head', onDuty: true, linked: [] })]);
  });
});
