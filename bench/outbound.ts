// npm run bench:outbound — the real outbound path at the platform limit: items on the BullMQ
// outbound queue -> outbound worker (ledger claim, shared per-chat and per-bot clocks in
// Redis) -> TelegramSender / SlackSender -> fakes that enforce the limits strictly
// (test/support/limited-bot-api.ts: 429 with retry_after on any send over 30/s per bot or
// 1/s per chat within a sliding 1,000 ms window; test/support/fake-slack.ts: chat.postMessage
// 1/s per channel, 429 with Retry-After). Runs with 1 and then 2 worker processes (real child
// processes, bench/outbound-worker.ts) and prints messages/s, 429s and order breaks per run
// beside the limit (the baseline: what the platform allows); the last line is the worse run:
//   outbound: <msg/s> msg/s, <n> x 429, limit <l>/s
// Data lives in its own database (BENCH_DATABASE, default leadline_bench_outbound).
// BENCH_MESSAGES (Telegram, default 600), BENCH_CHATS (100), BENCH_SLACK_MESSAGES (100),
// BENCH_SLACK_CHANNELS (10) tune it.
import 'dotenv/config';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import { withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { BullMQOutbox } from '../connectors/queue/outbound-queue.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import type { OutboxItem } from '../core/ports.js';
import { LimitedBotApi, TELEGRAM_STRICT_LIMITS } from '../test/support/limited-bot-api.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { startBenchWorker, stopBenchWorker } from './support/worker-process.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 600);
const CHATS = Number(process.env.BENCH_CHATS ?? 100);
const SLACK_MESSAGES = Number(process.env.BENCH_SLACK_MESSAGES ?? 100);
const SLACK_CHANNELS = Number(process.env.BENCH_SLACK_CHANNELS ?? 10);
const TOKEN = `${100_000 + Math.floor(Math.random() * 899_999)}:BENCH${randomUUID().replace(/-/g, '')}`;

interface RunResult {
  processes: number;
  tgRate: number;
  tg429: number;
  tgOutOfOrder: number;
  slackRate: number;
  slack429: number;
}

/** Messages that arrived at a chat before one enqueued earlier for the same chat. */
function orderBreaks(arrivals: Array<{ chat: string; seq: number }>): number {
  const last = new Map<string, number>();
  let breaks = 0;
  for (const a of arrivals) {
    if ((last.get(a.chat) ?? -1) > a.seq) breaks++;
    last.set(a.chat, Math.max(last.get(a.chat) ?? -1, a.seq));
  }
  return breaks;
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(config.REDIS_URL);
  const url = withDatabase(config.DATABASE_URL, process.env.BENCH_DATABASE ?? 'leadline_bench_outbound');
  await migrate(url);
  const db = createPrisma(url, 5);
  const slug = `bench-outbound-${randomUUID().slice(0, 6)}`;
  const ws = await ensureWorkspace(db, slug, { timezone: 'UTC', locale: 'en', name: 'Bench outbound' });
  const base = 7_000_000 + Math.floor(Math.random() * 1_000_000);
  const tgIdentities: Array<{ id: number; chatId: string }> = [];
  for (let c = 0; c < CHATS; c++) {
    const chatId = String(base + c);
    const i = await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: chatId, chatId } });
    tgIdentities.push({ id: i.id, chatId });
  }
  const slackIdentities: Array<{ id: number; chatId: string }> = [];
  for (let c = 0; c < SLACK_CHANNELS; c++) {
    const chatId = `CBENCH${base + c}`;
    const i = await db.identity.create({ data: { workspaceId: ws.id, channel: 'slack', externalId: chatId, chatId } });
    slackIdentities.push({ id: i.id, chatId });
  }

  const telegram = await new LimitedBotApi(TELEGRAM_STRICT_LIMITS).start();
  const slack = await new FakeSlack({ postMessagePerChannelMs: 1000 }).start();
  const tgLimit = Math.min(TELEGRAM_STRICT_LIMITS.perBotPerSecond, CHATS * TELEGRAM_STRICT_LIMITS.perChatPerSecond);
  const slackLimit = SLACK_CHANNELS;
  console.log(
    `bench:outbound — ${MESSAGES} Telegram messages to ${CHATS} chats (limit ${tgLimit}/s: 30/s per bot, 1/s per chat), ` +
      `${SLACK_MESSAGES} Slack messages to ${SLACK_CHANNELS} channels (limit ${slackLimit}/s: 1/s per channel)`,
  );

  const results: RunResult[] = [];
  for (const processes of [1, 2]) {
    const prefix = `bench-out-${randomUUID().slice(0, 8)}`;
    const env = {
      BENCH_DB_URL: url,
      BENCH_REDIS_URL: config.REDIS_URL,
      BENCH_PREFIX: prefix,
      BENCH_TG_TOKEN: TOKEN,
      BENCH_TG_ROOT: telegram.apiRoot,
      BENCH_SLACK_TOKEN: slack.token,
      BENCH_SLACK_URL: slack.apiUrl,
    };
    const children = await Promise.all(Array.from({ length: processes }, () => startBenchWorker('outbound-worker.ts', env)));
    // the fakes' windows keep their history: start after the previous run's last send left them
    await new Promise((r) => setTimeout(r, 1500));
    telegram.reset();
    const slackCallsBefore = slack.callsTo('chat.postMessage').length;
    const slack429Before = slack.rateLimited;
    const outbox = new BullMQOutbox(queueSettings(config.REDIS_URL, prefix));
    const items: OutboxItem[] = [];
    for (let m = 0; m < MESSAGES; m++) {
      const to = tgIdentities[m % CHATS]!;
      items.push({ workspaceId: ws.id, identityId: to.id, text: `tg ${Math.floor(m / CHATS)}`, dedupeKey: `${prefix}-tg-${m}` });
    }
    for (let m = 0; m < SLACK_MESSAGES; m++) {
      const to = slackIdentities[m % SLACK_CHANNELS]!;
      items.push({ workspaceId: ws.id, identityId: to.id, text: `slack ${Math.floor(m / SLACK_CHANNELS)}`, dedupeKey: `${prefix}-sl-${m}` });
    }
    const started = Date.now();
    await outbox.enqueueMany(items);
    const slackAccepted = () => slack.callsTo('chat.postMessage').length - slackCallsBefore - (slack.rateLimited - slack429Before);
    const deadline = Date.now() + 180_000;
    while ((telegram.accepted.length < MESSAGES || slackAccepted() < SLACK_MESSAGES) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const tgLast = telegram.accepted.at(-1)?.at ?? Date.now();
    const slackLast = slack.callsTo('chat.postMessage').at(-1)?.at ?? Date.now();
    const result: RunResult = {
      processes,
      tgRate: telegram.accepted.length / ((tgLast - started) / 1000),
      tg429: telegram.rejected,
      tgOutOfOrder: orderBreaks(telegram.accepted.map((a) => ({ chat: a.chatId, seq: Number(a.text.split(' ')[1]) }))),
      slackRate: slackAccepted() / ((slackLast - started) / 1000),
      slack429: slack.rateLimited - slack429Before,
    };
    results.push(result);
    if (telegram.accepted.length < MESSAGES || slackAccepted() < SLACK_MESSAGES) {
      console.log(
        `  (${processes} process(es): only ${telegram.accepted.length}/${MESSAGES} Telegram and ${slackAccepted()}/${SLACK_MESSAGES} Slack accepted in time)`,
      );
    }
    console.log(
      `  ${processes} worker process${processes > 1 ? 'es' : ''}: Telegram ${result.tgRate.toFixed(1)} msg/s (${(result.tgRate / tgLimit).toFixed(2)} x limit ${tgLimit}/s), ` +
        `${result.tg429} x 429, ${result.tgOutOfOrder} out of order; Slack ${result.slackRate.toFixed(1)} msg/s (limit ${slackLimit}/s), ${result.slack429} x 429`,
    );
    await outbox.close();
    await Promise.all(children.map((c) => stopBenchWorker(c)));
  }
  await telegram.close();
  await slack.close();
  await db.$disconnect();
  const worse = results.reduce((a, b) => (b.tgRate / tgLimit - b.tg429 < a.tgRate / tgLimit - a.tg429 ? b : a));
  console.log(`outbound: ${worse.tgRate.toFixed(1)} msg/s, ${worse.tg429} x 429, limit ${tgLimit}/s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
