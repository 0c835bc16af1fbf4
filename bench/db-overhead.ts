// npm run bench:db — what one statement costs the process on each way Leadline sends SQL, one
// at a time on one process, against the server of DATABASE_URL (its `postgres` database,
// read-only: SELECTs with a parameter, and transactions holding one): through Prisma ($queryRawUnsafe on the
// client and in an interactive transaction), through connectors/db/direct.ts (the pool under
// Prisma's adapter, as the hot single statements go), and the same-run baseline, plain pg on a
// held connection. Prints microseconds of this process's CPU (user + system) and of wall clock
// per statement (per transaction for the transaction rows). BENCH_QUERIES (default 5,000) per
// row, after 500 unmeasured.
import 'dotenv/config';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { directQuery } from '../connectors/db/direct.js';
import { checkPostgres } from '../connectors/services.js';
import { withDatabase } from '../connectors/db/database-url.js';

const N = Number(process.env.BENCH_QUERIES ?? 5000);
const SQL = 'SELECT $1::int AS x';

interface Row {
  name: string;
  cpuUs: number;
  wallUs: number;
}

async function measure(name: string, fn: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 500; i++) await fn(i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn(i);
  const cpu = process.cpuUsage(cpu0);
  return { name, cpuUs: (cpu.user + cpu.system) / N, wallUs: ((performance.now() - t0) * 1000) / N };
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  const url = withDatabase(config.DATABASE_URL, 'postgres');
  const prisma = createPrisma(url, 2, { statementCache: config.DATABASE_STATEMENT_CACHE });
  const plain = new pg.Client({ connectionString: url });
  await plain.connect();
  try {
    const named = config.DATABASE_STATEMENT_CACHE;
    const statement = (i: number) => ({ text: SQL, values: [i], ...(named ? { name: 'bench_db_overhead' } : {}) });
    const rows: Row[] = [];
    rows.push(await measure('plain pg, held connection (baseline)', (i) => plain.query(statement(i))));
    rows.push(await measure('direct.ts (the pool under the adapter)', (i) => directQuery(prisma, SQL, [i])));
    rows.push(await measure('Prisma $queryRawUnsafe', (i) => prisma.$queryRawUnsafe(SQL, i)));
    const txBase = await measure('plain pg: BEGIN, 1 statement, COMMIT (baseline)', async (i) => {
      await plain.query('BEGIN');
      await plain.query(statement(i));
      await plain.query('COMMIT');
    });
    const tx = await measure('Prisma interactive transaction, 1 statement', (i) => prisma.$transaction(async (t) => t.$queryRawUnsafe(SQL, i)));
    const base = rows[0]!;
    console.log(`bench:db — ${N} statements per row, one at a time (Node ${process.version}, DATABASE_STATEMENT_CACHE ${named ? 'on' : 'off'})`);
    console.log('                                                    CPU us   wall us   CPU x baseline');
    for (const r of rows)
      console.log(
        `  ${r.name.padEnd(48)} ${r.cpuUs.toFixed(0).padStart(6)} ${r.wallUs.toFixed(0).padStart(9)} ${(r.cpuUs / base.cpuUs).toFixed(1).padStart(10)}`,
      );
    for (const r of [txBase, tx])
      console.log(
        `  ${r.name.padEnd(48)} ${r.cpuUs.toFixed(0).padStart(6)} ${r.wallUs.toFixed(0).padStart(9)} ${(r.cpuUs / txBase.cpuUs).toFixed(1).padStart(10)}`,
      );
  } finally {
    await plain.end();
    await prisma.$disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
