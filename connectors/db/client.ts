// The one PrismaClient of a process, on the pg driver adapter.
//
// Statement cache: by default every query goes to Postgres as a named prepared statement
// (the name is a hash of its SQL text), so each pooled connection parses and plans a query
// shape once and reuses the plan. Without it Postgres plans every statement again; for the
// joins on the reminder and inbound hot paths planning costs several times the execution.
// Queries with many parameters (long IN lists, bulk inserts) are not cached, which keeps the
// number of statements per connection bounded. Turn the cache off (DATABASE_STATEMENT_CACHE=off)
// behind a pooler that cannot keep prepared statements, e.g. PgBouncer in transaction mode
// before 1.21.
import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../prisma/generated/client.js';
import { serialTransactions } from './serial-transactions.js';

export type { PrismaClient };

export interface PrismaOptions {
  /** named prepared statements per connection (default true) */
  statementCache?: boolean;
}

/** Statements with more parameters than this are sent unnamed (their SQL varies with the data). */
export const MAX_CACHED_STATEMENT_ARGS = 32;
const MAX_CACHED_SQL_LENGTH = 16_000;

const names = new Map<string, string>();

/** The prepared-statement name of a query, or undefined to send it unnamed. */
export function statementName(query: { sql: string; args: unknown[] }): string | undefined {
  if (query.args.length > MAX_CACHED_STATEMENT_ARGS || query.sql.length > MAX_CACHED_SQL_LENGTH) return undefined;
  let name = names.get(query.sql);
  if (!name) {
    name = `ll_${createHash('sha1').update(query.sql).digest('hex')}`;
    if (names.size < 5_000) names.set(query.sql, name);
  }
  return name;
}

/** Each client's pg pool (the one its adapter queries through) and whether statements are named: direct.ts. */
const pools = new WeakMap<object, { pool: pg.Pool; named: boolean }>();

/** The pg pool behind a client made by createPrisma; undefined for anything else (a transaction, a test double). */
export function poolOf(db: object): { pool: pg.Pool; named: boolean } | undefined {
  return pools.get(db);
}

export function createPrisma(databaseUrl: string, poolSize = 10, options: PrismaOptions = {}): PrismaClient {
  const named = options.statementCache !== false;
  // the pool is ours, handed to the adapter (which ends it on $disconnect), so that the hot
  // single statements can skip Prisma's per-query work on the same connections (direct.ts)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    // the adapter's type wants a string; undefined is passed on to pg, which then sends the query unnamed
    ...(named ? { statementNameGenerator: statementName as (q: { sql: string; args: unknown[] }) => string } : {}),
  });
  // a transaction's queries one at a time: it is one connection (serial-transactions.ts)
  const client = new PrismaClient({ adapter: serialTransactions(adapter) });
  pools.set(client, { pool, named });
  return client;
}

/**
 * Opens `connections` pooled connections now (the pool opens them lazily otherwise), so the
 * first burst of work after start-up (everyone's 09:00 reminders) does not wait for them.
 */
export async function warmPool(db: Pick<PrismaClient, '$queryRawUnsafe'>, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => db.$queryRawUnsafe('SELECT 1')));
}
