// The hottest single statements (a send's claim and record, once per send) straight through
// the pg pool the Prisma adapter uses, skipping Prisma's own per-query work (npm run bench:db
// measures both, with plain pg as the baseline). Same connections, same prepared-statement
// names (client.ts), so a statement is parsed once per connection whichever way it comes.
//
// Only for statements outside a transaction (a transaction's client is Prisma's: those go
// through it), and only for statements whose parameters and results are plain: text, integers
// (int4), booleans, text arrays, JSON. pg's default parsing differs from Prisma's for int8,
// numeric and timestamps (strings, and local time), so statements returning those stay on Prisma.
import type { DbOrTx } from '../../core/db.js';
import { poolOf, statementName } from './client.js';

export interface DirectOptions {
  /**
   * 'custom': sent unnamed, so Postgres plans it for these very parameters each time. For a
   * statement that looks rows up by a list (`= ANY($n)`): a named statement's plan is cached
   * per connection, and one made while its table was small (a new database, statistics not
   * yet gathered) scans the whole table for every call from then on, however large it grows.
   */
  plan?: 'custom';
}

/** Sends the statement through the pool, named when the client names its statements. */
function throughPool(direct: NonNullable<ReturnType<typeof poolOf>>, sql: string, args: readonly unknown[], options?: DirectOptions) {
  const name = direct.named && options?.plan !== 'custom' ? statementName({ sql, args: args as unknown[] }) : undefined;
  return direct.pool.query({ text: sql, values: args as unknown[], ...(name ? { name } : {}) });
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
