// One interactive transaction is one pg connection, so its queries must go one at a time.
// Prisma's query interpreter does not do that by itself: it loads an include's relations with
// Promise.all, inside a transaction too (a deal with its stage, owner, contact and company is
// four queries at once; upstream: prisma/orm PRs #29468 and #29979, open for adapter-pg 7.10),
// and a use case's own Promise.all of reads in the turn's transaction does the same. On one
// pg client that piles queries onto a busy connection, which pg deprecates since 8.19 (the
// DeprecationWarning that leaked into `leadline chat`) and pg 9 refuses.
//
// `serialTransactions` wraps the driver adapter so every transaction it starts queues its
// queries (and savepoints, COMMIT, ROLLBACK) in the order they were asked for, each waiting
// for the one before to finish. Queries outside a transaction go to the pool, one connection
// each, as before.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable, SqlResultSet } from '@prisma/driver-adapter-utils';

/** A runner that starts each task once the one before it has settled, in the order given; a failed task does not hold up the next. */
export function inOrder(): <R>(run: () => Promise<R>) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (run) => {
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Makes `queryable` run one query at a time, in the order they were asked for; a failed query does not hold up the next. */
export function oneQueryAtATime<T extends SqlQueryable>(queryable: T): T {
  const inTurn = inOrder();
  const queryRaw = queryable.queryRaw.bind(queryable);
  const executeRaw = queryable.executeRaw.bind(queryable);
  queryable.queryRaw = (query: SqlQuery): Promise<SqlResultSet> => inTurn(() => queryRaw(query));
  queryable.executeRaw = (query: SqlQuery): Promise<number> => inTurn(() => executeRaw(query));
  return queryable;
}

/** The adapter factory whose transactions run their queries one at a time (see the header). */
export function serialTransactions<F extends SqlDriverAdapterFactory>(inner: F): SqlDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await inner.connect();
      const start = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (isolationLevel) => oneQueryAtATime(await start(isolationLevel));
      return adapter;
    },
  };
}
