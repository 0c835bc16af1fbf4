// npm run bench:inbound — 20,000 customer messages through the full inbound path:
// Telegram transport handler (update -> InboundMessage) -> BullMQ inbound queue -> chat
// engine worker (dedupe, contact, conversation, message, lead capture with round robin and
// SLA due time, activity/audit) -> notification queued on the outbound queue (sending is
// excluded). Prints messages/s and p50/p99 latency (handler call -> notification queued),
// beside a baseline in the same run: the same rows written with plain SQL (pg, one
// transaction per message, same concurrency).
// Data lives in its own database (BENCH_DATABASE, default leadline_bench_inbound; created and
// migrated here with migrate(); other benches drop and recreate theirs, so it is not shared).
// BENCH_MESSAGES, BENCH_CUSTOMERS, BENCH_CONCURRENCY, BENCH_POOL tune it.
import 'dotenv/config';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import { withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { InboundQueue } from '../connectors/queue/inbound-queue.js';
import { BullMQOutbox } from '../connectors/queue/outbound-queue.js';
import { createLogger } from '../connectors/logger.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { startChatWorker } from '../bots/chat-runtime.js';
import { TelegramIntake } from '../bots/telegram/telegram-intake.js';
import type { Outbox, OutboxItem } from '../core/ports.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 24);
const POOL = Number(process.env.BENCH_POOL ?? 24);
const MANAGERS = 20;
const BOT = String(100_000 + Math.floor(Math.random() * 899_999)); // dedupe keys are global: a fresh bot id per run

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function update(i: number, customer: number): Update {
  return {
    update_id: i,
    message: {
      message_id: i,
      date: Math.floor(Date.now() / 1000),
      chat: { id: 1_000_000 + customer, type: 'private', first_name: `Customer ${customer}` },
      from: { id: 1_000_000 + customer, is_bot: false, first_name: 'Customer', last_name: String(customer), language_code: customer % 2 ? 'ru' : 'en' },
      text: `Hello, I would like to order item ${i % 97}. Message ${i}.`,
    },
  } as unknown as Update;
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(config.REDIS_URL);
  const url = withDatabase(config.DATABASE_URL, process.env.BENCH_DATABASE ?? 'leadline_bench_inbound');
  await migrate(url);
  const db = createPrisma(url, POOL);
  const slug = `bench-inbound-${randomUUID().slice(0, 6)}`;
  const ws = await ensureWorkspace(db, slug, { timezone: 'Europe/Moscow', locale: 'ru', name: 'Bench inbound' });
  for (let m = 0; m < MANAGERS; m++) {
    const user = await db.user.create({ data: { workspaceId: ws.id, name: `Manager ${m}`, role: 'manager' } });
    await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: String(500 + m), chatId: String(500 + m), userId: user.id } });
  }
  console.log(`bench:inbound — ${MESSAGES} messages from ${CUSTOMERS} customers, worker concurrency ${CONCURRENCY}, pool ${POOL}, workspace ${slug}`);

  // ---- Leadline: transport handler -> queue -> engine -> notification queued ----
  const settings = queueSettings(config.REDIS_URL, `bench-${randomUUID().slice(0, 8)}`);
  const inbound = new InboundQueue(settings);
  const bullOutbox = new BullMQOutbox(settings);
  const queued = new Map<string, number>();
  let notifications = 0;
  const outbox: Outbox = {
    async enqueue(item: OutboxItem) {
      await bullOutbox.enqueue(item);
      if (item.ref) notifications++;
    },
    async enqueueMany(items: OutboxItem[]) {
      await bullOutbox.enqueueMany(items);
      for (const item of items) if (item.ref) notifications++;
    },
  };
  const started = new Map<string, number>();
  const latencies: number[] = [];
  let done = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((r) => (finish = r));
  const chat = startChatWorker({
    db,
    settings,
    workspaceId: ws.id,
    outbox,
    logger: createLogger('warn'),
    concurrency: CONCURRENCY,
    onHandled: (m) => {
      const t0 = started.get(m.dedupeKey);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      queued.set(m.dedupeKey, 1);
      if (++done === MESSAGES) finish();
    },
  });
  let failed = 0;
  chat.worker.on('failed', (job, err) => {
    // a job out of attempts will never be handled: count it so the run ends and says so
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      failed++;
      console.error(`message ${job.id} failed for good: ${err.message}`);
      if (++done === MESSAGES) finish();
    }
  });
  const intake = new TelegramIntake(new Api(`${BOT}:BENCH`, { apiRoot: 'http://127.0.0.1:9' }), inbound, { workspaceId: ws.id });

  const t0 = performance.now();
  // the transport side feeds as fast as it can, keeping a bounded backlog like a webhook would
  const MAX_BACKLOG = CONCURRENCY * 8;
  for (let i = 1; i <= MESSAGES; i++) {
    while (i - done > MAX_BACKLOG) await new Promise((r) => setTimeout(r, 2));
    const u = update(i, i % CUSTOMERS);
    started.set(`tg:${BOT}:${i}`, performance.now());
    await intake.handleUpdate(u);
  }
  await allDone;
  const elapsed = (performance.now() - t0) / 1000;
  await chat.close();
  latencies.sort((a, b) => a - b);
  const leads = await db.lead.count({ where: { workspaceId: ws.id } });
  const msgs = await db.message.count({ where: { workspaceId: ws.id } });
  const rate = MESSAGES / elapsed;

  // ---- Baseline: the same rows with plain SQL, one transaction per message ----
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const base = await ensureWorkspace(db, `${slug}-sql`, { timezone: 'Europe/Moscow', locale: 'ru' });
  const managerIds: number[] = [];
  for (let m = 0; m < MANAGERS; m++) managerIds.push((await db.user.create({ data: { workspaceId: base.id, name: `M${m}`, role: 'manager' } })).id);
  const contactOf = new Map<number, { contactId: number; conversationId: number }>();
  const baseLat: number[] = [];
  const b0 = performance.now();
  let next = 1;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next <= MESSAGES) {
        const i = next++;
        const customer = i % CUSTOMERS;
        const s = performance.now();
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query(`INSERT INTO "InboundEvent" ("dedupeKey", source, "processedAt") VALUES ($1, 'telegram', now())`, [`sql:${base.id}:${i}`]);
          let known = contactOf.get(customer);
          if (!known) {
            const contact = await c.query(
              `INSERT INTO "Contact" ("workspaceId", name, "nameKey", "updatedAt") VALUES ($1, $2, lower($2), now()) RETURNING id`,
              [base.id, `Customer ${customer}`],
            );
            const contactId = contact.rows[0].id as number;
            const identity = await c.query(
              `INSERT INTO "Identity" ("workspaceId", channel, "externalId", "chatId", "contactId", "updatedAt") VALUES ($1, 'telegram', $2, $2, $3, now()) RETURNING id`,
              [base.id, String(1_000_000 + customer), contactId],
            );
            const conv = await c.query(
              `INSERT INTO "Conversation" ("workspaceId", "contactId", channel, "identityId") VALUES ($1, $2, 'telegram', $3) RETURNING id`,
              [base.id, contactId, identity.rows[0].id],
            );
            known = { contactId, conversationId: conv.rows[0].id as number };
            contactOf.set(customer, known);
            const assignee = managerIds[customer % MANAGERS];
            const lead = await c.query(
              `INSERT INTO "Lead" ("workspaceId", "contactId", "conversationId", source, title, "firstMessage", "assigneeId", "firstResponseDueAt", "updatedAt")
               VALUES ($1, $2, $3, 'telegram', $4, $4, $5, now() + interval '15 minutes', now()) RETURNING id`,
              [base.id, contactId, known.conversationId, `Message ${i}`, assignee],
            );
            await c.query(`UPDATE "User" SET "lastAssignedAt" = now() WHERE id = $1`, [assignee]);
            await c.query(`INSERT INTO "Activity" ("workspaceId", type, "contactId", "leadId") VALUES ($1, 'lead.created', $2, $3)`, [
              base.id,
              contactId,
              lead.rows[0].id,
            ]);
          }
          await c.query(
            `INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, "externalId", text) VALUES ($1, $2, 'inbound', 'telegram', $3, $4)`,
            [base.id, known.conversationId, `${customer}:${i}`, `Hello ${i}`],
          );
          await c.query(`UPDATE "Conversation" SET "lastMessageAt" = now() WHERE id = $1`, [known.conversationId]);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK');
          throw e;
        } finally {
          c.release();
        }
        baseLat.push(performance.now() - s);
      }
    }),
  );
  const bElapsed = (performance.now() - b0) / 1000;
  baseLat.sort((a, b) => a - b);
  await pool.end();

  const fmt = (n: number) => n.toFixed(1);
  console.log('');
  console.log(`                              messages/s   p50 ms   p99 ms   total s`);
  console.log(
    `Leadline full path            ${fmt(rate).padStart(10)} ${fmt(percentile(latencies, 50)).padStart(8)} ${fmt(percentile(latencies, 99)).padStart(8)} ${fmt(elapsed).padStart(9)}`,
  );
  console.log(
    `baseline: plain SQL rows      ${fmt(MESSAGES / bElapsed).padStart(10)} ${fmt(percentile(baseLat, 50)).padStart(8)} ${fmt(percentile(baseLat, 99)).padStart(8)} ${fmt(bElapsed).padStart(9)}`,
  );
  console.log('');
  if (failed) console.log(`${failed} messages FAILED (see the errors above)`);
  console.log(
    `checked: ${msgs} messages and ${leads} leads stored (expected ${MESSAGES} and ${CUSTOMERS}); ${notifications} notifications queued; goal >= 500 messages/s: ${rate >= 500 ? 'met' : 'NOT met'}`,
  );
  if (failed || msgs !== MESSAGES || leads !== Math.min(CUSTOMERS, MESSAGES)) process.exitCode = 1;

  await bullOutbox.queue.obliterate({ force: true }).catch(() => {});
  await inbound.queue.obliterate({ force: true }).catch(() => {});
  await bullOutbox.close();
  await inbound.close();
  await db.$disconnect();
}

await main();
