// A real worker process for the webhook tests: the relay and the `webhooks` queue worker with
// short backoff, against DATABASE_URL and a Redis prefix of the test's own.
import { createPrisma } from '../../../connectors/db/client.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWebhookWorkers } from '../../../connectors/queue/webhook-queue.js';
import { createOutbox } from '../../../connectors/queue/workers.js';
import { createLogger } from '../../../connectors/logger.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const settings = queueSettings(env('REDIS_URL'), env('PREFIX'));
const db = createPrisma(env('DATABASE_URL'), 4);
const outbox = createOutbox(settings);
const webhooks = startWebhookWorkers({
  db,
  settings,
  outbox,
  logger: createLogger(process.env.WEBHOOK_LOG ?? 'silent'),
  policy: { backoffBaseMs: 100, backoffMaxMs: 400, timeoutMs: 2000 },
  relayEveryMs: 100,
  lockDurationMs: 2000,
  stalledIntervalMs: 500,
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    await webhooks.close();
    await outbox.close();
    await db.$disconnect();
    process.exit(0);
  })();
});
