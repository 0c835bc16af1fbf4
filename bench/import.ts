// npm run bench:import — streaming contact import, end to end through the real CLI
// (`leadline import contacts FILE --json`, a child process), into a workspace that already
// holds BENCH_EXISTING contacts (default 1,000,000, written with plain SQL first), at each
// size in BENCH_ROWS (default 100000,1000000). Each generated file has 20% duplicates of
// earlier rows (by email in other case or by phone in another notation), 10% rows matching
// contacts already in the workspace, and ~1% malformed rows.
//
// Printed per size: rows/s and the importer's peak RSS (VmHWM of the child, read from
// /proc while it runs), beside a baseline measured in the same run: the same file read by
// the same streaming reader, then one plain multi-row INSERT of contact rows per 500-row
// chunk (no normalisation, no duplicate detection, no emails/phones/companies/activities).
// Goals: >= 2,000 rows/s and peak RSS < 300 MB at 1M rows. Exits non-zero when a count is
// off (every duplicate and every existing match merged, every malformed row reported).
// Data lives in its own database (leadline_bench_import, BENCH_DATABASE), dropped at the end.
import 'dotenv/config';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import pg from 'pg';
import { loadConfig } from '../connectors/config.js';
import { checkPostgres } from '../connectors/services.js';
import { openTable } from '../connectors/import/read-table.js';
import type { TableRecord } from '../core/contacts/import/import-contacts.js';
import type { ImportReport } from '../core/contacts/import/import-report.js';
import { dropDatabase, recreateDatabase } from './support/bench-database.js';

const SIZES = (process.env.BENCH_ROWS ?? '100000,1000000').split(',').map((s) => Number(s.trim()));
const EXISTING = Number(process.env.BENCH_EXISTING ?? 1_000_000);
const DB_NAME = process.env.BENCH_DATABASE ?? 'leadline_bench_import';
const DUPLICATE_EVERY = 5; // 20% repeat an earlier row of the file
const EXISTING_EVERY = 10; // 10% (of the rest) match a contact already in the workspace
const MALFORMED_EVERY = 97; // ~1%
const CHUNK = 500;
const RATE_GOAL = 2_000;
const RSS_GOAL_MB = 300;
const ROOT = path.resolve(import.meta.dirname, '..');

const FIRST = ['Ivan', 'Anna', 'Olga', 'Petr', 'Maria', 'Sergey', 'John', 'Emma', 'Liam', 'Sofia', 'Дмитрий', 'Елена'];
const LAST = ['Petrov', 'Smith', 'Ivanova', 'Brown', 'Kuznetsov', 'Garcia', 'Соколов', 'Волкова', 'Lee', 'Novak'];

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const line = (cells: string[]) => cells.map(csvCell).join(',') + '\n';
const kindOf = (n: number) =>
  n % MALFORMED_EVERY === 0 ? 'malformed' : n > 10 && n % DUPLICATE_EVERY === 0 ? 'duplicate' : n % EXISTING_EVERY === 3 ? 'existing' : 'new';
/** an earlier row of the file that introduced a new person */
function earlierNew(n: number): number {
  let m = ((n * 7919) % (n - 1)) + 1;
  while (kindOf(m) !== 'new') m--;
  return m;
}
const ruPhone = (prefix: string, num: number) => {
  const s = String(num).padStart(7, '0');
  return `8 (${prefix}) ${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}`;
};

/** Writes the file row by row (the generator keeps no list of people: duplicates are found by formula). */
async function generate(file: string, rows: number, existing: number) {
  const out = createWriteStream(file);
  const counts = { duplicates: 0, existing: 0, malformed: 0 };
  let buf = 'Full name,Email,Phone,Company,Position,Notes\n';
  for (let n = 1; n <= rows; n++) {
    const kind = kindOf(n);
    if (kind === 'malformed') {
      counts.malformed++;
      const k = counts.malformed % 3; // nothing identifying, only invalid keys, an unclosed quote
      buf += k === 0 ? ',,,Orphan Ltd,,no name\n' : k === 1 ? `,broken-${n}@,12${n % 10},,,\n` : `"Unclosed ${n},u${n}@bench.test,,,,\n`;
    } else if (kind === 'duplicate') {
      counts.duplicates++;
      const m = earlierNew(n);
      buf +=
        n % 2
          ? line(['', `person${m}@bench.test`.toUpperCase(), '', '', 'Buyer', 'seen again'])
          : line([`${FIRST[n % 12]} dup`, '', ruPhone('916', 1_000_000 + m), '', '', '']);
    } else if (kind === 'existing' && existing > 0) {
      counts.existing++;
      const k = (n * 104_729) % existing;
      buf += n % 2 ? line(['', `existing${k}@bench.test`, '', `Company ${k % 300}`, '', '']) : line(['', '', ruPhone('925', k), '', 'Returning', '']);
    } else {
      const name = `${FIRST[n % 12]} ${LAST[(n >> 3) % 10]}`;
      buf += line([
        name,
        `person${n}@bench.test`,
        `+7 916 ${1_000_000 + n}`,
        `Company ${n % 300}`,
        n % 4 ? 'Manager' : '',
        n % 10 ? '' : `Met at fair, "booth ${n}"`,
      ]);
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return counts;
}

/** The existing base: contacts with an email and a phone each, in bulk SQL. */
async function seedExisting(client: pg.Client, workspaceId: number, count: number) {
  const step = 100_000;
  for (let from = 0; from < count; from += step) {
    const to = Math.min(count, from + step) - 1;
    // 'existing ' is 9 characters: substr(nameKey, 10) is k
    await client.query(
      `WITH c AS (
         INSERT INTO "Contact" ("workspaceId", "name", "nameKey", "updatedAt")
         SELECT $1, 'Existing ' || k, 'existing ' || k, now() FROM generate_series($2::int, $3::int) k
         RETURNING id, substr("nameKey", 10) AS k
       ), e AS (
         INSERT INTO "ContactEmail" ("workspaceId", "contactId", "email") SELECT $1, id, 'existing' || k || '@bench.test' FROM c
       )
       INSERT INTO "ContactPhone" ("workspaceId", "contactId", "phone") SELECT $1, id, '+7925' || lpad(k, 7, '0') FROM c`,
      [workspaceId, from, to],
    );
  }
}

/** Runs the real CLI import in a child process; peak RSS from /proc/<pid>/status VmHWM. */
async function runCli(url: string, slug: string, file: string): Promise<{ report: ImportReport; ms: number; peakMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/leadline.js'), 'import', 'contacts', file, '--workspace', slug, '--json'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  let peakKb = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(() => void sample(), 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`leadline import exited with ${code}: ${stdout.slice(0, 500)}`);
  return { report: JSON.parse(stdout) as ImportReport, ms, peakMb: peakKb / 1024 };
}

/** Baseline: the same streaming reader, then plain multi-row INSERTs. */
async function baseline(client: pg.Client, workspaceId: number, file: string): Promise<number> {
  const t0 = performance.now();
  const table = await openTable(file);
  let chunk: Array<Extract<TableRecord, { cells: string[] }>> = [];
  let header = true;
  const flush = async () => {
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      const name = r.cells[0] || r.cells[1] || r.cells[2] || '?';
      params.push(workspaceId, name, name.toLowerCase(), r.cells[4] || null, r.cells[5] || null);
      const k = params.length;
      return `($${k - 4}, $${k - 3}, $${k - 2}, $${k - 1}, $${k}, now())`;
    });
    chunk = [];
    await client.query(`INSERT INTO "Contact" ("workspaceId", "name", "nameKey", "position", "notes", "updatedAt") VALUES ${values.join(', ')}`, params);
  };
  for await (const r of table.records) {
    if (header) {
      header = false;
      continue;
    }
    if ('cells' in r) chunk.push(r);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length) await flush();
  return performance.now() - t0;
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  const url = await recreateDatabase(config.DATABASE_URL, DB_NAME);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-bench-import-'));
  let failed = false;
  try {
    const make = async (slug: string) =>
      (
        await client.query<{ id: number }>(
          `INSERT INTO "Workspace" ("name", "slug", "timezone", "locale", "phoneRegion", "updatedAt") VALUES ($1, $1, 'UTC', 'en', 'RU', now()) RETURNING id`,
          [slug],
        )
      ).rows[0]!.id;
    console.log(`bench:import  streaming CLI import; sizes ${SIZES.join(', ')} rows; ${EXISTING} contacts already in each target workspace`);
    for (const rows of SIZES) {
      const file = path.join(dir, `contacts-${rows}.csv`);
      const counts = await generate(file, rows, EXISTING);
      const slug = `bench-import-${rows}`;
      const wsId = await make(slug);
      const s0 = performance.now();
      await seedExisting(client, wsId, EXISTING);
      const seedMs = performance.now() - s0;
      const { report, ms, peakMb } = await runCli(url, slug, file);
      const contacts = Number((await client.query(`SELECT count(*) FROM "Contact" WHERE "workspaceId" = $1`, [wsId])).rows[0].count);
      const baseMs = await baseline(client, await make(`bench-import-base-${rows}`), file);
      const rate = (ms: number) => Math.round((rows / ms) * 1000);
      const expectMerged = counts.duplicates + counts.existing;
      const ok = report.updated === expectMerged && report.skipped === counts.malformed && contacts === EXISTING + report.created;
      failed ||= !ok;
      console.log(
        `  ${rows} rows (${counts.duplicates} duplicates, ${counts.existing} matching existing contacts, ${counts.malformed} malformed); ` +
          `existing base seeded in ${Math.round(seedMs / 1000)} s`,
      );
      console.log(
        `    import: ${Math.round(ms)} ms  ${rate(ms)} rows/s [goal >= ${RATE_GOAL}: ${rate(ms) >= RATE_GOAL ? 'met' : 'NOT met'}]  ` +
          `peak RSS ${Math.round(peakMb)} MB [goal < ${RSS_GOAL_MB}: ${peakMb < RSS_GOAL_MB ? 'met' : 'NOT met'}]`,
      );
      console.log(
        `      created ${report.created}, merged ${report.updated} (expected ${expectMerged}), reported ${report.skipped}; contacts in workspace ${contacts}`,
      );
      console.log(
        `    baseline (same reader + plain INSERT per ${CHUNK} rows): ${Math.round(baseMs)} ms  ${rate(baseMs)} rows/s; import/baseline rate ${(baseMs / ms).toFixed(2)}x`,
      );
      if (!ok) console.error('    MISMATCH: expected every duplicate and existing match merged and every malformed row reported');
      await rm(file, { force: true });
    }
  } finally {
    await client.end();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(config.DATABASE_URL, DB_NAME);
  }
  if (failed) process.exitCode = 1;
}

await main();
