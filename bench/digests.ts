// npm run bench:digests — composes the digests of every user of a seeded workspace
// (default 10,000 users: "today" text for everyone; heads also the team digest text and
// chart PNG) and prints digests/s and the total time (goal: < 60 s; sending excluded),
// beside two baselines measured in the same run: the bare per-user task query alone, and
// the heads' team digests composed without the shared workspace cache.
// Then end to end (BENCH_E2E=0 skips it): every user gets a console identity and a "today"
// subscription (heads also "team_daily"); BENCH_WORKERS (2) real worker processes
// (bench/digests-worker.ts: the digest worker a scheduler tick runs, and the outbound
// workers) take one digest job per subscription, all due at once (everybody's 09:00), through
// the outbound queue to a recording sender. Prints the time from the jobs' enqueue to the
// last digest handed to the sender and digests/s, beside the in-process composition above
// (same run); exit code 1 when a digest is sent twice, a job fails, or the ledger and the
// sender disagree.
// Data lives in its own database, leadline_bench_digests (BENCH_DATABASE), dropped, created and
// migrated on every run: bench:reminders owns leadline_bench and recreates it, and deleting
// last run's 10,000-user workspace row by row through the cascades would take minutes.
// BENCH_USERS, BENCH_CONCURRENCY, BENCH_POOL tune the size.
import 'dotenv/config';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import pg from 'pg';
import { databaseName, quoteIdent, withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres } from '../connectors/services.js';
import { renderDigestChartOnce } from '../connectors/charts/render-digest-chart.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { defaultPipeline } from '../core/workspaces/default-pipeline.js';
import { composeTodayDigest } from '../core/digests/compose-today.js';
import { composeTeamDigest } from '../core/digests/compose-team.js';
import { DigestRun } from '../core/digests/digest-run.js';
import { renderDigestText } from '../core/digests/render-text.js';
import type { Db } from '../core/db.js';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { queueSettings } from '../connectors/queue/connection.js';
import { createDigestQueue, digestJob } from '../connectors/queue/digest-scheduler.js';
import { unlinkPrefix } from './support/redis-prefix.js';
import { startBenchWorker, stopBenchWorker } from './support/worker-process.js';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
/** digests composed at once; their per-user queries are batched by the DigestRun */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 250);
/** Postgres connections */
const POOL = Number(process.env.BENCH_POOL ?? 8);
const HEAD_EVERY = 200; // 1 head of sales per 200 users: 50 heads for 10,000
const SLUG = 'bench-digests';

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function seed(db: Db): Promise<{ workspaceId: number; users: Array<{ id: number; role: string }> }> {
  const t0 = performance.now();
  let tp = t0;
  const phase = (name: string) => {
    if (process.env.BENCH_VERBOSE) console.log(`  seed ${name}: ${((performance.now() - tp) / 1000).toFixed(1)} s`);
    tp = performance.now();
  };
  const ws = await ensureWorkspace(db, SLUG, { timezone: 'Europe/Moscow', locale: 'ru', name: 'Bench' });
  const pipeline = await defaultPipeline(db, ws.id);
  const stageIds = pipeline.stages.map((s) => s.id);
  const [won, lost] = [pipeline.stages.find((s) => s.kind === 'won')!.id, pipeline.stages.find((s) => s.kind === 'lost')!.id];
  const open = pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.id);
  const w = ws.id;
  await db.$executeRaw`
    INSERT INTO "User" ("workspaceId", name, role, timezone, locale, "updatedAt")
    SELECT ${w}, 'User ' || g, (CASE WHEN g % ${HEAD_EVERY} = 0 THEN 'head' ELSE 'manager' END)::"Role",
           (ARRAY['Europe/Moscow','America/Los_Angeles','Asia/Tokyo','Europe/Berlin'])[1 + g % 4],
           CASE WHEN g % 2 = 0 THEN 'ru' ELSE 'en' END, now()
      FROM generate_series(1, ${USERS}) g`;
  phase('users');
  const users = await db.user.findMany({ where: { workspaceId: w }, select: { id: true, role: true }, orderBy: { id: 'asc' } });
  const [minU, maxU] = [users[0]!.id, users.at(-1)!.id];
  const span = maxU - minU + 1;
  await db.$executeRaw`
    INSERT INTO "Contact" ("workspaceId", name, "nameKey", "updatedAt")
    SELECT ${w}, 'Contact ' || g, 'contact ' || g, now() FROM generate_series(1, ${USERS * 2}) g`;
  phase('contacts');
  const [{ minc }] = await db.$queryRaw<[{ minc: number }]>`SELECT min(id) AS minc FROM "Contact" WHERE "workspaceId" = ${w}`;
  // 10 leads per user over the last 30 days; 5% unassigned; three quarters answered
  await db.$executeRaw`
    INSERT INTO "Lead" ("workspaceId", "contactId", source, status, title, "assigneeId", "createdAt", "firstResponseAt", "updatedAt")
    SELECT ${w}, ${minc} + (g % ${USERS * 2}),
           (ARRAY['telegram','email','web','slack']::"Channel"[])[1 + g % 4],
           (ARRAY['new','in_progress','converted','junk']::"LeadStatus"[])[1 + (g / 7) % 4],
           'Lead ' || g,
           CASE WHEN g % 20 = 0 THEN NULL ELSE ${minU} + ((g::bigint * 7919) % ${span})::int END,
           c, CASE WHEN g % 4 = 0 THEN NULL ELSE c + ((g % 3600) || ' seconds')::interval END, now()
      FROM (SELECT g, now() - ((g % 43200) || ' minutes')::interval AS c FROM generate_series(1, ${USERS * 10}) g) s`;
  phase('leads');
  // 3 deals per user: mostly open across the open stages, some won / lost in the last 30 days
  await db.$executeRaw`
    INSERT INTO "Deal" ("workspaceId", "pipelineId", "stageId", title, "titleKey", amount, currency, status, "ownerId", "closedAt", "lastActivityAt", "createdAt", "updatedAt")
    SELECT ${w}, ${pipeline.id},
           CASE WHEN k = 0 THEN ${won} WHEN k = 1 THEN ${lost} ELSE (${open}::int[])[1 + g % ${open.length}] END,
           'Deal ' || g, 'deal ' || g, (1000 + g % 90000)::numeric, (ARRAY['RUB','USD','EUR'])[1 + g % 3],
           (CASE WHEN k = 0 THEN 'won' WHEN k = 1 THEN 'lost' ELSE 'open' END)::"DealStatus",
           ${minU} + ((g::bigint * 104729) % ${span})::int,
           CASE WHEN k < 2 THEN now() - ((g % 43200) || ' minutes')::interval END,
           now() - ((g % 20) || ' days')::interval, now() - interval '60 days', now()
      FROM (SELECT g, g % 10 AS k FROM generate_series(1, ${USERS * 3}) g) s`;
  phase('deals');
  // 10 tasks per user due from 10 days ago to 10 days ahead; some snoozed, a fifth done
  await db.$executeRaw`
    INSERT INTO "Task" ("workspaceId", title, "dueAt", "snoozedUntil", "assigneeId", status, "completedAt", "createdAt", "updatedAt")
    SELECT ${w}, 'Task ' || g, d, CASE WHEN g % 9 = 0 THEN d + interval '1 hour' END,
           ${minU} + g % ${span},
           (CASE WHEN g % 5 = 0 THEN 'done' ELSE 'open' END)::"TaskStatus",
           CASE WHEN g % 5 = 0 THEN d END, now() - interval '30 days', now()
      FROM (SELECT g, now() + (((g * 37) % 28800 - 14400) || ' minutes')::interval AS d FROM generate_series(1, ${USERS * 10}) g) s`;
  phase('tasks');
  await db.$executeRaw`ANALYZE`;
  phase('analyze');
  void stageIds;
  console.log(`seeded ${USERS} users, ${USERS * 10} leads, ${USERS * 3} deals, ${USERS * 10} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { workspaceId: w, users };
}

async function main() {
  const config = loadConfig();
  const url = withDatabase(config.DATABASE_URL, process.env.BENCH_DATABASE ?? 'leadline_bench_digests');
  await checkPostgres(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  await admin.end();
  await migrate(url);
  const db = createPrisma(url, POOL);
  try {
    const { users } = await seed(db);
    const ctx = dbContext(db);
    const heads = users.filter((u) => u.role !== 'manager');
    const now = new Date();

    // baseline 1: the bare per-user task query (what a naive "today" needs at least), as
    // many in flight as the pool has connections
    let t = performance.now();
    await pool(users, POOL, async (u) => {
      await db.task.findMany({ where: { assigneeId: u.id, status: 'open', dueAt: { lt: new Date(now.getTime() + 86_400_000) } }, take: 10 });
    });
    const bareMs = performance.now() - t;

    // baseline 2: the heads' team digests, each composing its own workspace aggregates
    t = performance.now();
    await pool(heads, CONCURRENCY, async (h) => {
      renderDigestText(await composeTeamDigest(ctx, h.id, 'daily', now, new DigestRun(now)), 'en');
    });
    const uncachedHeadsMs = performance.now() - t;

    // the run: every user's "today" text; heads also the team digest text and chart
    const run = new DigestRun(now);
    let digests = 0;
    let charts = 0;
    let chartMs = 0;
    let pngBytes = 0;
    t = performance.now();
    await pool(users, CONCURRENCY, async (u) => {
      const today = await composeTodayDigest(ctx, u.id, now, run);
      renderDigestText(today, today.recipient.locale);
      digests++;
      if (u.role === 'manager') return;
      const team = await composeTeamDigest(ctx, u.id, 'daily', now, run);
      renderDigestText(team, team.recipient.locale);
      digests++;
      const c0 = performance.now();
      const png = await renderDigestChartOnce(run, team, team.recipient.locale);
      chartMs += performance.now() - c0;
      pngBytes += png.length;
      charts++;
    });
    const totalMs = performance.now() - t;

    const s = (ms: number) => (ms / 1000).toFixed(2) + ' s';
    console.log('');
    console.log(`users: ${users.length} (${heads.length} heads), ${CONCURRENCY} digests in flight, ${POOL} Postgres connections`);
    console.log(`queries   ${run.stats.batches} batched queries answered ${run.stats.requests} per-user requests`);
    console.log(`baseline  bare task query per user:         ${s(bareMs)}  (${Math.round(users.length / (bareMs / 1000))} users/s)`);
    console.log(`baseline  ${heads.length} team digests without cache:     ${s(uncachedHeadsMs)}  (${(uncachedHeadsMs / heads.length).toFixed(1)} ms each)`);
    console.log(
      `digests   ${digests} composed + rendered (${users.length} today, ${digests - users.length} team): ${s(totalMs)}  (${Math.round(digests / (totalMs / 1000))} digests/s)`,
    );
    console.log(
      `charts    ${charts} PNG for heads (avg ${charts ? Math.round(pngBytes / charts / 1024) : 0} KB; one drawing per workspace, period, zone and language): ${s(chartMs)} waited in total`,
    );
    console.log(`goal      all ${users.length} users in < 60 s: ${totalMs < 60_000 ? 'MET' : 'NOT MET'} (${s(totalMs)}; sending excluded)`);
    if (process.env.BENCH_E2E !== '0') {
      const ok = await endToEnd(db, url, config.REDIS_URL, heads.length, totalMs);
      if (!ok) process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

/** The real digest jobs in worker processes, all due at once, to a recording sender. */
async function endToEnd(db: Db, url: string, redisUrl: string, headCount: number, composeMs: number): Promise<boolean> {
  const workersWanted = Number(process.env.BENCH_WORKERS ?? 2);
  const ws = await db.workspace.findUniqueOrThrow({ where: { slug: SLUG } });
  await db.$executeRaw`
    INSERT INTO "Identity" ("workspaceId", channel, "externalId", "chatId", "userId", "updatedAt")
    SELECT ${ws.id}, 'console', 'bench-' || id, 'c-' || id, id, now() FROM "User" WHERE "workspaceId" = ${ws.id}`;
  await db.$executeRaw`
    INSERT INTO "DigestSubscription" ("userId", kind, hour, minute)
    SELECT id, 'today'::"DigestKind", 9, 0 FROM "User" WHERE "workspaceId" = ${ws.id}
    UNION ALL SELECT id, 'team_daily'::"DigestKind", 9, 0 FROM "User" WHERE "workspaceId" = ${ws.id} AND role <> 'manager'`;
  const subs = await db.digestSubscription.findMany({ where: { user: { workspaceId: ws.id } }, select: { id: true, userId: true } });
  const prefix = `bench-digests-${randomUUID().slice(0, 8)}`;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'leadline-bench-digests-'));
  const settings = queueSettings(redisUrl, prefix);
  const queue = createDigestQueue(settings);
  const children: ChildProcess[] = [];
  const sends = () => {
    const rows: Array<{ chat: string; at: number; chart: boolean }> = [];
    for (const f of readdirSync(outDir)) {
      if (!f.startsWith('sent-')) continue;
      for (const line of readFileSync(path.join(outDir, f), 'utf8').split('\n')) {
        const [chat, at, chart] = line.split(',');
        if (chat) rows.push({ chat, at: Number(at), chart: chart === '1' });
      }
    }
    return rows;
  };
  try {
    for (let i = 0; i < workersWanted; i++)
      children.push(
        await startBenchWorker('digests-worker.ts', { LOG_LEVEL: 'warn', DATABASE_URL: url, REDIS_URL: redisUrl, PREFIX: prefix, OUT_DIR: outDir }),
      );
    const t0 = Date.now();
    await queue.addBulk(subs.map((sub) => ({ name: digestJob.name, data: { subscriptionId: sub.id, userId: sub.userId }, opts: digestJob.options })));
    const deadline = Date.now() + Number(process.env.BENCH_E2E_TIMEOUT_S ?? 300) * 1000;
    let counts: Record<string, number> = {};
    for (;;) {
      // completed jobs are pruned (removeOnComplete keeps 1,000): done = nothing left to run
      counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
      const left = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0);
      const sentRows = await db.outboundDelivery.count({ where: { dedupeKey: { startsWith: 'digest:' }, status: 'sent' } });
      const pending = await db.outboundDelivery.count({ where: { dedupeKey: { startsWith: 'digest:' }, status: { notIn: ['sent', 'failed', 'skipped'] } } });
      if (left === 0 && pending === 0 && sends().length >= sentRows) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // the outbound jobs of the last digests may still be in flight: wait for the ledger to settle
    for (let i = 0; i < 120; i++) {
      const queued = await db.outboundDelivery.count({ where: { dedupeKey: { startsWith: 'digest:' }, status: { notIn: ['sent', 'failed', 'skipped'] } } });
      const sentRows = await db.outboundDelivery.count({ where: { dedupeKey: { startsWith: 'digest:' }, status: 'sent' } });
      if (queued === 0 && sends().length >= sentRows) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const got = sends();
    const sentRows = await db.outboundDelivery.count({ where: { dedupeKey: { startsWith: 'digest:' }, status: 'sent' } });
    const perChat = new Map<string, number>();
    for (const g of got) perChat.set(g.chat, (perChat.get(g.chat) ?? 0) + 1);
    const headChats = new Set(
      (await db.user.findMany({ where: { workspaceId: ws.id, role: { not: 'manager' } }, select: { id: true } })).map((u) => `c-${u.id}`),
    );
    let duplicates = 0;
    for (const [chat, n] of perChat) duplicates += Math.max(0, n - (headChats.has(chat) ? 2 : 1));
    const last = Math.max(...got.map((g) => g.at));
    const spanS = (last - t0) / 1000;
    const charts = got.filter((g) => g.chart).length;
    console.log('');
    console.log(
      `end to end ${subs.length} digest jobs (${subs.length - headCount} "today", ${headCount} team with chart) due at once, ${workersWanted} worker processes (digest worker + outbound, product settings) -> recording sender:`,
    );
    console.log(
      `          ${got.length} digests handed to the sender (${charts} with a chart) in ${spanS.toFixed(1)} s from the enqueue: ${Math.round(got.length / spanS)} digests/s; ` +
        `jobs failed ${counts.failed ?? 0}; not sent (nothing to say, or skipped) ${subs.length - sentRows}; duplicates ${duplicates}`,
    );
    console.log(`baseline  the same digests composed in process above: ${(composeMs / 1000).toFixed(2)} s`);
    const ok = duplicates === 0 && (counts.failed ?? 0) === 0 && got.length === sentRows;
    if (!ok)
      console.error(
        `          MISMATCH: ${got.length} sends recorded, ${sentRows} sent in the ledger, ${counts.failed ?? 0} failed jobs, ${duplicates} duplicates`,
      );
    return ok;
  } finally {
    await Promise.all(children.map((c) => stopBenchWorker(c, 10_000)));
    await queue.close();
    rmSync(outDir, { recursive: true, force: true });
    await unlinkPrefix(redisUrl, prefix);
  }
}

await main();
