// docker-compose.yml: valid against the Compose Specification's JSON schema and dclint's
// error-level rules (dclint ships the schema), the same roles as the Helm chart, a one-shot
// migration every role waits for, Redis that keeps its queues; .env.example and README list
// every setting.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { configSchema, loadConfig, runsRole, ROLES } from '../../connectors/config.js';
import { repoRoot } from '../support/helm.js';
import { ROLES as USER_ROLES } from '../../core/users/add-user.js';

const COMPOSE = path.join(repoRoot, 'docker-compose.yml');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  restart?: string;
}

/** dclint's findings of type "error": invalid YAML, the Compose schema, and its error-level rules */
function composeErrors(file: string): string[] {
  const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] } as unknown as ConstructorParameters<typeof DCLinter>[0]);
  // dclint's bundled types do not resolve under NodeNext: its result shape, as documented
  const results = linter.lintFiles([file], false) as Array<{ messages: Array<{ type: string; rule: string; message: string }> }>;
  return results
    .flatMap((r) => r.messages)
    .filter((m) => m.type === 'error')
    .map((m) => `${m.rule}: ${m.message}`);
}

function services(): Record<string, Service> {
  return (YAML.parseDocument(readFileSync(COMPOSE, 'utf8'), { merge: true }).toJS() as { services: Record<string, Service> }).services;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema and dclint error rules', () => {
    expect(composeErrors(COMPOSE)).toEqual([]);
  });

  it('(the check rejects a compose file that is not valid)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    const broken = path.join(dir, 'docker-compose.yml');
    // an unquoted ": " turns the command's last word into a mapping
    writeFileSync(broken, 'services:\n  a:\n    image: redis:7\n    healthcheck:\n      test: [CMD, node, -e, x ? 0 : 1]\n');
    expect(composeErrors(broken).join('\n')).toMatch(/invalid-schema.*healthcheck\/test/);
    writeFileSync(broken, 'services:\n  a:\n    image: redis:7\n    restart: sometimes-maybe\n    scale_out: 3\n');
    expect(composeErrors(broken).join('\n')).toMatch(/invalid-schema/);
  });

  it('runs every role as a service of its own from one image, the worker with replicas, after a one-shot migration', () => {
    const all = services();
    const app = Object.entries(all).filter(([, s]) => s.image === 'leadline:local');
    for (const [, s] of app) expect(s.build).toBe('.');
    const roles = Object.fromEntries(app.filter(([, s]) => s.environment?.LEADLINE_ROLES).map(([n, s]) => [n, s.environment!.LEADLINE_ROLES]));
    expect(roles).toEqual({ web: 'web', worker: 'worker', watcher: 'watcher', telegram: 'telegram' });
    expect(all.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(all.migrate!.command).toEqual(['node', 'bin/leadline.js', 'migrate']);
    expect(all.migrate!.restart).toBe('no');
    expect(all.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const role of Object.keys(roles)) {
      expect(all[role]!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
      // each one's environment passes the application's own configuration check and runs just its role
      const config = loadConfig(all[role]!.environment);
      expect(ROLES.filter((r) => runsRole(config, r))).toEqual([role]);
      expect(config.DATABASE_URL).toBe('postgresql://leadline:leadline@postgres:5432/leadline');
      // roles without HTTP answer their health check on METRICS_PORT
      if (role !== 'web') expect(all[role]!.environment!.METRICS_PORT).toBeTruthy();
      if (role !== 'web') expect(all[role]!.healthcheck!.test.join(' ')).toMatch(/process\.env\.METRICS_PORT \+ '\/health'/);
    }
  });

  it('keeps Redis durable (AOF) and never evicting, and checks Postgres and Redis health', () => {
    const all = services();
    expect(all.redis!.command!.join(' ')).toMatch(/--appendonly yes/);
    expect(all.redis!.command!.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(all.redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(all.postgres!.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
  });
});

describe('settings documentation', () => {
  const keys = Object.keys(configSchema.shape);

  it('.env.example lists every setting of connectors/config.ts', () => {
    const example = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
    expect(keys.filter((k) => !new RegExp(`^${k}=`, 'm').test(example))).toEqual([]);
  });

  it("README's settings table lists every setting of connectors/config.ts", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(keys.filter((k) => !readme.includes(`| \`${k}\` |`))).toEqual([]);
  });

  it("README's settings table also lists the variables read outside the config module (LEADLINE_DEBUG, ...)", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const read = new Set<string>();
    for (const dir of ['bin', 'bots', 'connectors', 'core', 'scripts']) {
      for (const file of readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })) {
        if (!/\.(ts|js|mjs)$/.test(file)) continue;
        const text = readFileSync(path.join(repoRoot, dir, file), 'utf8');
        for (const m of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) read.add(m[1] ?? m[2]!);
      }
    }
    expect(read).toContain('LEADLINE_DEBUG');
    expect([...read].filter((k) => !readme.includes(`| \`${k}\` |`))).toEqual([]);
  });

  it("the header's roles and --role are the real ones, and README says the same", () => {
    const header = readFileSync(COMPOSE, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join('\n');
    const listed = /as separate roles \(([^)]+)\)/.exec(header)?.[1];
    expect(listed?.split(/,\s*/).map((r) => r.replace(/ x\d+$/, ''))).toEqual([...ROLES]);
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const text of [header, readme]) {
      const roles = [...text.matchAll(/user add [^\n]*?--role (\w+)/g)].map((m) => m[1]);
      expect(roles.length).toBeGreaterThan(0);
      expect(roles.filter((r) => !USER_ROLES.includes(r as (typeof USER_ROLES)[number]))).toEqual([]);
    }
    // the compose command in the header is the one README gives
    const exec = /docker compose exec web node bin\/leadline\.js user add [^\n]+/;
    expect(exec.exec(readme)?.[0]).toBe(exec.exec(header)?.[0]);
  });
});
