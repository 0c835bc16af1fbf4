// oneQueryAtATime: a queryable's queries run one after another in the order asked for, and a
// failed query does not hold up the ones behind it.
import { describe, expect, it } from 'vitest';
import type { SqlQuery, SqlQueryable, SqlResultSet } from '@prisma/driver-adapter-utils';
import { oneQueryAtATime } from '../../../../connectors/db/serial-transactions.js';

function fakeConnection() {
  let running = 0;
  const log: string[] = [];
  let maxRunning = 0;
  const run = async (sql: string) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    log.push(`start ${sql}`);
    // later queries finish sooner: without the queue they would overtake the earlier ones
    await new Promise((r) => setTimeout(r, sql === 'A' ? 30 : sql === 'B' ? 15 : 1));
    running--;
    log.push(`end ${sql}`);
    if (sql === 'FAIL') throw new Error('syntax error');
  };
  const queryable = {
    provider: 'postgres',
    adapterName: 'fake',
    async queryRaw(q: SqlQuery): Promise<SqlResultSet> {
      await run(q.sql);
      return { columnNames: ['sql'], columnTypes: [], rows: [[q.sql]] };
    },
    async executeRaw(q: SqlQuery): Promise<number> {
      await run(q.sql);
      return 1;
    },
  } as unknown as SqlQueryable;
  return { queryable, log, maxRunning: () => maxRunning };
}

const q = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

describe('oneQueryAtATime', () => {
  it('runs queries and statements one at a time, in order, and a failure does not stop the next', async () => {
    const c = fakeConnection();
    const tx = oneQueryAtATime(c.queryable);
    const results = await Promise.allSettled([tx.queryRaw(q('A')), tx.executeRaw(q('B')), tx.queryRaw(q('FAIL')), tx.queryRaw(q('C'))]);
    expect(c.maxRunning()).toBe(1);
    expect(c.log).toEqual(['start A', 'end A', 'start B', 'end B', 'start FAIL', 'end FAIL', 'start C', 'end C']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[3] as PromiseFulfilledResult<SqlResultSet>).value.rows).toEqual([['C']]);
  });

  it('without it the same queries overlap (the control)', async () => {
    const c = fakeConnection();
    await Promise.allSettled([c.queryable.queryRaw(q('A')), c.queryable.executeRaw(q('B'))]);
    expect(c.maxRunning()).toBe(2);
  });
});
