// A row handed back as JSON (to_jsonb(row) in a statement that returns several rows of
// different tables at once) made typed again: Postgres writes `timestamp` columns as
// "2026-03-10T09:00:00.123" (no zone; the schema keeps UTC), so the statement also returns
// which columns are timestamps (timestampColumnsSql, read from the catalog, never listed by
// hand) and those become Dates. Everything else is as to_jsonb wrote it (enums as text).

/** SQL for the names of a table's timestamp columns, e.g. timestampColumnsSql('Lead'). */
export function timestampColumnsSql(table: string): string {
  return `(SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = '"${table}"'::regclass AND attnum > 0 AND NOT attisdropped AND atttypid = 'timestamp'::regtype)`;
}

export function rowFromJson<T>(json: unknown, timestampColumns: readonly string[] | null): T {
  if (!json || typeof json !== 'object') throw new Error(`expected a row as JSON, got ${typeof json}`);
  const row: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const c of timestampColumns ?? []) {
    const v = row[c];
    if (typeof v === 'string') row[c] = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  }
  return row as T;
}
