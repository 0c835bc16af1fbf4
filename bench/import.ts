// npm run bench:import — imports a generated 10,000-row contact CSV (20% duplicates of
// earlier rows by email or phone in another notation, ~1% malformed rows) through the real
// path (CSV reader + importContacts) into a fresh workspace, and prints rows/s beside a
// baseline measured in the same run: the same file read by the same reader, then one plain
// multi-row INSERT of contact rows per 500-row chunk via pg (no normalisation, no duplicate
// detection, no emails/phones/companies/activities). Goal: >= 2,000 rows/s.
// Data lives in its own database, leadline_bench (created and migrated here; override with
// BENCH_DATABASE). BENCH_ROWS changes the size.
import 'dotenv/config';
import { performance } from 'node:perf_hooks';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import { withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres } from '../connectors/services.js';
import { readTable } from '../connectors/import/read-table.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { systemActor } from '../core/actor.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { importContacts, type TableRecord } from '../core/contacts/import/import-contacts.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
/** every 5th row (20%) repeats an earlier person */
const DUPLICATE_EVERY = 5;
const MALFORMED_EVERY = 97; // ~1% of rows
const CHUNK = 500;
const TARGET = 2_000;

const FIRST = ['Ivan', 'Anna', 'Olga', 'Petr', 'Maria', 'Sergey', 'John', 'Emma', 'Liam', 'Sofia', 'Дмитрий', 'Елена'];
const LAST = ['Petrov', 'Smith', 'Ivanova', 'Brown', 'Kuznetsov', 'Garcia', 'Соколов', 'Волкова', 'Lee', 'Novak'];
const COMPANIES = Array.from({ length: 300 }, (_, i) => `Company ${i}`);

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Deterministic rows: unique people, duplicates of earlier ones, and malformed rows. */
function generate(rows: number) {
  const lines = ['Full name,Email,Phone,Company,Position,Notes'];
  const people: Array<{ email: string; phone: number }> = [];
  let duplicates = 0;
  let malformed = 0;
  for (let i = 0; i < rows; i++) {
    const n = i + 1;
    if (n % MALFORMED_EVERY === 0) {
      malformed++;
      // three kinds: nothing identifying, only invalid keys, an unclosed quote
      const kind = malformed % 3;
      lines.push(kind === 0 ? ',,,Orphan Ltd,,no name' : kind === 1 ? `,broken-${n}@,12${n % 10},,,` : `"Unclosed ${n},u${n}@bench.test,,,,`);
      continue;
    }
    // a duplicate of an earlier person: by email (other case) or by phone (other notation)
    if (people.length > 10 && n % DUPLICATE_EVERY === 0) {
      duplicates++;
      const p = people[(n * 7919) % people.length]!;
      if (n % 2) lines.push(['', p.email.toUpperCase(), '', '', 'Buyer', 'seen again'].map(csvCell).join(','));
      else
        lines.push(
          [
            `${FIRST[n % FIRST.length]} dup`,
            '',
            `8 (916) ${String(p.phone).slice(0, 3)}-${String(p.phone).slice(3, 5)}-${String(p.phone).slice(5)}`,
            '',
            '',
            '',
          ]
            .map(csvCell)
            .join(','),
        );
      continue;
    }
    const phone = 1_000_000 + n; // +7 916 1xxxxxx
    const email = `person${n}@bench.test`;
    people.push({ email, phone });
    const name = `${FIRST[n % FIRST.length]} ${LAST[(n >> 3) % LAST.length]}`;
    lines.push(
      [name, email, `+7 916 ${phone}`, COMPANIES[n % COMPANIES.length]!, n % 4 ? 'Manager' : '', n % 10 ? '' : `Met at fair, "booth ${n}"`]
        .map(csvCell)
        .join(','),
    );
  }
  return { text: lines.join('\n') + '\n', duplicates, malformed };
}

async function main() {
  const config = loadConfig();
  const url = withDatabase(config.DATABASE_URL, process.env.BENCH_DATABASE ?? 'leadline_bench');
  await checkPostgres(config.DATABASE_URL);
  await migrate(url);
  const db = createPrisma(url, 4);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-bench-import-'));
  try {
    const { text, duplicates, malformed } = generate(ROWS);
    const file = path.join(dir, 'contacts.csv');
    await writeFile(file, text);
    const stamp = Date.now();

    // the real import, end to end: read + parse + normalise + dedupe + write
    const ws = await ensureWorkspace(db, `bench-import-${stamp}`, { timezone: 'UTC', locale: 'en', phoneRegion: 'RU' });
    const t0 = performance.now();
    const table = await readTable(file);
    const report = await importContacts(dbContext(db), systemActor(ws), table.records, { source: 'bench.csv' });
    const importMs = performance.now() - t0;
    const contacts = await db.contact.count({ where: { workspaceId: ws.id } });

    // baseline: same reader, then plain multi-row INSERTs of one contact row per CSV row
    const base = await ensureWorkspace(db, `bench-import-base-${stamp}`, { timezone: 'UTC', locale: 'en' });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const t1 = performance.now();
    const baseTable = await readTable(file);
    const rows = baseTable.records.slice(1).filter((r): r is Extract<TableRecord, { cells: string[] }> => 'cells' in r);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params: unknown[] = [];
      const values = chunk.map((r) => {
        const name = r.cells[0] || r.cells[1] || r.cells[2] || '?';
        params.push(base.id, name, name.toLowerCase(), r.cells[4] || null, r.cells[5] || null);
        const k = params.length;
        return `($${k - 4}, $${k - 3}, $${k - 2}, $${k - 1}, $${k}, now())`;
      });
      await client.query('BEGIN');
      await client.query(`INSERT INTO "Contact" ("workspaceId", "name", "nameKey", "position", "notes", "updatedAt") VALUES ${values.join(', ')}`, params);
      await client.query('COMMIT');
    }
    const baseMs = performance.now() - t1;
    await client.end();

    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
    const importRate = rate(ROWS, importMs);
    console.log(`bench:import  ${ROWS} CSV rows (${duplicates} duplicates of earlier rows, ${malformed} malformed), ${table.records.length - 1} records read`);
    console.log(
      `  import (read + normalise + merge + write): ${Math.round(importMs)} ms  ${importRate} rows/s  [goal >= ${TARGET}: ${importRate >= TARGET ? 'met' : 'NOT met'}]`,
    );
    console.log(
      `    created ${report.created}, duplicates merged ${report.updated}, bad rows reported ${report.skipped}, warnings ${report.warnings.length}; contacts in workspace ${contacts}`,
    );
    console.log(`  baseline (read + plain multi-row INSERT per ${CHUNK} rows): ${Math.round(baseMs)} ms  ${rate(ROWS, baseMs)} rows/s`);
    console.log(`  import / baseline time: ${(importMs / baseMs).toFixed(2)}x`);
    if (report.updated !== duplicates || report.skipped !== malformed || contacts !== report.created) {
      console.error('  MISMATCH: expected every duplicate merged and every malformed row reported');
      process.exitCode = 1;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.$disconnect();
  }
}

await main();
