// Exactly once under failure: two worker processes with one SIGKILLed in the middle of a
// send; a claim left without its message (crash between claim and enqueue); Redis FLUSHALL
// followed by a restart that reconciles with Postgres, and FLUSHALL while workers run (their
// periodic loss check reconciles without a restart).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { testDb } from '../../support/db.js';
import { privateRedis, pushWorkspace, queuesDrained, RecordingSender, sleep, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { createOutbox, createScheduler, startWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';

const db = testDb();
const here = path.dirname(fileURLToPath(import.meta.url));
let redis: Awaited<ReturnType<typeof privateRedis>>;
let member: Member;
let workspaceId: number;

beforeAll(async () => {
  redis = await privateRedis();
  const made = await pushWorkspace(db, [{ name: 'Vera' }]);
  member = made.members[0]!;
  workspaceId = made.workspace.id;
});

afterAll(async () => {
  await redis?.stop();
});

async function tasksDue(count: number, at: (i: number) => Date, title: string) {
  const rows = await db.task.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({ workspaceId, title: `${title} ${i}`, dueAt: at(i), assigneeId: member.userId })),
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'worker-process.ts')], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

describe('crash recovery', () => {
  it('two worker processes, one SIGKILLed mid-send: every reminder is delivered exactly once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadline-crash-'));
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: redis.url,
      PREFIX: `crash-${randomUUID().slice(0, 8)}`,
      OUT_FILE: path.join(dir, 'out.jsonl'),
      BEGIN_FILE: path.join(dir, 'begin.txt'),
      SEND_MS: '500',
    };
    const [victim, survivor] = await Promise.all([spawnWorker(env), spawnWorker(env)]);
    const scheduler = createScheduler(queueSettings(redis.url, env.PREFIX));
    const outbox = createOutbox(queueSettings(redis.url, env.PREFIX));
    try {
      const start = Date.now() + 1500;
      const ids = await tasksDue(16, (i) => new Date(start + i * 40), 'Crash test');
      const tasks = await db.task.findMany({ where: { id: { in: ids } } });
      await scheduler.scheduleReminders(tasks.map((t) => ({ taskId: t.id, dueAt: t.dueAt })));
      // kill the victim as soon as it is inside a send
      await waitFor(() => readLines(env.BEGIN_FILE).some((l) => l.startsWith(`${victim.pid} `)), 'the condition', 10_000, 5);
      victim.kill('SIGKILL');
      const killedAt = Date.now();
      const out = await waitFor(
        () => {
          const lines = readLines(env.OUT_FILE).map((l) => JSON.parse(l) as { text: string; pid: number });
          return lines.length >= ids.length ? lines : null;
        },
        'the condition',
        20_000,
        50,
      );
      // the victim's jobs stay active until the survivor's stalled check takes them over and
      // finishes them: once both queues are empty, no duplicate can still come
      await queuesDrained(scheduler.reminders, outbox.queue);
      const final = readLines(env.OUT_FILE).map((l) => JSON.parse(l) as { text: string; pid: number });
      const texts = final.map((l) => l.text.split('\n')[0]);
      expect(new Set(texts).size).toBe(ids.length);
      expect(final).toHaveLength(ids.length);
      expect(out.length).toBe(ids.length);
      // the survivor picked up what the victim held
      expect(final.some((l) => l.pid === survivor.pid && Date.now() > killedAt)).toBe(true);
      expect(await db.reminderDelivery.count({ where: { taskId: { in: ids } } })).toBe(ids.length);
    } finally {
      victim.kill('SIGKILL');
      survivor.kill('SIGKILL');
      await scheduler.close();
      await outbox.close();
    }
  }, 90_000);

  it('Redis FLUSHALL, then a restart reconciles: nothing lost, nothing repeated', async () => {
    const prefix = `flush-${randomUUID().slice(0, 8)}`;
    const settings = queueSettings(redis.url, prefix);
    const sender = new RecordingSender();
    const ctx = dbContext(db);
    // a workspace of its own: reconciliation counts every open task of the workspace
    const made = await pushWorkspace(db, [{ name: 'Gleb' }]);
    member = made.members[0]!;
    workspaceId = made.workspace.id;
    const reconcileWorkspaceIds = [workspaceId];
    let running = await startWorkers({ ctx, settings, senders: { console: sender }, reconcileWorkspaceIds });

    const now = Date.now();
    const delivered = await tasksDue(4, () => new Date(now + 300), 'Already sent');
    for (const id of delivered) await running.scheduler.scheduleReminder(id, (await db.task.findUniqueOrThrow({ where: { id } })).dueAt);
    await waitFor(() => sender.sent.filter((m) => m.text.includes('Already sent')).length === 4, 'the condition', 5000);

    const upcoming = await tasksDue(4, (i) => new Date(now + 6000 + i * 100), 'Upcoming');
    for (const id of upcoming) await running.scheduler.scheduleReminder(id, (await db.task.findUniqueOrThrow({ where: { id } })).dueAt);
    // claimed but the process died before the message was sent
    const claimedOnly = await tasksDue(3, () => new Date(now - 60_000), 'Claimed only');
    for (const id of claimedOnly) await db.reminderDelivery.create({ data: { taskId: id, dueAt: new Date(now - 60_000) } });
    // became due while Redis had nothing
    await tasksDue(2, () => new Date(now - 5_000), 'Missed');

    const flusher = new Redis(redis.url);
    await flusher.flushall();
    flusher.disconnect();
    await running.close();

    running = await startWorkers({ ctx, settings, senders: { console: sender }, reconcileWorkspaceIds });
    try {
      const report = running.startup.reminders!;
      // on a slow machine an "upcoming" one may already be due by now: then it counts as overdue
      expect(report.upcoming + report.overdue).toBe(9);
      expect(report.overdue).toBeGreaterThanOrEqual(5);
      expect(report).toMatchObject({ settled: 4, tooOld: 0 });
      const count = (title: string) => sender.sent.filter((m) => m.text.includes(title)).length;
      await waitFor(() => count('Claimed only') === 3 && count('Missed') === 2, 'the condition', 5000);
      await waitFor(() => count('Upcoming') === 4, 'the condition', 12_000);
      const upcomingSent = sender.sent.filter((m) => m.text.includes('Upcoming'));
      // fired at their time, not early
      expect(Math.min(...upcomingSent.map((m) => m.at))).toBeGreaterThanOrEqual(now + 6000);
      await queuesDrained(running.scheduler.reminders, running.outbox.queue);
      expect(count('Already sent')).toBe(4);
      expect(count('Claimed only')).toBe(3);
      expect(count('Missed')).toBe(2);
    } finally {
      await running.close();
    }
  }, 60_000);
  it('Redis FLUSHALL while two workers run: one of them notices within the check interval and reconciles, nothing lost or repeated', async () => {
    const prefix = `loss-${randomUUID().slice(0, 8)}`;
    const settings = queueSettings(redis.url, prefix);
    const sender = new RecordingSender();
    const ctx = dbContext(db);
    const made = await pushWorkspace(db, [{ name: 'Lida' }]);
    member = made.members[0]!;
    workspaceId = made.workspace.id;
    const reconciled: number[] = [];
    const start = () =>
      startWorkers({
        ctx,
        settings,
        senders: { console: sender },
        reconcileWorkspaceIds: [workspaceId],
        redisLossCheckMs: 200,
        onReconciled: (r) => reconciled.push(r.reminders.upcoming + r.reminders.overdue),
      });
    const [a, b] = [await start(), await start()];
    try {
      const now = Date.now();
      const upcoming = await tasksDue(3, (i) => new Date(now + 2500 + i * 100), 'Survives the flush');
      for (const id of upcoming) await a.scheduler.scheduleReminder(id, (await db.task.findUniqueOrThrow({ where: { id } })).dueAt);
      // their jobs went with the flush (written to Postgres only, as if Redis lost them)
      await tasksDue(2, () => new Date(now - 1000), 'Due during the gap');
      await sleep(300);
      const flusher = new Redis(redis.url);
      await flusher.flushall();
      flusher.disconnect();

      const count = (title: string) => sender.sent.filter((m) => m.text.includes(title)).length;
      await waitFor(() => reconciled.length >= 1, 'the condition', 5000);
      await waitFor(() => count('Due during the gap') === 2 && count('Survives the flush') === 3, 'the condition', 10_000);
      await sleep(700);
      expect(reconciled).toEqual([5]); // one process reconciled, once
      expect(count('Survives the flush')).toBe(3);
      expect(count('Due during the gap')).toBe(2);
      expect(Math.min(...sender.sent.filter((m) => m.text.includes('Survives the flush')).map((m) => m.at))).toBeGreaterThanOrEqual(now + 2500);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
