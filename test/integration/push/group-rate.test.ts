// Telegram's limit for a group (20 messages a minute) on the shared outbound clocks: with the
// default settings a client group's messages are reserved 3 s apart, a private chat's 1 s.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testPrefix } from '../../support/redis-keys.js';
import { ChannelRateLimiter } from '../../../connectors/queue/rate-limit.js';
import { outboundLimits } from '../../../connectors/queue/workers.js';
import { configSchema } from '../../../connectors/config.js';

const limiters: ChannelRateLimiter[] = [];
afterAll(() => Promise.all(limiters.map((l) => l.close())));

describe('client group send spacing', () => {
  it('keeps a group at 20 messages a minute and a private chat at one a second, with the default settings', async () => {
    const defaults = configSchema.parse({ DATABASE_URL: 'postgresql://x@127.0.0.1/x' });
    const limiter = new ChannelRateLimiter(inject('redisUrl'), testPrefix('t-group-rate'), outboundLimits(defaults), { marginMs: 0 });
    limiters.push(limiter);
    const group: number[] = [];
    for (let i = 0; i < 21; i++) group.push((await limiter.reserveChat('telegram', '-100777001')).slot);
    // 21 messages: the 21st is a full minute after the first
    expect(group[20]! - group[0]!).toBe(60_000);
    expect(new Set(group.slice(1).map((s, i) => s - group[i]!))).toEqual(new Set([3000]));
    const a = await limiter.reserveChat('telegram', '41001');
    const b = await limiter.reserveChat('telegram', '41001');
    expect(b.slot - a.slot).toBe(1000);
    expect(limiter.chatInterval('telegram', '-100777001')).toBe(3000);
  });
});
