// Composition of the push side for the `worker` role: the outbound queue, reminders and
// SLA checks. bots/main.ts calls
//   const scheduler = createScheduler(settings); const outbox = createOutbox(settings);
//   const workers = await startWorkers({ ctx: dbContext(db), settings, senders, logger });
//   ... await workers.close();
// startWorkers also reconciles reminders and SLA checks with Postgres and warns when Redis
// may evict keys. Any number of processes may run it on one Redis and one Postgres.
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import type { ChannelSenders } from '../../core/outbound/deliver.js';
import { reconcileReminders, type ReconcileReport } from '../../core/reminders/reconcile.js';
import { reconcileSlaChecks } from '../../core/sla/reconcile.js';
import type { ReminderJobData } from '../../core/reminders/fire-reminder.js';
import type { SlaOutcome } from '../../core/sla/check-sla.js';
import type { QueueSettings } from './connection.js';
import type { FileStore } from '../../core/files/file-store.js';
import { BullMQOutbox, startOutboundWorker, type OutboundJobOptions } from './outbound-queue.js';
import type { ChannelLimits } from './rate-limit.js';
import { checkEvictionPolicy } from './redis-policy.js';
import { BullMQScheduler } from './reminder-scheduler.js';
import { startReminderWorker, startSlaWorker, type ReminderOutcome } from './reminder-worker.js';
import { createSendRunner } from './send-runner.js';
import { startAiWorker } from './ai-queue.js';
import { startTeamWorker } from './team-queue.js';
import { reconcileVacations, type VacationEndOutcome } from '../../core/users/vacation.js';
import { startMailingWorker } from './mailing-queue.js';
import type { MailingRunOptions } from '../../core/mailings/run-mailing.js';
import { warmPool } from '../db/client.js';
import { watchRedisLoss, type RedisLossWatch } from './redis-loss-watch.js';

export function createScheduler(settings: QueueSettings): BullMQScheduler {
  return new BullMQScheduler(settings);
}

export function createOutbox(settings: QueueSettings, options?: OutboundJobOptions): BullMQOutbox {
  return new BullMQOutbox(settings, options);
}

export interface StartWorkersOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  senders: ChannelSenders;
  /** where outbox items' files are read (core/files); without it an item with files fails */
  files?: Pick<FileStore, 'get'>;
  logger?: Logger;
  /** defaults: outbound 50, reminders 50, SLA 5 (OUTBOUND_CONCURRENCY, REMINDER_CONCURRENCY) */
  concurrency?: { outbound?: number; reminders?: number; sla?: number };
  limits?: ChannelLimits;
  /** added to every outbound limit (OUTBOUND_LIMIT_MARGIN_MS; default 50 ms) */
  limitMarginMs?: number;
  /** the bulk lane's (mailings') share of the per-bot rate (OUTBOUND_BULK_SHARE; default 1) */
  bulkShare?: number;
  outboundJobs?: OutboundJobOptions;
  /** how long a crashed worker's job stays locked before another takes it (default 30 s) */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** see OutboundWorkerOptions.sendingStaleMs */
  sendingStaleMs?: number;
  /** overdue reminders older than this are not sent at start-up (default 7 days) */
  reminderCatchUpMs?: number;
  /** skip the start-up reconciliation (tests of a single piece) */
  reconcile?: boolean;
  /** reconcile only these workspaces (sharded deployments; tests on a shared database) */
  reconcileWorkspaceIds?: number[];
  onReminder?: (data: ReminderJobData, outcome: ReminderOutcome, firedAt: number) => void;
  /** called after each SLA check job */
  onSlaCheck?: (data: { leadId: number; dueAtMs: number }, outcome: SlaOutcome) => void;
  /** called after a reconciliation that followed a loss of Redis data (tests, metrics) */
  onReconciled?: (report: { reminders: ReconcileReport; slaChecks: number }) => void;
  /** Postgres connections to open before the workers start (normally the pool size) */
  warmConnections?: number;
  /**
   * How often to check whether Redis lost its data, and if so reconcile again (default 60 s;
   * 0 = only at start-up). Off when `reconcile` is false.
   */
  redisLossCheckMs?: number;
  /**
   * How often due vacations are ended besides their own delayed job (default 60 s, or never when
   * `reconcile` is false; 0 = never); within `reconcileWorkspaceIds` when set.
   */
  vacationSweepMs?: number;
  /** called after a vacation ended (tests, metrics) */
  onVacationEnded?: (userId: number, outcome: VacationEndOutcome) => void;
  /** also run after such a loss (e.g. re-creating the digest schedulers) */
  onRedisLoss?: () => Promise<void>;
  /** mailings: unsubscribe links (MAILING_LINK_*) and how often progress is looked at */
  mailing?: MailingRunOptions;
}

/** The platform limits the outbound queue keeps, from the environment. */
export function outboundLimits(config: {
  TELEGRAM_PER_SECOND: number;
  TELEGRAM_PER_CHAT_MS: number;
  TELEGRAM_PER_GROUP_CHAT_MS: number;
  SLACK_PER_CHANNEL_MS: number;
}): ChannelLimits {
  return {
    telegram: { perSecond: config.TELEGRAM_PER_SECOND, perChatMs: config.TELEGRAM_PER_CHAT_MS, perGroupChatMs: config.TELEGRAM_PER_GROUP_CHAT_MS },
    slack: { perChatMs: config.SLACK_PER_CHANNEL_MS },
  };
}

/** The StartWorkersOptions tuning taken from the environment (connectors/config.ts). */
export function workerTuning(config: {
  OUTBOUND_CONCURRENCY: number;
  REMINDER_CONCURRENCY: number;
  REMINDER_CATCHUP_HOURS: number;
  REDIS_LOSS_CHECK_SECONDS: number;
  TELEGRAM_PER_SECOND: number;
  TELEGRAM_PER_CHAT_MS: number;
  TELEGRAM_PER_GROUP_CHAT_MS: number;
  SLACK_PER_CHANNEL_MS: number;
  OUTBOUND_LIMIT_MARGIN_MS: number;
  OUTBOUND_BULK_SHARE: number;
}) {
  return {
    bulkShare: config.OUTBOUND_BULK_SHARE,
    concurrency: { outbound: config.OUTBOUND_CONCURRENCY, reminders: config.REMINDER_CONCURRENCY },
    limits: outboundLimits(config),
    limitMarginMs: config.OUTBOUND_LIMIT_MARGIN_MS,
    reminderCatchUpMs: config.REMINDER_CATCHUP_HOURS * 3600 * 1000,
    redisLossCheckMs: config.REDIS_LOSS_CHECK_SECONDS * 1000,
  } satisfies Partial<StartWorkersOptions>;
}

export interface RunningWorkers {
  scheduler: BullMQScheduler;
  outbox: BullMQOutbox;
  startup: { reminders?: ReconcileReport; slaChecks?: number; redisPolicy: string };
  close(): Promise<void>;
}

export async function startWorkers(options: StartWorkersOptions): Promise<RunningWorkers> {
  const { settings, logger } = options;
  const scheduler = createScheduler(settings);
  const outbox = createOutbox(settings, options.outboundJobs);
  const ctx: CoreContext = { ...options.ctx, scheduler };
  const timing = { lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs };

  if (options.warmConnections) await warmPool(options.ctx.db, options.warmConnections);
  const policy = await checkEvictionPolicy(settings.redis);
  let redisPolicy: string;
  if (policy.ok === true) redisPolicy = 'noeviction';
  else if (policy.ok === false) {
    redisPolicy = policy.policy;
    logger?.warn(
      { policy: policy.policy, node: policy.node },
      `Redis${policy.node ? ` (cluster master ${policy.node})` : ''} maxmemory-policy is "${policy.policy}", not "noeviction": under memory pressure Redis may drop queued reminders and messages. Set maxmemory-policy noeviction.`,
    );
  } else {
    redisPolicy = 'unknown';
    logger?.warn({ reason: policy.reason }, 'Could not check Redis maxmemory-policy (CONFIG GET not allowed?); make sure it is noeviction.');
  }

  // one send runner (one rate limiter) for the outbound queue's jobs and the due reminders' own
  const runner = createSendRunner({
    ctx,
    settings,
    senders: options.senders,
    files: options.files,
    outbox,
    logger,
    limits: options.limits,
    marginMs: options.limitMarginMs,
    bulkShare: options.bulkShare,
    sendingStaleMs: options.sendingStaleMs,
    lockDurationMs: options.lockDurationMs,
  });
  const outbound = startOutboundWorker({ settings, runner, logger, concurrency: options.concurrency?.outbound, ...timing });
  const reminders = startReminderWorker({
    ctx,
    settings,
    outbox,
    scheduler,
    runner,
    logger,
    concurrency: options.concurrency?.reminders,
    onReminder: options.onReminder,
    ...timing,
  });
  const sla = startSlaWorker({ ctx, settings, outbox, logger, concurrency: options.concurrency?.sla, onSlaCheck: options.onSlaCheck, ...timing });
  // AI assist (core/ai): model work off the hot path; with no ctx.llm its jobs take the deterministic path
  const ai = startAiWorker({ ctx, settings, outbox, logger });
  // vacations' ends (core/users/vacation.ts): delayed jobs plus a periodic sweep
  const team = startTeamWorker({
    ctx,
    settings,
    outbox,
    logger,
    workspaceIds: options.reconcileWorkspaceIds,
    onVacationEnded: options.onVacationEnded,
    ...timing,
  });
  const sweepEvery = options.vacationSweepMs ?? (options.reconcile === false ? 0 : 60_000);
  if (sweepEvery > 0) await scheduler.team.startSweep(sweepEvery);
  // mailings (core/mailings): a confirmed mailing's recipients onto the bulk lane, its progress and report
  const mailings = startMailingWorker({ ctx, settings, outbox, logger, run: options.mailing, ...timing });

  const startup: RunningWorkers['startup'] = { redisPolicy };
  const reconcile = async () => {
    const reminders = await reconcileReminders(ctx, scheduler, new Date(), {
      catchUpMs: options.reminderCatchUpMs,
      workspaceIds: options.reconcileWorkspaceIds,
    });
    const slaChecks = await reconcileSlaChecks(ctx, scheduler, { workspaceIds: options.reconcileWorkspaceIds });
    const vacations = await reconcileVacations(ctx, scheduler.team, { workspaceIds: options.reconcileWorkspaceIds });
    logger?.info({ reminders, slaChecks, vacations }, 'reminders, SLA checks and vacations reconciled with the database');
    return { reminders, slaChecks };
  };
  let lossWatch: RedisLossWatch | undefined;
  if (options.reconcile !== false) {
    Object.assign(startup, await reconcile());
    const every = options.redisLossCheckMs ?? 60_000;
    if (every > 0) {
      lossWatch = watchRedisLoss({
        redis: settings.redis,
        key: `${settings.prefix}:reconciled`,
        intervalMs: every,
        logger,
        onLoss: async () => {
          const report = await reconcile();
          await options.onRedisLoss?.();
          options.onReconciled?.(report);
        },
      });
      await lossWatch.mark();
    }
  }

  return {
    scheduler,
    outbox,
    startup,
    async close() {
      await lossWatch?.close();
      await Promise.all([reminders.close(), sla.close(), outbound.close(), ai.close(), team.close(), mailings.close()]);
      await Promise.all([scheduler.close(), outbox.close(), runner.close()]);
    },
  };
}
