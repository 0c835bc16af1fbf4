// A real worker process for the crash tests: runs startWorkers against the given database
// and Redis prefix with a sender that takes SEND_MS to "deliver" and appends every accepted
// message to OUT_FILE (and "begin" lines to BEGIN_FILE, so the test knows when to kill).
import { appendFileSync } from 'node:fs';
import { createPrisma } from '../../../connectors/db/client.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { OutboundMessage } from '../../../core/ports.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const sendMs = Number(process.env.SEND_MS ?? '0');
let seq = 0;
const sender = {
  async send(message: OutboundMessage) {
    appendFileSync(env('BEGIN_FILE'), `${process.pid} ${message.chatId}\n`);
    await new Promise((r) => setTimeout(r, sendMs));
    appendFileSync(env('OUT_FILE'), JSON.stringify({ pid: process.pid, text: message.text, at: Date.now() }) + '\n');
    return { externalMessageId: `p${process.pid}-${++seq}` };
  },
};

const db = createPrisma(env('DATABASE_URL'), 5);
const workers = await startWorkers({
  ctx: dbContext(db),
  settings: queueSettings(env('REDIS_URL'), env('PREFIX')),
  senders: { console: sender },
  reconcile: false,
  lockDurationMs: 1500,
  stalledIntervalMs: 500,
  sendingStaleMs: 3000,
  concurrency: { outbound: 5, reminders: 5 },
});
process.stdout.write('ready\n');
const stop = async () => {
  await workers.close();
  await db.$disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
