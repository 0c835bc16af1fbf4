// A real worker process for the intake fault tests: the chat engine on the inbound queue and
// the outbound worker, against DATABASE_URL (a TCP proxy in the outage test) and a Redis
// prefix of the test's own. Sends are recorded in OUT_FILE (one JSON line each).
import { appendFileSync } from 'node:fs';
import { createPrisma } from '../../../connectors/db/client.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { OutboundMessage } from '../../../core/ports.js';
import { startChatWorker } from '../../../bots/chat-runtime.js';
import { createLogger } from '../../../connectors/logger.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
let seq = 0;
const recorder = {
  async send(message: OutboundMessage) {
    appendFileSync(env('OUT_FILE'), JSON.stringify({ pid: process.pid, chatId: message.chatId, text: message.text, at: Date.now() }) + '\n');
    return { externalMessageId: `p${process.pid}-${++seq}` };
  },
};
const senders = { telegram: recorder, slack: recorder };
const logger = createLogger(process.env.INTAKE_LOG ?? 'silent');
const settings = queueSettings(env('REDIS_URL'), env('PREFIX'));
const db = createPrisma(env('DATABASE_URL'), 5);
const timing = { lockDurationMs: 3000, stalledIntervalMs: 1000 };
const workers = await startWorkers({ ctx: dbContext(db), settings, senders, logger, reconcile: false, ...timing, sendingStaleMs: 6000 });
const chat = startChatWorker({
  db,
  settings,
  workspaceId: Number(env('WORKSPACE_ID')),
  outbox: workers.outbox,
  scheduler: workers.scheduler,
  logger,
  concurrency: 8,
  retry: { maxDelayMs: 2000 },
  ...timing,
});
process.stdout.write('ready\n');
const stop = async () => {
  await chat.close();
  await workers.close();
  await db.$disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
