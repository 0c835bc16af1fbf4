// Named parameters of connectors/db/statement.ts: what reaches Postgres is fixed $-SQL.
import { describe, it, expect } from 'vitest';
import { compileNamed, statement } from '../../../../connectors/db/statement.js';
import type { DbOrTx } from '../../../../core/db.js';

describe('named SQL parameters', () => {
  it('numbers names in first-use order, the same name twice is one parameter, casts stay', () => {
    expect(compileNamed('SELECT :a::int, :b, :a::text[] WHERE x = :b_2')).toEqual({
      text: 'SELECT $1::int, $2, $1::text[] WHERE x = $3',
      names: ['a', 'b', 'b_2'],
    });
  });

  it('leaves colons in strings, quoted names and comments alone', () => {
    const sql = `SELECT 'at :noon', "col:x", '{"forward": true}'::jsonb -- :not_a_param\nFROM t WHERE id = :id`;
    const { text, names } = compileNamed(sql);
    expect(names).toEqual(['id']);
    expect(text).toBe(`SELECT 'at :noon', "col:x", '{"forward": true}'::jsonb -- :not_a_param\nFROM t WHERE id = $1`);
  });

  it('refuses an unterminated string', () => {
    expect(() => compileNamed("SELECT 'open")).toThrow(/unterminated/);
  });

  it('passes parameters by name; Dates as ISO text (also in arrays); undefined as null; a missing one throws', async () => {
    const sent: unknown[][] = [];
    const db = { $queryRawUnsafe: async (...args: unknown[]) => (sent.push(args), [{ ok: 1 }]) } as unknown as DbOrTx;
    const s = statement<{ id: number; at: Date; ats: Date[]; note?: string }, { ok: number }>('SELECT :at::timestamp(3), :ats::timestamp(3)[], :note, :id');
    const at = new Date('2026-03-10T09:00:00.000Z');
    expect(await s.query(db, { id: 7, at, ats: [at], note: undefined })).toEqual([{ ok: 1 }]);
    expect(sent).toEqual([['SELECT $1::timestamp(3), $2::timestamp(3)[], $3, $4', at.toISOString(), [at.toISOString()], null, 7]]);
    await expect(s.query(db, { id: 7, at, ats: [] } as never)).rejects.toThrow(/:note missing/);
  });
});
