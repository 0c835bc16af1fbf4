// Outgoing webhooks on BullMQ: the relay moves events from the outbox table (WebhookEvent,
// written by triggers in the transaction of each change) to deliveries, and the `webhooks`
// queue posts each delivery, signed, with retries and exponential backoff for
// WEBHOOK_RETRY_HOURS (core/webhooks/deliveries.ts decides what an outcome means).
//
// Guarantees: every committed event gets one delivery per subscribed endpoint (its id is the
// job id and the Leadline-Delivery header). A delivery is posted until the receiver answers
// 2xx, at least once: a worker killed after the post and before recording it posts it again
// with the same delivery id, which the receiver dedupes on. Nothing is posted for an event
// whose change rolled back (the outbox row rolled back with it).
import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import type { Outbox } from '../../core/ports.js';
import { dbContext } from '../db/stores/index.js';
import {
  pendingWebhookDeliveries,
  prepareWebhookDelivery,
  recordWebhookFailure,
  recordWebhookSuccess,
  relayWebhookEvents,
} from '../../core/webhooks/deliveries.js';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue, payloadOf, startJobWorker } from './job-definition.js';
import { logger as defaultLogger, type Logger } from '../logger.js';

export const WEBHOOK_QUEUE = 'webhooks';

export const webhookDeliveryJob = defineJob({
  queue: WEBHOOK_QUEUE,
  name: 'deliver',
  schema: z.object({ deliveryId: z.string().min(1) }),
  options: {
    // the delivery's age decides when to stop (WEBHOOK_RETRY_HOURS), not a count
    attempts: 1_000_000,
    backoff: { type: 'webhook' },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

export interface WebhookPolicy {
  /** first retry wait; doubles each attempt (WEBHOOK_BACKOFF_BASE_MS) */
  backoffBaseMs: number;
  /** the longest wait between two attempts (WEBHOOK_BACKOFF_MAX_MS) */
  backoffMaxMs: number;
  /** how long a delivery is retried, and an endpoint may fail before it is turned off (WEBHOOK_RETRY_HOURS) */
  retryMs: number;
  /** a receiver must answer within this (WEBHOOK_TIMEOUT_MS) */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { backoffBaseMs: 30_000, backoffMaxMs: 3600_000, retryMs: 24 * 3600_000, timeoutMs: 10_000 };

export function webhookBackoffMs(attemptsMade: number, policy: Pick<WebhookPolicy, 'backoffBaseMs' | 'backoffMaxMs'>, random = Math.random): number {
  const base = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(30, Math.max(0, attemptsMade - 1)));
  return Math.round(base * (0.8 + random() * 0.4));
}

export interface WebhookWorkerOptions {
  db: Db;
  settings: QueueSettings;
  /** where "your webhook is off" notices go */
  outbox: Outbox;
  policy?: Partial<WebhookPolicy>;
  concurrency?: number;
  /** how often the relay looks at the outbox (default 500 ms) */
  relayEveryMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  logger?: Logger;
}

export interface WebhookWorkers {
  close(): Promise<void>;
}

export function startWebhookWorkers(options: WebhookWorkerOptions): WebhookWorkers {
  const log = options.logger ?? defaultLogger;
  const policy: WebhookPolicy = { ...DEFAULT_WEBHOOK_POLICY, ...options.policy };
  const ctx = dbContext(options.db);
  const queue = openQueue(options.settings, WEBHOOK_QUEUE);
  const enqueue = (ids: string[]) =>
    ids.length
      ? queue.addBulk(
          ids.map((deliveryId) => ({ name: webhookDeliveryJob.name, data: { deliveryId }, opts: { ...webhookDeliveryJob.options, jobId: deliveryId } })),
        )
      : Promise.resolve([]);

  let relaying = false;
  let lastSweep = 0;
  const relay = async () => {
    if (relaying) return;
    relaying = true;
    try {
      for (;;) {
        const ids = await relayWebhookEvents(ctx);
        await enqueue(ids);
        if (ids.length < 200) break;
      }
      // deliveries whose job was never queued (a worker died between commit and queue)
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await enqueue(await pendingWebhookDeliveries(ctx, 60_000));
      }
    } catch (err) {
      log.warn({ err }, 'webhook relay failed; will try again');
    } finally {
      relaying = false;
    }
  };
  void relay();
  const timer = setInterval(() => void relay(), options.relayEveryMs ?? 500);
  timer.unref();

  const worker = startJobWorker(
    options.settings,
    WEBHOOK_QUEUE,
    async (job: Job) => {
      const { deliveryId } = payloadOf(webhookDeliveryJob, job, log);
      const delivery = await prepareWebhookDelivery(ctx, deliveryId, new Date());
      if (!delivery) return;
      let status: number | null = null;
      let error: string;
      const startedAt = new Date();
      const t0 = performance.now();
      const timing = () => ({ startedAt, durationMs: performance.now() - t0 });
      try {
        const res = await fetch(delivery.url, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(policy.timeoutMs),
        });
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          await recordWebhookSuccess(ctx, delivery, res.status, new Date(), timing());
          log.debug({ deliveryId: delivery.id, endpointId: delivery.endpointId, status }, 'webhook delivered');
          return;
        }
        error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).name === 'TimeoutError' ? `no answer within ${policy.timeoutMs} ms` : String((e as Error).message ?? e);
      }
      const result = await recordWebhookFailure(ctx, delivery, { status, error }, new Date(), policy.retryMs, timing());
      for (const notice of result.notices) await options.outbox.enqueue(notice);
      if (result.outcome === 'retry') {
        // ids only: the endpoint's URL may carry credentials, and the secret is never logged
        log.debug({ deliveryId: delivery.id, endpointId: delivery.endpointId, status, error }, 'webhook attempt failed; will retry');
        throw new Error(`webhook delivery ${delivery.id} to endpoint ${delivery.endpointId}: ${error}`);
      }
      log.warn({ deliveryId: delivery.id, endpointId: delivery.endpointId, outcome: result.outcome, error }, 'webhook delivery given up');
    },
    {
      concurrency: options.concurrency ?? 16,
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
      maxStalledCount: 1000,
      backoffMs: (attemptsMade) => webhookBackoffMs(attemptsMade, policy),
    },
    log,
  );

  return {
    async close() {
      clearInterval(timer);
      await worker.close();
      await queue.close();
    },
  };
}
