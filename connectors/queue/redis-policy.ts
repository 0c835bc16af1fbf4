// BullMQ needs Redis to keep every key: with an evicting maxmemory-policy, delayed jobs
// (reminders, SLA checks) can silently disappear. Checked once at start-up.
import { Redis } from 'ioredis';

export type EvictionCheck = { ok: true } | { ok: false; policy: string } | { ok: 'unknown'; reason: string };

export async function checkEvictionPolicy(redisUrl: string): Promise<EvictionCheck> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply?.[1];
    if (!policy) return { ok: 'unknown', reason: 'CONFIG GET returned nothing' };
    return policy === 'noeviction' ? { ok: true } : { ok: false, policy };
  } catch (e) {
    // managed Redis often disables CONFIG
    return { ok: 'unknown', reason: (e as Error).message };
  } finally {
    redis.disconnect();
  }
}
