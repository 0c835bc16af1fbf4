// Hot SQL with named parameters, the way BullMQ keeps its Lua scripts: each statement is a
// constant text with a header saying what it does, and one typed wrapper runs it. The text
// names its parameters (`:workspaceId`); `statement()` turns them into `$1..$n` once, so the
// SQL sent is fixed (one prepared statement per connection, connectors/db/client.ts) and a
// call passes an object, never a list of positional values.
//
// Values: a Date becomes an ISO string (cast it in the SQL: `:now::timestamp(3)`); arrays are
// passed as arrays (Dates inside too); everything else as is. A missing parameter throws.
import type { DbOrTx } from '../../core/db.js';
import { directExecute, directQuery, type DirectOptions } from './direct.js';

export interface Statement<P extends object, R> {
  /** the SQL as sent ($1..$n) */
  readonly text: string;
  /** parameter names in $-order */
  readonly names: readonly (keyof P & string)[];
  /** runs a statement that returns rows */
  query(db: DbOrTx, params: P): Promise<R[]>;
  /** runs a statement without rows; resolves to the affected row count */
  execute(db: DbOrTx, params: P): Promise<number>;
}

const toSql = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.map(toSql) : v);

/**
 * Compiles `:name` placeholders to `$k` (the same name twice is the same `$k`). Skips `::`
 * casts, quoted strings ('...', "...") and comments (-- ...), where a colon is just text.
 */
export function compileNamed(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated ${c} in SQL: ${sql.slice(i, i + 40)}`);
      text += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
    } else if (c === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let k = names.indexOf(name);
      if (k < 0) k = names.push(name) - 1;
      text += `$${k + 1}`;
      i += 1 + name.length;
    } else {
      text += c;
      i++;
    }
  }
  return { text, names };
}

/**
 * A statement with named parameters `P` returning rows `R` (see the file comment). `direct`:
 * outside a transaction it goes straight through the pg pool (direct.ts), for a hot statement
 * whose results are plain (no int8, numeric or timestamp columns, which pg parses differently);
 * `plan: 'custom'` sends it unnamed (direct.ts DirectOptions: a look-up by a list).
 */
export function statement<P extends object, R = never>(sql: string, options: { direct?: boolean } & DirectOptions = {}): Statement<P, R> {
  const { text, names } = compileNamed(sql);
  const args = (params: P): unknown[] =>
    names.map((n) => {
      if (!(n in params)) throw new Error(`SQL parameter :${n} missing`);
      const v = (params as Record<string, unknown>)[n];
      return toSql(v === undefined ? null : v);
    });
  return {
    text,
    names: names as (keyof P & string)[],
    query: options.direct
      ? async (db, params) => directQuery<R>(db, text, args(params), options)
      : async (db, params) => db.$queryRawUnsafe<R[]>(text, ...args(params)),
    execute: options.direct
      ? async (db, params) => directExecute(db, text, args(params), options)
      : async (db, params) => db.$executeRawUnsafe(text, ...args(params)),
  };
}
