// Notices, while the workers run, that Redis lost its data (FLUSHALL, a restart or failover
// without persistence, eviction) and runs the start-up reconciliation again, so reminders and
// SLA checks come back from Postgres without waiting for a restart.
// A sentinel key is written after each reconciliation. Every interval each process tries to
// create it (SET NX): a process that succeeds found it missing, and is the one that
// reconciles; the others see it present. A failed reconciliation removes the sentinel again,
// so the next tick retries.
import type { Logger } from 'pino';
import { connectRedis, type RedisLike } from './connection.js';

export interface RedisLossWatch {
  /** writes the sentinel (after the start-up reconciliation) */
  mark(): Promise<void>;
  close(): Promise<void>;
}

export function watchRedisLoss(options: { redis: RedisLike; key: string; intervalMs: number; onLoss: () => Promise<void>; logger?: Logger }): RedisLossWatch {
  const { key, logger } = options;
  const redis = connectRedis(options.redis, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined); // ioredis reconnects; a failed tick is logged below
  let busy = false;
  let stopped = false;

  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const created = await redis.set(key, new Date().toISOString(), 'NX');
      if (created !== 'OK') return;
      logger?.warn('Redis lost its data (the reconciliation sentinel is gone): reconciling reminders and SLA checks with the database');
      try {
        await options.onLoss();
      } catch (err) {
        await redis.del(key).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      logger?.error({ err }, 'could not check Redis for lost data, or reconcile after it; trying again at the next interval');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref?.();

  return {
    async mark() {
      await redis.set(key, new Date().toISOString());
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
