// The start-up check of Redis maxmemory-policy against private Redis servers.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { privateRedis } from '../../support/push.js';
import { checkEvictionPolicy, checkPersistence, persistenceWarning } from '../../../connectors/queue/redis-policy.js';

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

  it('warns loudly without the append-only file and is quiet with it', async () => {
    const redis = await privateRedis();
    servers.push(redis);
    // privateRedis runs with --appendonly no --save ""
    const off = await checkPersistence(redis.url);
    expect(off).toEqual({ ok: false, snapshots: false });
    expect(persistenceWarning(off)).toMatch(/WARNING.*appendonly no.*LOST if Redis restarts/);
    const admin = new Redis(redis.url);
    await admin.config('SET', 'appendonly', 'yes');
    admin.disconnect();
    const on = await checkPersistence(redis.url);
    expect(on).toEqual({ ok: true, appendfsync: 'everysec' });
    expect(persistenceWarning(on)).toBeNull();
    expect((await checkPersistence('redis://127.0.0.1:1')).ok).toBe('unknown');
  });
});
