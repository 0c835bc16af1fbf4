// One worker process of `npm run bench:digests`' end-to-end phase: the real outbound workers
// (startWorkers) and the real digest worker (startDigestWorker: the job a digest scheduler's
// tick runs: compose, chart, hand to the outbound queue), with a recording console sender.
// Records "chatId,ms" lines in sent-<pid>.csv when the sender accepts a message. Prints
// "ready" once it takes jobs; stops on SIGTERM.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createPrisma } from '../connectors/db/client.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { startWorkers, workerTuning } from '../connectors/queue/workers.js';
import { startDigestWorker } from '../connectors/queue/digest-worker.js';
import { loadConfig } from '../connectors/config.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { createLogger } from '../connectors/logger.js';
import type { OutboundMessage } from '../core/ports.js';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const [DATABASE_URL, REDIS_URL, PREFIX, OUT_DIR] = ['DATABASE_URL', 'REDIS_URL', 'PREFIX', 'OUT_DIR'].map(need) as [string, string, string, string];
const sentFile = path.join(OUT_DIR, `sent-${process.pid}.csv`);
let sent: string[] = [];
const flush = () => {
  if (sent.length) appendFileSync(sentFile, sent.join(''));
  sent = [];
};
setInterval(flush, 250).unref();

let seq = 0;
const sender = {
  async send(message: OutboundMessage) {
    sent.push(`${message.chatId},${Date.now()},${message.image ? 1 : 0}\n`);
    return { externalMessageId: `d${process.pid}-${++seq}` };
  },
};

const config = loadConfig({ ...process.env, DATABASE_URL, REDIS_URL });
const db = createPrisma(DATABASE_URL, config.DATABASE_POOL_SIZE, { statementCache: config.DATABASE_STATEMENT_CACHE });
const settings = queueSettings(REDIS_URL, PREFIX);
const logger = createLogger(process.env.BENCH_LOG ?? 'warn');
const tuning = workerTuning(config);
const workers = await startWorkers({
  ctx: dbContext(db),
  settings,
  senders: { console: sender },
  logger,
  reconcile: false,
  warmConnections: config.DATABASE_POOL_SIZE,
  concurrency: tuning.concurrency,
  limits: tuning.limits,
  limitMarginMs: tuning.limitMarginMs,
});
const digests = startDigestWorker(settings, { db, outbox: workers.outbox, scheduler: workers.scheduler, logger });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    flush();
    await Promise.race([Promise.all([digests.close(), workers.close()]), new Promise((r) => setTimeout(r, 5000))]);
    flush();
    await db.$disconnect();
    process.exit(0);
  })();
});
