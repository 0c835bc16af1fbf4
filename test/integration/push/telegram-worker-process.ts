// A second outbound worker process for the coalescing test: the real outbound worker
// (startWorkers) with the real TelegramSender against the test's Bot API fake, on the test's
// database and queues (DATABASE_URL, REDIS_URL, PREFIX, TG_TOKEN, TG_ROOT). Prints "ready"
// once it takes jobs; stops on SIGTERM.
import { createPrisma } from '../../../connectors/db/client.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { createTelegramApi } from '../../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../../bots/telegram/telegram-sender.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const db = createPrisma(env('DATABASE_URL'), 5);
const workers = await startWorkers({
  ctx: dbContext(db),
  settings: queueSettings(env('REDIS_URL'), env('PREFIX')),
  senders: { telegram: new TelegramSender(createTelegramApi({ token: env('TG_TOKEN'), apiRoot: env('TG_ROOT') })) },
  reconcile: false,
  concurrency: { outbound: 20, reminders: 1, sla: 1 },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void workers
    .close()
    .then(() => db.$disconnect())
    .finally(() => process.exit(0));
});
