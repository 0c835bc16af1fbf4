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

/** A client's pg pools (direct.ts): the adapter's, and the small one whose sessions keep their plans. */
export interface ClientPools {
  /** the pool the adapter queries through */
  pool: pg.Pool;
  /** whether statements are named (prepared once per connection) */
  named: boolean;
  /**
   * Connections whose sessions run every named statement on the plan Postgres keeps for it
   * (plan_cache_mode = force_generic_plan), made with index look-ups wherever an index serves
   * (enable_seqscan = off), so a plan made while the tables were small does not stay a scan of
   * them as they grow. For a statement Postgres would otherwise plan anew on every run (a batch
   * over arrays: a plan made for their lengths always looks cheaper to it) and whose every
   * access is by an indexed key. Opened on first use, KEPT_PLAN_POOL_SIZE connections at most,
   * ended with the client.
   */
  kept(): pg.Pool;
}

/** At most this many connections on kept plans per client (the intake's batches: two in flight). */
export const KEPT_PLAN_POOL_SIZE = 2;
const KEPT_PLAN_SETTINGS = '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off';

const pools = new WeakMap<object, ClientPools>();

/** The pg pools behind a client made by createPrisma; undefined for anything else (a transaction, a test double). */
export function poolOf(db: object): ClientPools | undefined {
  return pools.get(db);
}

/**
 * A pool on `databaseUrl` whose sessions start with `settings` after the connection string's
 * own (its `options` parameter, which pg would otherwise let win over the pool's).
 */
function poolWithSettings(databaseUrl: string, max: number, settings: string): pg.Pool {
  let connectionString = databaseUrl;
  let options = settings;
  try {
    const url = new URL(databaseUrl);
    const own = url.searchParams.get('options');
    if (own) {
      url.searchParams.delete('options');
      connectionString = url.toString();
      options = `${own} ${settings}`;
    }
  } catch {
    // not a URL pg would read either; pg reports it on connect
  }
  return new pg.Pool({ connectionString, max, options });
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
  let kept: pg.Pool | undefined;
  const keptPool = () => {
    if (!kept) {
      kept = poolWithSettings(databaseUrl, Math.min(KEPT_PLAN_POOL_SIZE, poolSize), KEPT_PLAN_SETTINGS);
      // an idle connection that breaks (Postgres restarted) is dropped; the next query opens another
      kept.on('error', () => undefined);
    }
    return kept;
  };
  // a transaction's queries one at a time: it is one connection (serial-transactions.ts)
  const factory = serialTransactions(adapter);
  const client = new PrismaClient({
    adapter: {
      ...factory,
      // $disconnect ends the kept-plan pool too
      async connect() {
        const connected = await factory.connect();
        const dispose = connected.dispose.bind(connected);
        connected.dispose = async () => {
          await dispose();
          const open = kept;
          kept = undefined;
          await open?.end();
        };
        return connected;
      },
    },
  });
  pools.set(client, { pool, named, kept: keptPool });
  return client;
}

/**
 * Opens `connections` pooled connections now (the pool opens them lazily otherwise), so the
 * first burst of work after start-up (everyone's 09:00 reminders) does not wait for them.
 */
export async function warmPool(db: Pick<PrismaClient, '$queryRawUnsafe'>, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => db.$queryRawUnsafe('SELECT 1')));
}
