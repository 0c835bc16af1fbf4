// The hottest single statements (a send's claim and record, once per send) straight through
// the pg pool the Prisma adapter uses, skipping Prisma's own per-query work (npm run bench:db
// measures both, with plain pg as the baseline). Same connections, same prepared-statement
// names (client.ts), so a statement is parsed once per connection whichever way it comes.
//
// Only for statements outside a transaction (a transaction's client is Prisma's: those go
// through it; leanTransaction below is a transaction of raw statements only), and only for
// statements whose parameters and results are plain: text, integers (int4), booleans, text
// arrays, JSON. pg's default parsing differs from Prisma's for int8, numeric and timestamps
// (strings, and local time), so statements returning those stay on Prisma.
import type { DbOrTx } from '../../core/db.js';
import { poolOf, statementName } from './client.js';
import { inOrder } from './serial-transactions.js';

export interface DirectOptions {
  /**
   * 'kept': on the plan Postgres keeps for it (client.ts ClientPools.kept), whatever its
   * parameters; only for a statement whose every access is by an indexed key.
   *
   * 'custom': sent unnamed, so Postgres plans it for these very parameters each time. For a
   * statement that looks rows up by a list (`= ANY($n)`): a named statement's plan is cached
   * per connection, and one made while its table was small (a new database, statistics not
   * yet gathered) scans the whole table for every call from then on, however large it grows.
   */
  plan?: 'custom' | 'kept';
}

/**
 * Sends the statement through the pool, named when the client names its statements. 'kept':
 * named on the connections whose sessions keep plans (client.ts ClientPools.kept), one
 * statement committing on its own: no transaction around it, so one round trip. A client
 * that names nothing (DATABASE_STATEMENT_CACHE=off, behind a pooler) has no plan to keep, and
 * such a pooler may refuse the sessions' settings: the statement goes through its pool.
 */
function throughPool(direct: NonNullable<ReturnType<typeof poolOf>>, sql: string, args: readonly unknown[], options?: DirectOptions) {
  const name = direct.named && options?.plan !== 'custom' ? statementName({ sql, args: args as unknown[] }) : undefined;
  const pool = options?.plan === 'kept' && direct.named ? direct.kept() : direct.pool;
  return pool.query({ text: sql, values: args as unknown[], ...(name ? { name } : {}) });
}

/** Rows of a statement: through the pool when `db` is the process's client, else through Prisma. */
export async function directQuery<R>(db: DbOrTx, sql: string, args: readonly unknown[], options?: DirectOptions): Promise<R[]> {
  const direct = poolOf(db);
  if (!direct) return db.$queryRawUnsafe<R[]>(sql, ...args);
  return (await throughPool(direct, sql, args, options)).rows as R[];
}

/** A statement without rows: the affected row count, as $executeRawUnsafe gives it. */
export async function directExecute(db: DbOrTx, sql: string, args: readonly unknown[], options?: DirectOptions): Promise<number> {
  const direct = poolOf(db);
  if (!direct) return db.$executeRawUnsafe(sql, ...args);
  return (await throughPool(direct, sql, args, options)).rowCount ?? 0;
}

/** How long a lean transaction may sit idle between statements before Postgres ends it. */
const LEAN_IDLE_TIMEOUT_MS = 30_000;

export interface LeanOptions {
  /** idle between statements for longer, the session is ended (default 30 s) */
  idleTimeoutMs?: number;
}

/** What a lean transaction's handle serves: raw statements, nothing of the ORM. */
const RAW_METHODS = new Set<string | symbol>(['$queryRawUnsafe', '$executeRawUnsafe']);

/**
 * A transaction on a connection held from the pool, without Prisma's per-query work: BEGIN,
 * `fn`'s statements (named as direct ones are), COMMIT; ROLLBACK when `fn` or the commit
 * throws. `fn` gets a handle that serves `$queryRawUnsafe` and `$executeRawUnsafe` only, one
 * statement at a time in the order asked; any other use of it (a model query, a nested
 * transaction) throws, so a caller that needs the ORM must take Prisma's transaction
 * instead. Results are pg's: fit for statements whose results are plain (see the header).
 * Idle between statements for longer than `idleTimeoutMs` (30 s), the session is ended by
 * Postgres and the transaction fails with a transient error.
 */
export async function leanTransaction<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>, options: LeanOptions = {}): Promise<T> {
  const idleMs = Math.max(1, Math.round(options.idleTimeoutMs ?? LEAN_IDLE_TIMEOUT_MS));
  const direct = poolOf(db);
  if (!direct) throw new Error('a lean transaction needs the process client (connectors/db/client.ts createPrisma)');
  const client = await direct.pool.connect();
  const inTurn = inOrder();
  const run = (sql: string, args: unknown[]) => {
    const name = direct.named ? statementName({ sql, args }) : undefined;
    return inTurn(() => client.query({ text: sql, values: args, ...(name ? { name } : {}) }));
  };
  const handle = new Proxy(
    {},
    {
      get(_, prop) {
        if (prop === '$queryRawUnsafe') return async (sql: string, ...args: unknown[]) => (await run(sql, args)).rows;
        if (prop === '$executeRawUnsafe') return async (sql: string, ...args: unknown[]) => (await run(sql, args)).rowCount ?? 0;
        // not a promise (await on the handle looks for `then`)
        if (prop === 'then') return undefined;
        throw new Error(`a lean transaction runs raw statements only; ${String(prop)} needs Prisma's transaction`);
      },
      has: (_, prop) => RAW_METHODS.has(prop),
    },
  ) as DbOrTx;
  // a connection that failed, or whose ROLLBACK failed, is in an unknown state: the pool drops
  // it. A checked-out client has no listener of the pool's: one that loses its connection
  // between two statements (while the turn waits on Redis) would throw from its 'error' event
  // and take the process down; the next statement fails instead, and the turn with it.
  let broken: Error | undefined;
  const lost = (err: Error) => (broken = err);
  client.on('error', lost);
  try {
    // one round trip: a turn stuck between statements (Redis away) gives its connection and its
    // locks back, as Prisma's transaction timeout did (the server ends the session)
    await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${idleMs}`);
    const result = await fn(handle);
    // after every statement `fn` asked for
    await inTurn(() => client.query('COMMIT'));
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.removeListener('error', lost);
    client.release(broken);
  }
}
