// npm run bench:reminders — due reminders delivered on Telegram at its limits, end to end:
// tasks in Postgres -> delayed reminder jobs (the real scheduler) -> real worker processes
// (startWorkers with the product's settings: each due reminder claimed and delivered in its
// own job, under the shared per-bot and per-chat clocks in Redis) -> the real TelegramSender
// -> a fake Bot API that enforces Telegram's limits strictly (test/support/limited-bot-api.ts: 429 over 30/s per bot or
// 1/s per chat in any sliding second). BENCH_MANAGERS (100) managers, each on their own chat.
// Two phases, each checked for exactly once (every reminder accepted by the fake once):
//   spread: BENCH_SPREAD_RATE (20) reminders/s due evenly for BENCH_SPREAD_S (60) s, under the
//           limit; goal: delivery lateness p99 <= 1 s.
//   burst:  BENCH_BURST (3,000) reminders all due at the same second (everybody's 09:00);
//           goal: delivered at >= 0.9 x the platform limit, 0 x 429.
// Baseline, same run: the platform limit itself (what Telegram allows: min(30/s per bot,
// managers x 1/s per chat)), and for lateness in-process setTimeout timers for the same due
// times. Exits non-zero when a reminder is lost or duplicated or a 429 is seen.
// BENCH_WORKERS (2) worker processes; database leadline_bench_reminders, recreated and dropped.
// The former 100,000-reminder volume run (console channel, no platform limit) is
// `npm run bench:reminders:volume`.
import 'dotenv/config';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { createOutbox, createScheduler } from '../connectors/queue/workers.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { LimitedBotApi, TELEGRAM_STRICT_LIMITS } from '../test/support/limited-bot-api.js';
import { dropDatabase, recreateDatabase } from './support/bench-database.js';
import { unlinkPrefix } from './support/redis-prefix.js';
import { startBenchWorker, stopBenchWorker } from './support/worker-process.js';

const MANAGERS = Number(process.env.BENCH_MANAGERS ?? 100);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SPREAD_RATE = Number(process.env.BENCH_SPREAD_RATE ?? 20);
const SPREAD_S = Number(process.env.BENCH_SPREAD_S ?? 60);
const BURST = Number(process.env.BENCH_BURST ?? 3_000);
const LEAD_MS = 15_000;
const DB_NAME = 'leadline_bench_reminders';
const TOKEN = `${100_000 + Math.floor(Math.random() * 899_999)}:BENCH${randomUUID().replace(/-/g, '')}`;
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function quantile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');

function firedTimes(dir: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of readdirSync(dir)) {
    if (!f.startsWith('fired-')) continue;
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const [id, at] = line.split(',');
      if (id && !out.has(Number(id))) out.set(Number(id), Number(at));
    }
  }
  return out;
}

interface PhaseResult {
  name: string;
  expected: number;
  delivered: number;
  duplicates: number;
  rejected: number;
  lateness: { p50: number; p99: number; max: number };
  baselineP99: number;
  firedP99: number;
  rate: number;
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(config.REDIS_URL);
  const limit = Math.min(TELEGRAM_STRICT_LIMITS.perBotPerSecond, MANAGERS * TELEGRAM_STRICT_LIMITS.perChatPerSecond);
  log(
    `bench:reminders — Telegram, ${MANAGERS} managers, ${WORKERS} worker processes (REMINDER_CONCURRENCY ${config.REMINDER_CONCURRENCY}, ` +
      `OUTBOUND_CONCURRENCY ${config.OUTBOUND_CONCURRENCY}, TELEGRAM_PER_SECOND ${config.TELEGRAM_PER_SECOND}); platform limit ${limit}/s`,
  );
  const url = await recreateDatabase(config.DATABASE_URL, DB_NAME);
  const db = createPrisma(url, 5);
  const prefix = `bench-rem-${randomUUID().slice(0, 8)}`;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'leadline-bench-rem-'));
  const telegram = await new LimitedBotApi(TELEGRAM_STRICT_LIMITS).start();
  const scheduler = createScheduler(queueSettings(config.REDIS_URL, prefix));
  const outbound = createOutbox(queueSettings(config.REDIS_URL, prefix));
  let workers: ChildProcess[] = [];
  const results: PhaseResult[] = [];
  try {
    const ws = await db.workspace.create({ data: { name: 'Bench', slug: 'bench', timezone: 'Europe/Moscow' } });
    const base = 6_000_000 + Math.floor(Math.random() * 1_000_000);
    const users: number[] = [];
    for (let m = 0; m < MANAGERS; m++) {
      const u = await db.user.create({ data: { workspaceId: ws.id, name: `Manager ${m}`, role: 'manager' } });
      const chatId = String(base + m);
      await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: chatId, chatId, userId: u.id } });
      users.push(u.id);
    }
    workers = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        startBenchWorker('reminders-worker.ts', {
          LOG_LEVEL: 'warn',
          DATABASE_URL: url,
          REDIS_URL: config.REDIS_URL,
          PREFIX: prefix,
          OUT_DIR: outDir,
          BENCH_TG_TOKEN: TOKEN,
          BENCH_TG_ROOT: telegram.apiRoot,
        }),
      ),
    );

    const phase = async (name: string, dueTimes: number[], cutoffMs: number): Promise<PhaseResult> => {
      telegram.reset();
      const tasks = await db.task.createManyAndReturn({
        data: dueTimes.map((due, i) => ({ workspaceId: ws.id, title: `${name} ${i}`, dueAt: new Date(due), assigneeId: users[i % users.length]! })),
        select: { id: true, dueAt: true },
      });
      const dueOf = new Map(tasks.map((t) => [t.id, t.dueAt.getTime()]));
      const baseline: number[] = [];
      for (const t of tasks) setTimeout(() => baseline.push(Date.now() - t.dueAt.getTime()), Math.max(0, t.dueAt.getTime() - Date.now()));
      await scheduler.scheduleReminders(tasks.map((t) => ({ taskId: t.id, dueAt: t.dueAt })));
      const lastDue = Math.max(...dueTimes);
      log(`${name}: ${tasks.length} reminders scheduled, first due in ${((Math.min(...dueTimes) - Date.now()) / 1000).toFixed(1)} s`);
      const mine = () => telegram.accepted.filter((a) => dueOf.has(Number(a.buttons?.[0]?.[0]?.callback_data.split(':')[2])));
      let lastLog = Date.now();
      while (mine().length < tasks.length && Date.now() < lastDue + cutoffMs) {
        await new Promise((r) => setTimeout(r, 200));
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(`${name}: delivered ${mine().length}/${tasks.length}`);
        }
      }
      // a late duplicate would arrive within the next seconds: wait for the reminder jobs (a
      // due reminder is delivered in its own job) and the outbound queue to hold nothing
      // waiting, running or delayed, instead of a fixed pause
      for (let i = 0; i < 50; i++) {
        const counts = await Promise.all([scheduler.reminders, outbound.queue].map((q) => q.getJobCounts('wait', 'prioritized', 'active', 'delayed')));
        if (counts.every((c) => !c.wait && !c.prioritized && !c.active && !c.delayed)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const first = new Map<number, number>();
      let duplicates = 0;
      for (const a of mine()) {
        const id = Number(a.buttons![0]![0]!.callback_data.split(':')[2]);
        if (first.has(id)) duplicates++;
        else first.set(id, a.at);
      }
      const lateness = [...first].map(([id, at]) => at - dueOf.get(id)!);
      const fired = firedTimes(outDir);
      const firedLate = [...dueOf].filter(([id]) => fired.has(id)).map(([id, due]) => fired.get(id)! - due);
      const times = [...first.values()];
      const span = (Math.max(...times) - Math.min(...dueTimes)) / 1000;
      return {
        name,
        expected: tasks.length,
        delivered: first.size,
        duplicates,
        rejected: telegram.rejected,
        lateness: { p50: quantile(lateness, 0.5), p99: quantile(lateness, 0.99), max: Math.max(...lateness) },
        baselineP99: quantile(baseline, 0.99),
        firedP99: quantile(firedLate, 0.99),
        rate: first.size / Math.max(span, 1 / limit),
      };
    };

    // spread: evenly due, under the limit
    const spreadStart = Date.now() + LEAD_MS;
    const spreadN = Math.round(SPREAD_RATE * SPREAD_S);
    results.push(
      await phase(
        'spread',
        Array.from({ length: spreadN }, (_, i) => spreadStart + Math.floor((i * 1000) / SPREAD_RATE)),
        60_000,
      ),
    );
    // burst: all due within the same second
    const burstAt = Date.now() + LEAD_MS;
    results.push(
      await phase(
        'burst',
        Array.from({ length: BURST }, (_, i) => burstAt + (i % 1000)),
        Math.ceil(BURST / limit) * 1000 * 2 + 30_000,
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => stopBenchWorker(w)));
    await scheduler.close();
    await outbound.close();
    await telegram.close();
    await db.$disconnect();
    rmSync(outDir, { recursive: true, force: true });
    await unlinkPrefix(config.REDIS_URL, prefix);
    await dropDatabase(config.DATABASE_URL, DB_NAME);
  }

  console.log('');
  let ok = true;
  for (const r of results) {
    const exact = r.delivered === r.expected && r.duplicates === 0 && r.rejected === 0;
    ok &&= exact;
    console.log(
      `${r.name.padEnd(7)} ${r.expected} reminders: delivered ${r.delivered}, duplicates ${r.duplicates}, lost ${r.expected - r.delivered}, ${r.rejected} x 429`,
    );
    console.log(
      `        delivered lateness p50 ${ms(r.lateness.p50)}, p99 ${ms(r.lateness.p99)}, max ${ms(r.lateness.max)}; job fired p99 ${ms(r.firedP99)}; ` +
        `baseline setTimeout p99 ${ms(r.baselineP99)}`,
    );
    console.log(
      r.name === 'burst'
        ? `        ${r.rate.toFixed(1)} deliveries/s = ${(r.rate / limit).toFixed(2)} x the platform limit ${limit}/s`
        : `        ${r.rate.toFixed(1)} deliveries/s (due rate ${SPREAD_RATE}/s, platform limit ${limit}/s)`,
    );
  }
  const [spread, burst] = results;
  if (spread) console.log(`goal spread: p99 lateness <= 1 s: ${spread.lateness.p99 <= 1000 ? 'met' : 'NOT met'}`);
  if (burst) console.log(`goal burst: >= 0.9 x limit: ${burst.rate / limit >= 0.9 ? 'met' : 'NOT met'}`);
  console.log(`exactly once, no 429: ${ok ? 'yes' : 'NO'}; machine ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at the end`);
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
