// `leadline digest --user ID --dry-run --png FILE` end to end: a real process on the test database.
import { describe, it, expect, beforeAll, inject } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { defaultPipeline } from '../../../core/workspaces/default-pipeline.js';
import { PNG_SIGNATURE, pngInfo } from '../../support/png.js';
import { testPrefix } from '../../support/redis-keys.js';

const run = promisify(execFile);
const bin = path.resolve('bin/leadline.js');
// each case starts a real process (tsx compiles the sources): slow on a busy 2-core machine
const CLI_TIMEOUT = 120_000;
const prefix = testPrefix('digest-cli');

async function leadline(args: string[]) {
  const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, timeout: 110_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('leadline digest', () => {
  const db = testDb();
  let head: { id: number };
  let manager: { id: number };
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'leadline-digest-'));
    const ws = await ensureWorkspace(db, uniqueSlug('dgc'), { timezone: 'Europe/Moscow', locale: 'ru' });
    const pipeline = await defaultPipeline(db, ws.id);
    head = await db.user.create({ data: { workspaceId: ws.id, name: 'Ольга', role: 'head' } });
    manager = await db.user.create({ data: { workspaceId: ws.id, name: 'Ann', role: 'manager', locale: 'en', timezone: 'America/New_York' } });
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'C', nameKey: 'c' } });
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
    const weekAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    for (const [i, source] of (['telegram', 'telegram', 'email', 'web'] as const).entries()) {
      await db.lead.create({ data: { workspaceId: ws.id, contactId: contact.id, source, title: `Lead ${i}`, assigneeId: manager.id, createdAt: weekAgo } });
    }
    for (const [i, stage] of ['New', 'New', 'Proposal'].entries()) {
      await db.deal.create({
        data: {
          workspaceId: ws.id,
          pipelineId: pipeline.id,
          stageId: pipeline.stages.find((s) => s.name === stage)!.id,
          title: `Deal ${i}`,
          titleKey: `deal ${i}`,
          ownerId: manager.id,
          amount: '1000',
          currency: 'RUB',
        },
      });
    }
    await db.task.create({ data: { workspaceId: ws.id, assigneeId: manager.id, title: 'Call <Ivan>', dueAt: yesterday } });
    return () => rm(dir, { recursive: true, force: true });
  });

  it(
    "prints the weekly team digest in the head's language and writes a valid chart",
    async () => {
      const file = path.join(dir, 'weekly.png');
      const r = await leadline(['digest', '--user', String(head.id), '--dry-run', '--kind', 'team_weekly', '--png', file]);
      expect(r.stderr).toContain('weekly.png');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Недельная сводка команды');
      expect(r.stdout).toContain('Новые лиды: 4 ▲4');
      expect(r.stdout).toMatch(/Новая: 2 — 2\s000,00\s₽/);
      const png = await readFile(file);
      expect(pngInfo(png).signature).toBe(PNG_SIGNATURE);
      expect(png.length).toBeGreaterThan(5 * 1024);
    },
    CLI_TIMEOUT,
  );

  it(
    "prints the manager's today digest as JSON, unescaped for the terminal, and writes no chart",
    async () => {
      const file = path.join(dir, 'today.png');
      const r = await leadline(['digest', '--user', String(manager.id), '--dry-run', '--png', file, '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { kind: string; text: string; digest: { overdue: { count: number }; recipient: { timezone: string } }; png: null };
      expect(out.kind).toBe('today');
      expect(out.digest.overdue.count).toBe(1);
      expect(out.digest.recipient.timezone).toBe('America/New_York');
      expect(out.text).toContain('Overdue: 1 task');
      expect(out.text).toContain('Call <Ivan>');
      expect(out.png).toBeNull();
      expect(r.stderr).toContain('no chart');
      expect(existsSync(file)).toBe(false);
    },
    CLI_TIMEOUT,
  );

  it(
    'fails with one readable line for an unknown user',
    async () => {
      const missing = await leadline(['digest', '--user', '999999999', '--dry-run']);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe('error: Not found: user #999999999.');
    },
    CLI_TIMEOUT,
  );
});
