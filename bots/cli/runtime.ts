// Shared plumbing for CLI commands: configuration, one database client, output and errors.
// Light on purpose: what a command does not use (the Prisma client, pg, the config schema)
// is loaded when it is first asked for, so `--help` and `parse` start quickly.
import type { Config } from '../../connectors/config.js';
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
/** A command-line value that must be a positive whole number (an id, a limit); `what` names it in the error (exit code 2). */
export function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${what} must be a positive whole number (got "${value}")`, 2);
  return n;
}

export async function cliConfig(): Promise<Config> {
  if (config) return config;
  await import('dotenv/config');
  const { loadConfig } = await import('../../connectors/config.js');
  return (config = loadConfig());
}

let db: Db | undefined;
/** The database client, after checking Postgres is reachable (one clear line if not). */
export async function cliDb(): Promise<Db> {
  if (db) return db;
  const c = await cliConfig();
  const { checkPostgres } = await import('../../connectors/services.js');
  await checkPostgres(c.DATABASE_URL, { database: true });
  const { createPrisma } = await import('../../connectors/db/client.js');
  db = createPrisma(c.DATABASE_URL, 4, { statementCache: c.DATABASE_STATEMENT_CACHE });
  return db;
}

/**
 * The workspace CLI commands act on (DEFAULT_WORKSPACE or --workspace). The default one is
 * created on first use; another one only by commands that add to it (`create`), so a
 * misspelled --workspace on a listing is an error, not a new empty workspace.
 */
export async function cliWorkspace(slug?: string, opts: { create?: boolean } = {}) {
  const c = await cliConfig();
  const wanted = slug ?? c.DEFAULT_WORKSPACE;
  const db = await cliDb();
  if (!opts.create && wanted !== c.DEFAULT_WORKSPACE) {
    const existing = await db.workspace.findUnique({ where: { slug: wanted } });
    if (existing) return existing;
    const known = (await db.workspace.findMany({ select: { slug: true }, orderBy: { id: 'desc' }, take: 10 })).map((w) => w.slug);
    throw new CliError(
      `no workspace "${wanted}"${known.length ? ` (workspaces: ${known.join(', ')})` : ''}; "leadline user add --workspace ${wanted}" creates it`,
    );
  }
  const { ensureWorkspace } = await import('../../core/workspaces/ensure-workspace.js');
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
      const known = await knownErrors();
      process.exitCode = exitCodeFor(e, known);
      process.stderr.write(`error: ${messageFor(e, known)}\n`);
      if (process.exitCode === 70 && process.env.LEADLINE_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
    } finally {
      await closeCli();
    }
  };
}

/** The error classes a failure is told apart by (loaded only when something failed). */
async function knownErrors() {
  const [{ ConfigError }, { ServiceUnavailableError }, { isDomainError, describeError }] = await Promise.all([
    import('../../connectors/config.js'),
    import('../../connectors/services.js'),
    import('../../core/errors.js'),
  ]);
  return { ConfigError, ServiceUnavailableError, isDomainError, describeError };
}
type KnownErrors = Awaited<ReturnType<typeof knownErrors>>;

function exitCodeFor(e: unknown, { ConfigError, ServiceUnavailableError, isDomainError }: KnownErrors): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof ConfigError) return 2;
  if (e instanceof ServiceUnavailableError) return 3;
  if (isDomainError(e)) return 1;
  return 70;
}

function messageFor(e: unknown, { ConfigError, ServiceUnavailableError, isDomainError, describeError }: KnownErrors): string {
  if (e instanceof CliError || e instanceof ConfigError || e instanceof ServiceUnavailableError) return e.message;
  if (isDomainError(e)) return describeError(e, 'en');
  return `unexpected failure: ${(e as Error)?.message ?? String(e)} (set LEADLINE_DEBUG=1 for the stack trace)`;
}
