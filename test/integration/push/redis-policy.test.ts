// The start-up check of Redis maxmemory-policy against private Redis servers.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { privateRedis } from '../../support/push.js';
import { checkEvictionPolicy } from '../../../connectors/queue/redis-policy.js';

const servers: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('Redis eviction policy check', () => {
  it('is fine with noeviction and names any other policy', async () => {
    const redis = await privateRedis();
    servers.push(redis);
    expect(await checkEvictionPolicy(redis.url)).toEqual({ ok: true });
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    admin.disconnect();
    expect(await checkEvictionPolicy(redis.url)).toEqual({ ok: false, policy: 'allkeys-lru' });
  });

  it('says it could not check when Redis is unreachable or CONFIG is refused', async () => {
    const result = await checkEvictionPolicy('redis://127.0.0.1:1');
    expect(result.ok).toBe('unknown');
  });
});
