// Every `leadline COMMAND [SUBCOMMAND]` that Leadline tells people to run (its messages, README,
// docs, compose file, chart) exists: two messages once sent newcomers to `leadline user list`,
// which never did (it is `leadline users`). And `start --help` names every process role.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROLES } from '../../../connectors/config.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

async function help(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['bin/leadline.js', ...args, '--help'], { cwd: root, timeout: 60_000 });
  return stdout;
}

/** The names under "Commands:" of a help text. */
function commandsOf(helpText: string): string[] {
  const section = helpText.split(/^Commands:\n/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

const SOURCES = ['bots', 'core', 'connectors', 'docs', 'deploy', 'README.md', 'DEVELOPERS.md', 'docker-compose.yml', '.env.example'];

function files(rel: string): string[] {
  const full = path.join(root, rel);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(full, f))
    .filter((f) => /\.(ts|md|ya?ml|txt|tpl|json)$/.test(f) && statSync(f).isFile());
}

/** "leadline users", "npx leadline user add", "node bin/leadline.js mailbox remove", as written in code, quotes or docs. */
function mentions(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const re = /(?:^|[`"'(]|npx |node bin\/)leadline(?:\.js)? ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/gm;
  for (const rel of SOURCES) {
    for (const file of files(rel)) {
      for (const m of readFileSync(file, 'utf8').matchAll(re)) {
        const key = m[2] ? `${m[1]} ${m[2]}` : m[1]!;
        found.set(key, [...(found.get(key) ?? []), path.relative(root, file)]);
      }
    }
  }
  return found;
}

describe('commands Leadline points people to', { timeout: 180_000 }, () => {
  it('exist, down to the subcommand', async () => {
    const top = commandsOf(await help());
    expect(top).toContain('users');
    const found = mentions();
    expect(found.size).toBeGreaterThan(10);
    const subcommands = new Map<string, string[]>();
    const wrong: string[] = [];
    for (const [mention, where] of found) {
      const [command, sub] = mention.split(' ');
      if (!top.includes(command!)) {
        wrong.push(`${mention} (${where.join(', ')})`);
        continue;
      }
      if (!sub) continue;
      if (!subcommands.has(command!)) subcommands.set(command!, commandsOf(await help(command!)));
      const subs = subcommands.get(command!)!;
      // a command without subcommands takes the next word as its argument
      if (subs.length > 0 && !subs.includes(sub)) wrong.push(`${mention} (${where.join(', ')})`);
    }
    expect(wrong).toEqual([]);
  });

  it('(the check catches a subcommand that does not exist)', async () => {
    expect(commandsOf(await help('user'))).not.toContain('list');
    expect(commandsOf(await help('user'))).toContain('add');
  });

  it('start --help names every role of LEADLINE_ROLES', async () => {
    const text = (await help('start')).replace(/\s+/g, ' ');
    for (const role of ROLES) expect(text).toContain(role);
  });
});
