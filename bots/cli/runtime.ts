// Shared plumbing for CLI commands: configuration, one database client, output and errors.
import 'dotenv/config';
import { loadConfig, ConfigError, type Config } from '../../connectors/config.js';
import { createPrisma } from '../../connectors/db/client.js';
import { checkPostgres, ServiceUnavailableError } from '../../connectors/services.js';
import { isDomainError, describeError } from '../../core/errors.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import type { Actor } from '../../core/actor.js';
import type { Db } from '../../core/db.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

let config: Config | undefined;
export function cliConfig(): Config {
  return (config ??= loadConfig());
}

let db: Db | undefined;
/** The database client, after checking Postgres is reachable (one clear line if not). */
export async function cliDb(): Promise<Db> {
  if (db) return db;
  const c = cliConfig();
  await checkPostgres(c.DATABASE_URL);
  db = createPrisma(c.DATABASE_URL, 4, { statementCache: c.DATABASE_STATEMENT_CACHE });
  return db;
}

/**
 * The workspace CLI commands act on (DEFAULT_WORKSPACE or --workspace). The default one is
 * created on first use; another one only by commands that add to it (`create`), so a
 * misspelled --workspace on a listing is an error, not a new empty workspace.
 */
export async function cliWorkspace(slug?: string, opts: { create?: boolean } = {}) {
  const c = cliConfig();
  const wanted = slug ?? c.DEFAULT_WORKSPACE;
  const db = await cliDb();
  if (!opts.create && wanted !== c.DEFAULT_WORKSPACE) {
    const existing = await db.workspace.findUnique({ where: { slug: wanted } });
    if (existing) return existing;
    const known = (await db.workspace.findMany({ select: { slug: true }, orderBy: { slug: 'asc' }, take: 20 })).map((w) => w.slug);
    throw new CliError(
      `no workspace "${wanted}"${known.length ? ` (workspaces: ${known.join(', ')})` : ''}; "leadline user add --workspace ${wanted}" creates it`,
    );
  }
  return ensureWorkspace(db, wanted, { timezone: c.DEFAULT_TIMEZONE, locale: c.DEFAULT_LOCALE });
}

/**
 * The operator at the terminal: an admin of the workspace who is not a team member
 * (userId 0 never exists; audit rows record actorKind "cli" and no user).
 */
export async function cliActor(slug?: string, opts: { create?: boolean } = {}): Promise<Actor> {
  const ws = await cliWorkspace(slug, opts);
  return { userId: 0, workspaceId: ws.id, role: 'admin', locale: ws.locale === 'ru' ? 'ru' : 'en', timezone: ws.timezone, name: 'cli' };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

export async function closeCli(): Promise<void> {
  await db?.$disconnect();
  db = undefined;
}

/** Wraps a command action: expected failures become one readable line and a non-zero exit. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      process.exitCode = exitCodeFor(e);
      process.stderr.write(`error: ${messageFor(e)}\n`);
      if (process.exitCode === 70 && process.env.LEADLINE_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
    } finally {
      await closeCli();
    }
  };
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof ConfigError) return 2;
  if (e instanceof ServiceUnavailableError) return 3;
  if (isDomainError(e)) return 1;
  return 70;
}

function messageFor(e: unknown): string {
  if (e instanceof CliError || e instanceof ConfigError || e instanceof ServiceUnavailableError) return e.message;
  if (isDomainError(e)) return describeError(e, 'en');
  return `unexpected failure: ${(e as Error)?.message ?? String(e)} (set LEADLINE_DEBUG=1 for the stack trace)`;
}
