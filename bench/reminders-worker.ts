// One worker process of the reminders benchmarks: the real startWorkers with a recording
// console sender and, when BENCH_TG_TOKEN and BENCH_TG_ROOT are set, the real TelegramSender
// (bench:reminders points it at the limit-enforcing fake Bot API), tuned from the environment exactly as `leadline start` is (DATABASE_POOL_SIZE,
// DATABASE_STATEMENT_CACHE, OUTBOUND_CONCURRENCY, REMINDER_CONCURRENCY and their defaults).
// Records "taskId,ms" lines: fired-<pid>.csv when a reminder job runs, sent-<pid>.csv when
// the sender accepts the message (the task id comes from the Done button's data).
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createPrisma } from '../connectors/db/client.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { startWorkers, workerTuning } from '../connectors/queue/workers.js';
import { loadConfig } from '../connectors/config.js';
import { dbContext } from '../connectors/db/stores/index.js';
import type { OutboundMessage } from '../core/ports.js';
import { createTelegramApi } from '../bots/telegram/telegram-api.js';
import { TelegramSender } from '../bots/telegram/telegram-sender.js';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const [DATABASE_URL, REDIS_URL, PREFIX, OUT_DIR] = ['DATABASE_URL', 'REDIS_URL', 'PREFIX', 'OUT_DIR'].map(need) as [string, string, string, string];
const sentFile = path.join(OUT_DIR, `sent-${process.pid}.csv`);
const firedFile = path.join(OUT_DIR, `fired-${process.pid}.csv`);
let sent: string[] = [];
let fired: string[] = [];
const flush = () => {
  if (sent.length) {
    appendFileSync(sentFile, sent.join(''));
    sent = [];
  }
  if (fired.length) {
    appendFileSync(firedFile, fired.join(''));
    fired = [];
  }
};
setInterval(flush, 250).unref();

let seq = 0;
const sender = {
  async send(message: OutboundMessage) {
    const data = message.buttons?.[0]?.[0]?.data ?? '';
    sent.push(`${data.slice('task:done:'.length)},${Date.now()}\n`);
    return { externalMessageId: `b${process.pid}-${++seq}` };
  },
};

const config = loadConfig({ ...process.env, DATABASE_URL, REDIS_URL });
const db = createPrisma(DATABASE_URL, config.DATABASE_POOL_SIZE, { statementCache: config.DATABASE_STATEMENT_CACHE });
const tuning = workerTuning(config);
const tgToken = process.env.BENCH_TG_TOKEN;
const tgRoot = process.env.BENCH_TG_ROOT;
const workers = await startWorkers({
  ctx: dbContext(db),
  settings: queueSettings(REDIS_URL, PREFIX),
  senders: tgToken && tgRoot ? { console: sender, telegram: new TelegramSender(createTelegramApi({ token: tgToken, apiRoot: tgRoot })) } : { console: sender },
  reconcile: false,
  warmConnections: config.DATABASE_POOL_SIZE,
  concurrency: tuning.concurrency,
  limits: tuning.limits,
  limitMarginMs: tuning.limitMarginMs,
  onReminder: (data, outcome, firedAt) => {
    if (outcome.status !== 'stale') fired.push(`${data.taskId},${firedAt}\n`);
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    flush();
    await Promise.race([workers.close(), new Promise((r) => setTimeout(r, 3000))]);
    flush();
    await db.$disconnect();
    process.exit(0);
  })();
});
