// Notices, while the workers run, that Redis lost its data (FLUSHALL, a restart or failover
// without persistence, eviction) and runs the start-up reconciliation again, so reminders and
// SLA checks come back from Postgres without waiting for a restart.
// A sentinel key is written after each reconciliation. Every interval each process tries to
// create it (SET NX): a process that succeeds found it missing, and is the one that
// reconciles; the others see it present. A failed reconciliation removes the sentinel again,
// so the next tick retries. On a cluster there is one sentinel per master.
import { once } from 'node:events';
import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { connectRedis, type RedisClient, type RedisLike } from './connection.js';

export interface RedisLossWatch {
  /** writes the sentinel (after the start-up reconciliation) */
  mark(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The sentinel keys: the key itself on one server; on a cluster one key per master, each
 * hash-tagged into a slot that master serves ("<key>:{m<n>}"), so a loss confined to one master
 * (restarted without its append-only file) is noticed as well.
 */
async function sentinelKeys(redis: RedisClient, key: string): Promise<string[]> {
  if (!(redis instanceof Cluster)) return [key];
  if (redis.status !== 'ready') await once(redis, 'ready');
  const masters = new Set(redis.nodes('master').map((n) => `${n.options.host}:${n.options.port}`));
  const keys: string[] = [];
  const covered = new Set<string>();
  for (let n = 0; n < 10_000 && covered.size < masters.size; n++) {
    const candidate = `${key}:{m${n}}`;
    const owner = redis.slots[Number(await redis.cluster('KEYSLOT', candidate))]?.[0];
    if (owner && masters.has(owner) && !covered.has(owner)) {
      covered.add(owner);
      keys.push(candidate);
    }
  }
  return keys;
}

export function watchRedisLoss(options: { redis: RedisLike; key: string; intervalMs: number; onLoss: () => Promise<void>; logger?: Logger }): RedisLossWatch {
  const { key, logger } = options;
  const redis = connectRedis(options.redis, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined); // ioredis reconnects; a failed tick is logged below
  let keys: Promise<string[]> | undefined;
  const sentinels = () => {
    keys ??= sentinelKeys(redis, key).catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return keys;
  };
  let busy = false;
  let stopped = false;

  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const now = new Date().toISOString();
      const all = await sentinels();
      const created = (await Promise.all(all.map(async (k) => ((await redis.set(k, now, 'NX')) === 'OK' ? k : null)))).filter((k) => k !== null);
      if (created.length === 0) return;
      logger?.warn({ keys: created }, 'Redis lost its data (the reconciliation sentinel is gone): reconciling reminders and SLA checks with the database');
      try {
        await options.onLoss();
      } catch (err) {
        await Promise.all(created.map((k) => redis.del(k))).catch(() => undefined);
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
      const now = new Date().toISOString();
      await Promise.all((await sentinels()).map((k) => redis.set(k, now)));
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
