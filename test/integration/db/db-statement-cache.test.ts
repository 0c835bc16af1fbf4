// The Prisma client's statement cache: queries become named prepared statements on their
// connection (planned once), queries with many parameters stay unnamed, and the cache can be
// switched off for poolers that cannot keep prepared statements. A statement marked 'kept'
// runs alone on the few connections whose sessions keep its plan.
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { createPrisma, KEPT_PLAN_POOL_SIZE, MAX_CACHED_STATEMENT_ARGS, poolOf, statementName } from '../../../connectors/db/client.js';
import { directQuery } from '../../../connectors/db/direct.js';
import { loadConfig } from '../../../connectors/config.js';

const url = inject('databaseUrl');
const clients: Array<ReturnType<typeof createPrisma>> = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
});

/** One connection, so every query of the test sees the same session's prepared statements. */
function client(statementCache: boolean) {
  const db = createPrisma(url, 1, { statementCache });
  clients.push(db);
  return db;
}

const prepared = (db: ReturnType<typeof createPrisma>) =>
  db.$queryRawUnsafe<Array<{ name: string; statement: string }>>(`SELECT name, statement FROM pg_prepared_statements`);

describe('statement cache', () => {
  it('names a query by its SQL text and leaves long parameter lists unnamed', () => {
    const a = statementName({ sql: 'SELECT 1', args: [] });
    expect(a).toMatch(/^ll_[0-9a-f]{40}$/);
    expect(statementName({ sql: 'SELECT 1', args: [] })).toBe(a);
    expect(statementName({ sql: 'SELECT 2', args: [] })).not.toBe(a);
    expect(statementName({ sql: 'SELECT 1', args: Array(MAX_CACHED_STATEMENT_ARGS + 1).fill(1) })).toBeUndefined();
  });

  it('keeps ORM and raw queries as prepared statements and answers correctly from them', async () => {
    const db = client(true);
    for (let i = 0; i < 7; i++) {
      // past five runs Postgres may switch to a generic plan: the answers must not change
      const ws = await db.workspace.findMany({ where: { id: -1 - i } });
      expect(ws).toEqual([]);
      const [row] = await db.$queryRawUnsafe<Array<{ n: number }>>('SELECT $1::int + 1 AS n', i);
      expect(row!.n).toBe(i + 1);
    }
    const statements = await prepared(db);
    expect(statements.some((s) => s.name.startsWith('ll_') && s.statement.includes('"Workspace"'))).toBe(true);
    expect(statements.some((s) => s.statement === 'SELECT $1::int + 1 AS n')).toBe(true);
  });

  it('sends a query with many parameters unnamed', async () => {
    const db = client(true);
    const n = MAX_CACHED_STATEMENT_ARGS + 1;
    const sql = `SELECT ${Array.from({ length: n }, (_, i) => `$${i + 1}::int`).join(' + ')} AS total`;
    const [row] = await db.$queryRawUnsafe<Array<{ total: number }>>(sql, ...Array<number>(n).fill(1));
    expect(row!.total).toBe(n);
    expect((await prepared(db)).some((s) => s.statement === sql)).toBe(false);
  });

  it('prepares nothing when switched off', async () => {
    const db = client(false);
    await db.workspace.findMany({ where: { id: -1 } });
    await db.$queryRawUnsafe('SELECT 1');
    expect(await prepared(db)).toEqual([]);
  });

  it("runs a 'kept' statement alone on connections that keep its plan, leaving the other sessions as they were", async () => {
    // a connection string with session settings of its own keeps them
    const own = new URL(url);
    own.searchParams.set('options', '-c statement_timeout=12345');
    const db = createPrisma(own.toString(), 3);
    clients.push(db);
    const pools = poolOf(db)!;
    await db.workspace.findMany({ where: { id: -1 } });
    const setting = async (pool: typeof pools.pool, name: string) => ((await pool.query(`SELECT current_setting('${name}') AS v`)).rows[0] as { v: string }).v;
    const sql = `SELECT count(*)::int AS n FROM "Workspace" WHERE id = ANY($1::int[])`;
    expect(await directQuery<{ n: number }>(db, sql, [[-1, -2]], { plan: 'kept' })).toEqual([{ n: 0 }]);
    const kept = pools.kept();
    expect(kept.totalCount).toBe(1);
    expect(await setting(kept, 'plan_cache_mode')).toBe('force_generic_plan');
    expect(await setting(kept, 'enable_seqscan')).toBe('off');
    expect(await setting(kept, 'statement_timeout')).toBe('12345ms');
    // named there (prepared once per connection), and on no other session
    const named = await kept.query(`SELECT name FROM pg_prepared_statements WHERE statement = $1`, [sql]);
    expect(named.rows).toHaveLength(1);
    expect(await setting(pools.pool, 'plan_cache_mode')).toBe('auto');
    expect(await setting(pools.pool, 'enable_seqscan')).toBe('on');
    // at most KEPT_PLAN_POOL_SIZE connections, ended with the client
    await Promise.all(Array.from({ length: 6 }, () => directQuery(db, 'SELECT pg_sleep(0.05)', [], { plan: 'kept' })));
    expect(kept.totalCount).toBeLessThanOrEqual(KEPT_PLAN_POOL_SIZE);
    await db.$disconnect();
    expect(kept.ended).toBe(true);
  });

  it("sends a 'kept' statement through the client's own pool when it names nothing (a pooler that may refuse session settings)", async () => {
    const db = client(false);
    const pools = poolOf(db)!;
    const keptPool = vi.spyOn(pools, 'kept');
    expect(await directQuery<{ n: number }>(db, 'SELECT $1::int + 1 AS n', [1], { plan: 'kept' })).toEqual([{ n: 2 }]);
    expect(keptPool).not.toHaveBeenCalled();
    expect(await prepared(db)).toEqual([]);
  });

  it('reads DATABASE_STATEMENT_CACHE and DATABASE_POOL_SIZE from the environment, naming a bad value', () => {
    expect(loadConfig({}).DATABASE_STATEMENT_CACHE).toBe(true);
    expect(loadConfig({ DATABASE_STATEMENT_CACHE: 'off' }).DATABASE_STATEMENT_CACHE).toBe(false);
    expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).DATABASE_POOL_SIZE).toBe(25);
    expect(() => loadConfig({ DATABASE_STATEMENT_CACHE: 'maybe' })).toThrow(/DATABASE_STATEMENT_CACHE must be on or off/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
