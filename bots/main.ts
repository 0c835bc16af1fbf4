// Composition root: config -> services -> migrations -> workspace -> whatever roles this
// process runs (LEADLINE_ROLES, empty = all): `web` (HTTP: /health, /ready, /metrics, the
// Telegram webhook, Slack events; METRICS_PORT serves /metrics, /health and /ready in any role),
// `worker` (inbound chat engine, outbound delivery, reminders, SLA checks), `telegram`
// (long polling in exactly one process, guarded by a Redis lease; webhook mode in any number).
import type { Config } from '../connectors/config.js';
import { runsRole } from '../connectors/config.js';
import { checkPortFree, checkPostgres, checkRedis } from '../connectors/services.js';
import { migrate } from '../connectors/db/migrate.js';
import { createPrisma } from '../connectors/db/client.js';
import { describeUrl } from '../connectors/db/database-url.js';
import { queueSettings, redisTargetOf } from '../connectors/queue/connection.js';
import { startWorkers, workerTuning, type RunningWorkers } from '../connectors/queue/workers.js';
import { InboundQueue } from '../connectors/queue/inbound-queue.js';
import { RedisLease } from '../connectors/queue/redis-lock.js';
import { checkPersistence, persistenceWarning } from '../connectors/queue/redis-policy.js';
import type { Logger } from '../connectors/logger.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { homeLoader } from '../core/chat/member-home.js';
import { createChatEngine, guardedEngine, startChatWorker, type ChatWorker } from './chat-runtime.js';
import { buildSenders } from './senders.js';
import { chatFilesFromConfig } from './chat-files.js';
import { unsubscribeRoute } from './http/routes/unsubscribe.js';
import { unsubscribeByToken } from '../core/mailings/opt-out.js';
import { fileLinkRoute } from './http/routes/files.js';
import { createFileStore } from '../connectors/files/create-file-store.js';
import { S3FileStore } from '../connectors/files/s3-file-store.js';
import { ConsoleSender } from './console/console-sender.js';
import { startHttpServer, type HttpRoute, type RunningHttpServer } from './http/server.js';
import { Readiness, postgresCheck, queueCheck, redisCheck, type ReadinessCheck } from '../connectors/health/readiness.js';
import { watchQueues } from '../connectors/metrics/queue-metrics.js';
import { createTelegramApi } from './telegram/telegram-api.js';
import { TelegramIntake } from './telegram/telegram-intake.js';
import { telegramWebhookRoute, TELEGRAM_WEBHOOK_PATH } from './telegram/telegram-webhook.js';
import { startPolling, type Poller } from './telegram/telegram-polling.js';
import { ALLOWED_UPDATES, botIdFromToken } from './telegram/telegram-update.js';
import { startDigests } from '../connectors/queue/digest-worker.js';
import { createDigestQueue, startDigestScheduling } from '../connectors/queue/digest-scheduler.js';
import { createLlm } from '../connectors/llm/create-llm.js';
import { BullMQAiJobs } from '../connectors/queue/ai-queue.js';
import { startSlackWeb, slackHomeRefresher } from './slack/slack-runtime.js';
import { startMailboxWatchers } from '../connectors/email/mailbox-watchers.js';
import { SmtpEmailSender } from '../connectors/email/smtp-sender.js';
import { RedisRequestLimiter } from '../connectors/queue/request-limiter.js';
import { findFormByKey } from '../core/forms/forms.js';
import { webFormRoute } from './http/web-form-route.js';
import { apiRoutes } from './http/api/api-routes.js';
import { miniAppRoutes } from './http/miniapp/miniapp-routes.js';
import { setMiniAppMenuButton } from './telegram/telegram-menu.js';
import { createOutbox, createScheduler } from '../connectors/queue/workers.js';
import { IDEMPOTENCY_KEEP_MS, sweepIdempotencyKeys } from '../core/api/idempotency.js';
import { startWebhookWorkers } from '../connectors/queue/webhook-queue.js';

export interface Running {
  roles: string[];
  http?: RunningHttpServer;
  /** the METRICS_PORT server, when set */
  metricsHttp?: RunningHttpServer;
  workspace: { id: number; slug: string };
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** where the human-readable start-up lines go */
  say?: (line: string) => void;
}

export async function startLeadline({ config, logger, say = (l) => process.stdout.write(l + '\n') }: StartOptions): Promise<Running> {
  await checkPostgres(config.DATABASE_URL);
  // REDIS_CLUSTER_NODES, when set, takes precedence over REDIS_URL
  const redis = redisTargetOf(config);
  await checkRedis(redis);
  // a busy port fails now, before migrating and reconciling, naming its setting
  if (runsRole(config, 'web')) await checkPortFree(config.HTTP_PORT, config.HTTP_HOST, 'HTTP_PORT');
  if (config.METRICS_PORT !== undefined) await checkPortFree(config.METRICS_PORT, config.HTTP_HOST, 'METRICS_PORT');
  // accepted messages wait in Redis until a worker stores them: without its append-only file
  // a Redis restart loses them (README: What is guaranteed)
  const persistence = persistenceWarning(await checkPersistence(redis));
  if (persistence) {
    logger.warn({}, persistence);
    say(persistence);
  }
  const migrated = await migrate(config.DATABASE_URL);
  if (migrated.created) say(`Created database ${describeUrl(config.DATABASE_URL)}.`);
  if (migrated.applied.length) say(`Applied ${migrated.applied.length} migration(s).`);

  const db = createPrisma(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { statementCache: config.DATABASE_STATEMENT_CACHE });
  const ws = await ensureWorkspace(db, config.DEFAULT_WORKSPACE, { timezone: config.DEFAULT_TIMEZONE, locale: config.DEFAULT_LOCALE });
  const settings = queueSettings(redis, config.QUEUE_PREFIX);
  // stopped in reverse: the shared cluster client (if any) closes after every queue
  const stops: Array<() => Promise<unknown>> = [async () => db.$disconnect(), () => settings.close()];
  // a rejection no one awaited (a library's background call) is logged, never a crash that
  // drops the jobs this process holds; each part handles its own expected failures
  const onUnhandled = (reason: unknown) => logger.error({ err: reason }, 'unhandled rejection');
  process.on('unhandledRejection', onUnhandled);
  stops.push(async () => void process.off('unhandledRejection', onUnhandled));
  const roles: string[] = [];
  const telegramToken = config.TELEGRAM_BOT_TOKEN;
  const webhookMode = Boolean(telegramToken && config.TELEGRAM_WEBHOOK_URL);
  const needsIntake = Boolean(telegramToken) && ((webhookMode && runsRole(config, 'web')) || (!webhookMode && runsRole(config, 'telegram')));
  const slackWeb = Boolean(config.SLACK_BOT_TOKEN) && runsRole(config, 'web');
  const watchesMail = runsRole(config, 'watcher');
  // the web role takes web forms onto it
  const inbound = needsIntake || slackWeb || watchesMail || runsRole(config, 'web') ? new InboundQueue(settings) : undefined;
  if (inbound) stops.push(() => inbound.close());
  const api = telegramToken ? createTelegramApi({ token: telegramToken, apiRoot: config.TELEGRAM_API_ROOT }) : undefined;
  const intake = api && inbound && needsIntake ? new TelegramIntake(api, inbound, { workspaceId: ws.id, logger }) : undefined;

  // files customers and managers send: a directory on disk unless FILE_STORAGE=s3
  const fileStore = createFileStore(config);
  if (fileStore instanceof S3FileStore) stops.push(async () => fileStore.close());

  let workers: RunningWorkers | undefined;
  let chat: ChatWorker | undefined;
  // AI assist for the chat engine: the worker's and the web role's (REST API leads) share the model and the ai queue
  const runsEngine = runsRole(config, 'worker') || runsRole(config, 'web');
  const llm = runsEngine ? createLlm(config, { db, logger }) : undefined;
  const aiJobs = runsEngine ? new BullMQAiJobs(settings) : undefined;
  if (aiJobs) stops.push(() => aiJobs.close());
  // signed links to the Mini App for members without Telegram (Slack's App Home button)
  const webView =
    config.MINIAPP_URL && config.MINIAPP_LINK_SECRET
      ? { url: config.MINIAPP_URL, secret: config.MINIAPP_LINK_SECRET, ttlMinutes: config.MINIAPP_LINK_TTL_MINUTES }
      : undefined;
  const attemptLimits = {
    perIdentity: config.INVITE_ATTEMPTS_PER_IDENTITY,
    identityWindowSeconds: config.INVITE_ATTEMPTS_IDENTITY_WINDOW_MINUTES * 60,
    perWorkspace: config.INVITE_ATTEMPTS_PER_WORKSPACE,
    workspaceWindowSeconds: config.INVITE_ATTEMPTS_WORKSPACE_WINDOW_MINUTES * 60,
  };
  try {
    // /ready and /metrics, wherever this process serves them (the web role, METRICS_PORT)
    let readiness: Readiness | undefined;
    if (runsRole(config, 'web') || config.METRICS_PORT !== undefined) {
      const redisProbe = redisCheck(redis);
      stops.push(() => redisProbe.close());
      const checks: ReadinessCheck[] = [postgresCheck(db), redisProbe];
      // the web role and the mail watcher answer for messages only once they are on this queue
      if (inbound) checks.push(queueCheck('inboundQueue', inbound.queue));
      readiness = new Readiness(checks, { timeoutMs: config.READINESS_TIMEOUT_MS, logger });
      const queueMetrics = watchQueues({ redis, prefix: settings.prefix, logger });
      stops.push(() => queueMetrics.close());
    }

    if (runsRole(config, 'worker')) {
      const consoleSender = new ConsoleSender(redis, settings.prefix);
      stops.push(() => consoleSender.close());
      const senders = { ...buildSenders(config), console: consoleSender, email: new SmtpEmailSender(db) };
      workers = await startWorkers({
        ctx: dbContext(db, { llm }),
        settings,
        senders,
        files: fileStore,
        logger,
        ...workerTuning(config),
        mailing: { linkBaseUrl: config.MAILING_LINK_BASE_URL, linkSecret: config.MAILING_LINK_SECRET },
        warmConnections: config.DATABASE_POOL_SIZE,
        // the digest schedulers live in Redis too: re-create them from Postgres
        onRedisLoss: async () => {
          const queue = createDigestQueue(settings);
          try {
            await startDigestScheduling(db, queue);
          } finally {
            await queue.close();
          }
        },
      });
      stops.push(() => workers!.close());
      const digests = await startDigests({
        db,
        settings,
        outbox: workers.outbox,
        scheduler: workers.scheduler,
        logger,
        miniAppUrl: config.MINIAPP_URL,
      });
      stops.push(() => digests.close());
      const webhooks = startWebhookWorkers({
        db,
        settings,
        outbox: workers.outbox,
        logger,
        policy: {
          backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
          backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
          retryMs: config.WEBHOOK_RETRY_HOURS * 3600_000,
          timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        },
      });
      stops.push(() => webhooks.close());
      const refreshSlackHome =
        slackHomeRefresher(config, { home: homeLoader(dbContext(db), ws.id, 'slack', { webLink: Boolean(webView) }), logger }) ?? undefined;
      chat = startChatWorker({
        db,
        settings,
        workspaceId: ws.id,
        outbox: workers.outbox,
        scheduler: workers.scheduler,
        llm,
        ai: aiJobs,
        logger,
        files: chatFilesFromConfig(config, fileStore),
        onHandled: refreshSlackHome,
        telegramBotUsername: config.TELEGRAM_BOT_USERNAME,
        webView,
        miniAppUrl: config.MINIAPP_URL,
        retry: { maxAttempts: config.INBOUND_MAX_ATTEMPTS, maxDelayMs: config.INBOUND_RETRY_MAX_SECONDS * 1000 },
        redriveMs: config.INBOUND_REDRIVE_MINUTES * 60_000,
        attemptLimits,
      });
      stops.push(() => chat!.close());
      roles.push('worker');
    }

    let http: RunningHttpServer | undefined;
    if (runsRole(config, 'web')) {
      const routes: HttpRoute[] = [];
      if (webhookMode && intake) {
        routes.push(telegramWebhookRoute(intake, config.TELEGRAM_WEBHOOK_SECRET!, { bodyLimit: config.TELEGRAM_WEBHOOK_BODY_LIMIT_BYTES }));
      }
      const slack =
        slackWeb && inbound
          ? await startSlackWeb(config, { home: homeLoader(dbContext(db), ws.id, 'slack', { webLink: Boolean(webView) }), workspaceId: ws.id, inbound, logger })
          : null;
      if (slack) {
        routes.push(...slack.routes);
        stops.push(() => slack.stop());
      }
      const limiter = new RedisRequestLimiter(config.REDIS_URL, settings.prefix, {
        form_ip: config.FORM_RATE_PER_IP_PER_MINUTE,
        form: config.FORM_RATE_PER_FORM_PER_MINUTE,
        api_key: config.API_RATE_PER_KEY_PER_MINUTE,
      });
      stops.push(() => limiter.close());
      const formCtx = dbContext(db);
      routes.push(
        webFormRoute({
          findForm: (key) => findFormByKey(formCtx, key),
          enqueue: (m, o) => inbound!.enqueue(m, o),
          limiter,
          bodyLimit: config.FORM_BODY_LIMIT_BYTES,
        }),
      );
      // the REST API runs the chat engine (the inbound worker's) for leads it creates: their
      // notifications and acknowledgements go to the outbound queue, AI extraction to the ai queue
      const apiOutbox = createOutbox(settings);
      const apiScheduler = createScheduler(settings);
      const engine = createChatEngine({
        db,
        settings,
        workspaceId: ws.id,
        outbox: apiOutbox,
        scheduler: apiScheduler,
        llm,
        ai: aiJobs,
        logger,
        attemptLimits,
        miniAppUrl: config.MINIAPP_URL,
      });
      stops.push(() => Promise.all([apiOutbox.close(), apiScheduler.close(), engine.close()]));
      // its turns run in this process, not in a queue job: each is guarded (its message kept in Redis while it runs)
      routes.push(apiRoutes({ engine: guardedEngine(engine, inbound!), limiter }));
      // the Mini App (board, mine, contact cards, team figures): front end and signed API
      routes.push(
        miniAppRoutes({
          ctx: dbContext(db, { llm }),
          workspaceId: ws.id,
          botToken: telegramToken,
          maxAgeSeconds: config.MINIAPP_AUTH_MAX_AGE_SECONDS,
          webTokenSecret: config.MINIAPP_LINK_SECRET,
        }),
      );
      // signed download links for files too large for a manager's channel
      if (config.FILE_LINK_SECRET) routes.push(fileLinkRoute({ store: fileStore, secret: config.FILE_LINK_SECRET }));
      // one-click unsubscribe of mailing emails (RFC 8058)
      if (config.MAILING_LINK_SECRET) {
        const secret = config.MAILING_LINK_SECRET;
        routes.push(unsubscribeRoute({ unsubscribe: (token) => unsubscribeByToken(db, secret, token, new Date()) }));
      }
      const sweep = setInterval(() => {
        sweepIdempotencyKeys(db, new Date(Date.now() - IDEMPOTENCY_KEEP_MS)).catch((err: unknown) => logger.warn({ err }, 'idempotency key sweep failed'));
      }, 3600_000);
      sweep.unref();
      stops.push(async () => clearInterval(sweep));
      http = await startHttpServer({
        port: config.HTTP_PORT,
        host: config.HTTP_HOST,
        routes,
        readiness,
        metrics: config.METRICS_PORT === undefined,
        bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
        requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
        trustProxy: config.HTTP_TRUST_PROXY,
        logger,
      });
      stops.push(() => http!.close());
      roles.push('web');
      say(`HTTP listening on ${http.url} (${http.describe.join(', ')}).`);
      if (slack) say(slack.describe);
    }

    let metricsHttp: RunningHttpServer | undefined;
    if (config.METRICS_PORT !== undefined) {
      metricsHttp = await startHttpServer({
        port: config.METRICS_PORT,
        host: config.HTTP_HOST,
        readiness,
        requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
        logger,
      });
      stops.push(() => metricsHttp!.close());
      say(`Metrics at ${metricsHttp.url}/metrics (also GET /health, GET /ready).`);
    }

    if (api && runsRole(config, 'telegram')) {
      if (webhookMode) {
        await api.setWebhook(config.TELEGRAM_WEBHOOK_URL!, { secret_token: config.TELEGRAM_WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] });
        say(`Telegram webhook set to ${config.TELEGRAM_WEBHOOK_URL} (updates arrive at ${TELEGRAM_WEBHOOK_PATH} of the web role).`);
      } else if (intake) {
        const lease = new RedisLease(redis, `${settings.prefix}:telegram:polling:${botIdFromToken(telegramToken!)}`, 30_000, () =>
          logger.warn({}, 'Telegram polling lease lost'),
        );
        const poller: Poller = startPolling({ api, intake, lease, logger });
        stops.push(() => poller.stop());
        say('Telegram long polling: this process polls when no other Leadline process does (Redis lease).');
      }
      // the chat's menu button opens the Mini App (Telegram wants an https URL)
      if (config.MINIAPP_URL?.startsWith('https:')) await setMiniAppMenuButton(api, config.MINIAPP_URL, config.DEFAULT_LOCALE, logger);
      roles.push('telegram');
    }

    if (watchesMail && inbound) {
      // one watcher per active mailbox, each owned by exactly one process (Redis lease)
      const watchers = await startMailboxWatchers({
        db,
        redis,
        prefix: settings.prefix,
        deliver: (m) => inbound.enqueue(m),
        limits: { maxBodyChars: config.EMAIL_MAX_BODY_CHARS, maxAttachmentBytes: config.EMAIL_MAX_ATTACHMENT_BYTES },
        files: fileStore,
        pollIntervalMs: config.IMAP_POLL_INTERVAL_MS,
        logger,
      });
      stops.push(() => watchers.stop());
      roles.push('watcher');
      const count = await db.mailbox.count({ where: { active: true } });
      say(
        count ? `Email: watching ${count} mailbox(es) (one owner per mailbox across processes).` : 'Email: no mailbox yet (npx leadline mailbox add --help).',
      );
    }

    printNextSteps(config, say, ws.slug);
    let stopped = false;
    return {
      roles,
      http,
      metricsHttp,
      workspace: { id: ws.id, slug: ws.slug },
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const stop of stops.reverse()) await stop().catch((e: Error) => logger.error({ err: e }, 'shutdown step failed'));
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw e;
  }
}

function printNextSteps(config: Config, say: (l: string) => void, slug: string) {
  say('');
  say(`Leadline is running (workspace "${slug}"). Next:`);
  say('  1. Add a team member:     npx leadline user add --name "Mary" --role manager');
  if (config.TELEGRAM_BOT_TOKEN) say('  2. Link Telegram:          send /start CODE to your bot (CODE is printed by step 1)');
  if (config.SLACK_BOT_TOKEN) say('  2. Link Slack:             send /crm link CODE in Slack (set up the app with slack-app-manifest.yml)');
  if (!config.TELEGRAM_BOT_TOKEN && !config.SLACK_BOT_TOKEN)
    say('  2. No messenger configured: set TELEGRAM_BOT_TOKEN (from @BotFather) or SLACK_BOT_TOKEN to chat there.');
  say('  3. Try the console chat:  npx leadline chat --as customer --name "Ivan"');
  say('                            npx leadline chat --as manager --user USER_ID');
  say(
    '  4. Read a sales mailbox:   npx leadline mailbox add --imap imap://USER:PASS@HOST:993 --tls --smtp smtp://USER:PASS@HOST:587 --from "Sales <sales@example.com>"',
  );
  say('Stop with Ctrl+C.');
}
