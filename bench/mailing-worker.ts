// One worker process of `npm run bench:mailing`: the real workers (startWorkers: outbound,
// reminders, mailings) with the real Telegram, Slack and SMTP senders against the bench's
// fakes. Prints "ready" once it takes jobs; stops on SIGTERM.
import { createPrisma } from '../connectors/db/client.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { startWorkers } from '../connectors/queue/workers.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { createTelegramApi } from '../bots/telegram/telegram-api.js';
import { TelegramSender } from '../bots/telegram/telegram-sender.js';
import { SlackSender, createSlackClient } from '../bots/slack/slack-sender.js';
import { SmtpEmailSender } from '../connectors/email/smtp-sender.js';
import { createLogger } from '../connectors/logger.js';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};

const db = createPrisma(env('BENCH_DB_URL'), 10);
const email = new SmtpEmailSender(db);
const senders = {
  telegram: new TelegramSender(createTelegramApi({ token: env('BENCH_TG_TOKEN'), apiRoot: env('BENCH_TG_ROOT') })),
  slack: new SlackSender(createSlackClient(env('BENCH_SLACK_TOKEN'), { apiUrl: env('BENCH_SLACK_URL') })),
  email,
};
const workers = await startWorkers({
  ctx: dbContext(db),
  settings: queueSettings(env('BENCH_REDIS_URL'), env('BENCH_PREFIX')),
  senders,
  logger: createLogger(process.env.BENCH_LOG ?? 'silent'),
  reconcile: false,
  warmConnections: 5,
  ...(process.env.BENCH_BULK_SHARE ? { bulkShare: Number(process.env.BENCH_BULK_SHARE) } : {}),
  mailing: { linkBaseUrl: 'https://crm.bench.test', linkSecret: 'bench-mailing-secret-0123456789', progressMs: 2000 },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void workers
    .close()
    .then(() => email.close())
    .then(() => db.$disconnect())
    .finally(() => process.exit(0));
});
