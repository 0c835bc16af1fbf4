// Slack's ~1 message/s limit is per channel: customers' threads in one shared channel
// ("<channel>:<thread ts>" chat ids) share that channel's clock in the outbound limiter.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ChannelRateLimiter } from '../../../connectors/queue/rate-limit.js';
import { testPrefix } from '../../support/redis-keys.js';

const limiter = new ChannelRateLimiter(inject('redisUrl'), testPrefix('t-slackrl'), { slack: { perChatMs: 1000 } }, { marginMs: 0 });
afterAll(() => limiter.close());

describe('Slack per-channel spacing', () => {
  it('spaces two threads of one channel, not two channels', async () => {
    expect((await limiter.reserveChat('slack', 'CSHARED:1800000001.000001')).wait).toBe(0);
    const second = (await limiter.reserveChat('slack', 'CSHARED:1800000002.000002')).wait;
    expect(second).toBeGreaterThan(800);
    expect(second).toBeLessThanOrEqual(1000);
    expect((await limiter.reserveChat('slack', 'COTHER')).wait).toBe(0);
  });
});
