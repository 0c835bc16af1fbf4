// The command line ends when its work does (issue 20): `leadline migrate` exits right after
// its last line, `leadline start` stops within 2 s of Ctrl+C when idle, a busy HTTP_PORT fails
// before anything else starts and names the setting, and database problems are one line.
import { describe, it, expect, inject } from 'vitest';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../../support/wait.js';
import { uniqueSlug } from '../../support/db.js';
import { testPrefix } from '../../support/redis-keys.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from the last stdout line to the exit */
  afterLastLine: number;
  /** ms from `signalWhen` matching (and the signal sent) to the exit */
  afterSignal?: number;
}

function leadline(args: string[], env: Record<string, string>, signalWhen?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/leadline.js', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let lastLineAt = Date.now();
    let signalledAt: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      lastLineAt = Date.now();
      if (signalWhen && signalledAt === undefined && signalWhen.test(stdout)) {
        signalledAt = Date.now();
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const end = Date.now();
      resolve({ code, stdout, stderr, afterLastLine: end - lastLineAt, afterSignal: signalledAt === undefined ? undefined : end - signalledAt });
    });
  });
}

const base = () => ({ DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl') });

describe('process lifetime', { timeout: 180_000 }, () => {
  it('migrate exits right after its last line', async () => {
    const r = await leadline(['migrate'], base());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Database is up to date.\n');
    expect(r.afterLastLine).toBeLessThan(2_000);
  });

  it('start stops within 2 s of Ctrl+C when idle', async () => {
    const port = await freePort();
    const r = await leadline(
      ['start'],
      { ...base(), HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', QUEUE_PREFIX: testPrefix('lifetime'), DEFAULT_WORKSPACE: uniqueSlug('lifetime') },
      /Stop with Ctrl\+C\.\n/,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.afterSignal).toBeLessThan(2_000);
  });

  it('a busy HTTP_PORT fails first, in one line naming HTTP_PORT', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await leadline(['start'], { ...base(), HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', QUEUE_PREFIX: testPrefix('busy') });
      expect(r.code).toBe(3);
      // nothing started: no migration, no workspace, no reconciling
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `error: HTTP_PORT=${port} is already in use on 127.0.0.1 (another Leadline, or another program): stop it or set HTTP_PORT to a free port.\n`,
      );
    } finally {
      busy.close();
    }
  });

  it('a missing database and a wrong Postgres user are one line each', async () => {
    const url = new URL(inject('databaseUrl'));
    const missing = new URL(url);
    missing.pathname = `/${uniqueSlug('nodb').replace(/-/g, '_')}`;
    const r = await leadline(['users'], { DATABASE_URL: missing.toString() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: Database "[a-z0-9_]+" at .+ does not exist yet: run `npm start` or `npx leadline migrate` first\.\n$/);

    const stranger = new URL(url);
    stranger.username = 'no_such_role_20';
    const w = await leadline(['users'], { DATABASE_URL: stranger.toString() });
    expect(w.code).toBe(3);
    expect(w.stderr).toMatch(
      /^error: PostgreSQL at .+ refused user "no_such_role_20" \(DATABASE_URL\): .+ Check the user name and password in DATABASE_URL, or create that role in Postgres\.\n$/,
    );
    expect(w.stderr).not.toMatch(/Cannot reach|Start it/);
  });
});
