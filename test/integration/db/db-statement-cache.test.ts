// The Prisma client's statement cache: queries become named prepared statements on their
// connection (planned once), queries with many parameters stay unnamed, and the cache can be
// switched off for poolers that cannot keep prepared statements.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPrisma, MAX_CACHED_STATEMENT_ARGS, statementName } from '../../../connectors/db/client.js';
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

  it('reads DATABASE_STATEMENT_CACHE and DATABASE_POOL_SIZE from the environment, naming a bad value', () => {
    expect(loadConfig({}).DATABASE_STATEMENT_CACHE).toBe(true);
    expect(loadConfig({ DATABASE_STATEMENT_CACHE: 'off' }).DATABASE_STATEMENT_CACHE).toBe(false);
    expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).DATABASE_POOL_SIZE).toBe(25);
    expect(() => loadConfig({ DATABASE_STATEMENT_CACHE: 'maybe' })).toThrow(/DATABASE_STATEMENT_CACHE must be on or off/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
