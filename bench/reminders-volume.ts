// npm run bench:reminders:volume — 100,000 reminders due within a few minutes, delivered by real
// worker processes (startWorkers: reminder queue -> occurrence and send claimed in one
// statement -> delivered in the same job -> recording sender). Prints firing and delivery lateness p50/p99/max, deliveries/s and the
// exactly-once count, beside a baseline measured in the same run: plain in-process
// setTimeout timers for the same due times (no durability, no I/O).
// Settings (env): BENCH_REMINDERS (100000), BENCH_WINDOW_S (240), BENCH_LEAD_S (30),
// BENCH_WORKERS (2), BENCH_USERS (1000), BENCH_NODE_ARGS (flags for the worker processes),
// DATABASE_URL (server; the bench uses database leadline_bench, recreated each run), REDIS_URL.
// The worker processes take the product's settings and defaults: DATABASE_POOL_SIZE,
// DATABASE_STATEMENT_CACHE, OUTBOUND_CONCURRENCY, REMINDER_CONCURRENCY.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrisma } from '../connectors/db/client.js';
import { recreateDatabase } from './support/bench-database.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { createScheduler } from '../connectors/queue/workers.js';
import { loadConfig } from '../connectors/config.js';
import { unlinkPrefix } from './support/redis-prefix.js';
import { startBenchWorker } from './support/worker-process.js';

const N = Number(process.env.BENCH_REMINDERS ?? 100_000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 240) * 1000;
const LEAD_MS = Number(process.env.BENCH_LEAD_S ?? 30) * 1000;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function quantiles(values: number[]) {
  if (values.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(values).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p99: q(0.99), max: s[s.length - 1]! };
}
const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'n/a');

function readRecords(dir: string, kind: 'sent' | 'fired'): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(kind + '-')) continue;
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      const [id, at] = line.split(',');
      out.push([Number(id), Number(at)]);
    }
  }
  return out;
}

function countLines(dir: string, kind: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) if (f.startsWith(kind + '-')) n += readFileSync(path.join(dir, f), 'utf8').split('\n').length - 1;
  return n;
}

async function main() {
  const tuning = loadConfig();
  log(`bench:reminders — ${N} reminders due over ${WINDOW_MS / 1000} s, ${WORKERS} worker processes, ${USERS} users`);
  log(
    `each worker: REMINDER_CONCURRENCY ${tuning.REMINDER_CONCURRENCY}, OUTBOUND_CONCURRENCY ${tuning.OUTBOUND_CONCURRENCY}, ` +
      `DATABASE_POOL_SIZE ${tuning.DATABASE_POOL_SIZE}, DATABASE_STATEMENT_CACHE ${tuning.DATABASE_STATEMENT_CACHE ? 'on' : 'off'}`,
  );
  const url = await recreateDatabase(serverUrl, 'leadline_bench');
  const db = createPrisma(url, 10);
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const outDir = mkdtempSync(path.join(tmpdir(), 'leadline-bench-'));

  // seed: one workspace, USERS managers each reachable on the console channel
  const ws = await db.workspace.create({ data: { name: 'Bench', slug: 'bench', timezone: 'Europe/Moscow' } });
  await db.$executeRawUnsafe(
    `INSERT INTO "User" ("workspaceId", name, role, "updatedAt") SELECT $1, 'Manager ' || g, 'manager', now() FROM generate_series(1, $2) g`,
    ws.id,
    USERS,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Identity" ("workspaceId", channel, "externalId", "chatId", "userId", "updatedAt")
     SELECT $1, 'console', 'bench-' || u.id, 'chat-' || u.id, u.id, now() FROM "User" u WHERE u."workspaceId" = $1`,
    ws.id,
  );

  log(`starting ${WORKERS} worker processes`);
  const env = { DATABASE_URL: url, REDIS_URL: redisUrl, PREFIX: prefix, OUT_DIR: outDir };
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      // BENCH_NODE_ARGS: extra flags for the worker processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
      startBenchWorker('reminders-worker.ts', { ...env, LOG_LEVEL: 'warn' }, (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)),
    ),
  );

  const dueStart = Date.now() + LEAD_MS;
  const t0 = Date.now();
  await db.$executeRawUnsafe(
    `INSERT INTO "Task" ("workspaceId", title, "dueAt", "assigneeId", "updatedAt")
     SELECT $1, 'Bench task ' || g,
            to_timestamp(($2::bigint + floor((g - 1)::numeric * $3 / $4))::double precision / 1000) AT TIME ZONE 'UTC',
            (SELECT min(id) FROM "User" WHERE "workspaceId" = $1) + (g % $5), now()
     FROM generate_series(1, $4) g`,
    ws.id,
    dueStart,
    WINDOW_MS,
    N,
    USERS,
  );
  const tasks = await db.task.findMany({ where: { workspaceId: ws.id }, select: { id: true, dueAt: true }, orderBy: { id: 'asc' } });
  const dueOf = new Map(tasks.map((t) => [t.id, t.dueAt.getTime()]));
  log(`inserted ${tasks.length} tasks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // baseline: in-process timers for the same due times, running during the real thing
  const baseline: number[] = [];
  for (const t of tasks) {
    const due = t.dueAt.getTime();
    setTimeout(() => baseline.push(Date.now() - due), Math.max(0, due - Date.now()));
  }

  const scheduler = createScheduler(queueSettings(redisUrl, prefix));
  const t1 = Date.now();
  await scheduler.scheduleReminders(tasks.map((t) => ({ taskId: t.id, dueAt: t.dueAt })));
  const scheduleMs = Date.now() - t1;
  log(
    `scheduled ${tasks.length} delayed jobs with addBulk in ${(scheduleMs / 1000).toFixed(1)} s (${Math.round(tasks.length / (scheduleMs / 1000))} jobs/s); first due in ${((dueStart - Date.now()) / 1000).toFixed(1)} s`,
  );
  if (Date.now() > dueStart) log('WARNING: scheduling ended after the first due time; raise BENCH_LEAD_S');

  // cut-off keeps the whole run near 6 minutes; what is not delivered by then is reported
  const deadline = dueStart + WINDOW_MS + Number(process.env.BENCH_DRAIN_S ?? 60) * 1000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    const sent = countLines(outDir, 'sent');
    const due = tasks.filter((t) => t.dueAt.getTime() <= Date.now()).length;
    log(`due so far ${due}, delivered ${sent}`);
    if (sent >= N || Date.now() > deadline) break;
  }
  await new Promise((r) => setTimeout(r, 2000)); // anything late or duplicated shows up now
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));

  const sent = readRecords(outDir, 'sent');
  const fired = readRecords(outDir, 'fired');
  const firstSend = new Map<number, number>();
  let duplicates = 0;
  for (const [id, at] of sent) {
    if (firstSend.has(id)) duplicates++;
    else firstSend.set(id, at);
  }
  const firstFire = new Map<number, number>();
  for (const [id, at] of fired) if (!firstFire.has(id)) firstFire.set(id, at);
  const deliveryLateness = [...firstSend].map(([id, at]) => at - dueOf.get(id)!);
  const fireLateness = [...firstFire].map(([id, at]) => at - dueOf.get(id)!);
  const sendTimes = [...firstSend.values()];
  const spanS = (Math.max(...sendTimes) - Math.min(...sendTimes)) / 1000;
  const claims = await db.reminderDelivery.count();
  const ledgerSent = await db.outboundDelivery.count({ where: { status: 'sent' } });

  const d = quantiles(deliveryLateness);
  const f = quantiles(fireLateness);
  const b = quantiles(baseline);
  console.log('');
  console.log(
    'reminders            expected %d  delivered %d  duplicates %d  not delivered by the cut-off %d',
    N,
    firstSend.size,
    duplicates,
    N - firstSend.size,
  );
  console.log('postgres             ReminderDelivery rows %d, OutboundDelivery sent %d', claims, ledgerSent);
  console.log('');
  console.log('lateness vs due time          p50        p99        max');
  console.log(`leadline: job fired     ${fmt(f.p50).padStart(10)} ${fmt(f.p99).padStart(10)} ${fmt(f.max).padStart(10)}`);
  console.log(`leadline: delivered     ${fmt(d.p50).padStart(10)} ${fmt(d.p99).padStart(10)} ${fmt(d.max).padStart(10)}`);
  console.log(`baseline: setTimeout    ${fmt(b.p50).padStart(10)} ${fmt(b.p99).padStart(10)} ${fmt(b.max).padStart(10)}`);
  console.log('');
  console.log(`deliveries/s          ${(firstSend.size / spanS).toFixed(0)} (due rate ${(N / (WINDOW_MS / 1000)).toFixed(0)}/s)`);
  const [load1] = (await import('node:os')).loadavg();
  console.log(
    `machine               ${(await import('node:os')).cpus().length} CPUs, load average ${load1!.toFixed(1)} at the end (other processes compete for the same cores)`,
  );
  console.log(`scheduling (addBulk)  ${Math.round(N / (scheduleMs / 1000))} jobs/s`);
  console.log(`goal p99 delivery lateness <= 1000 ms: ${d.p99 <= 1000 ? 'met' : 'NOT met'}`);
  console.log(
    `exactly once: duplicates ${duplicates === 0 ? 'none' : duplicates}; ${firstSend.size === N ? 'all delivered' : `${N - firstSend.size} still queued at the cut-off (not lost: Postgres has their tasks, Redis their jobs)`}`,
  );

  // free Redis: this run's keys only
  await unlinkPrefix(redisUrl, prefix);
  await scheduler.close();
  await db.$disconnect();
  process.exit(duplicates === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
