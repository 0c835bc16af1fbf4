// The shared outbound clocks on real Redis: tickets keep a chat's order (a later message
// waits for its place, a 429 gives the refused one its place back), and the per-bot window
// counts a send as in flight until it is finished, and digests leave room for answers.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ChannelRateLimiter, newSendHandle } from '../../../connectors/queue/rate-limit.js';
import { testPrefix } from '../../support/redis-keys.js';

const limiters: ChannelRateLimiter[] = [];
/** a limiter on a prefix of its own: a fresh bot window per test */
function fresh() {
  const l = new ChannelRateLimiter(inject('redisUrl'), testPrefix('t-rl'), { telegram: { perChatMs: 1000, perSecond: 5 } }, { marginMs: 0 });
  limiters.push(l);
  return l;
}
afterAll(() => Promise.all(limiters.map((l) => l.close())));

describe('outbound rate limiter', () => {
  it('lets a chat’s messages go in ticket order, and a 429 keeps the refused one first', async () => {
    const limiter = fresh();
    const first = await limiter.reserveChat('telegram', '101');
    const second = await limiter.reserveChat('telegram', '101');
    expect(second.slot - first.slot).toBe(1000);
    // the later ticket must wait for the earlier one: negative = one message ahead
    expect(await limiter.acquireSend('telegram', '101', second.slot)).toBe(-1000);
    const send = newSendHandle();
    expect(await limiter.acquireSend('telegram', '101', first.slot, 'interactive', send)).toBe(0);
    await limiter.finishSend('telegram', '101', send);
    // the platform refused it after all: it takes its place back before the second one
    await limiter.penalize('telegram', '101', 1000, first.slot);
    expect(await limiter.acquireSend('telegram', '101', second.slot)).toBe(-1000);
    const retry = await limiter.acquireSend('telegram', '101', first.slot);
    expect(retry).toBeGreaterThan(900);
  });

  it('counts sends in flight in the bot window, and keeps a fifth of it for answers', async () => {
    const limiter = fresh();
    const sends = Array.from({ length: 4 }, () => newSendHandle());
    for (let i = 0; i < 4; i++) expect(await limiter.acquireSend('telegram', `20${i}`, -1, 'digest', sends[i])).toBe(0);
    // digests may use 4 of 5: the next digest waits, an answer still goes
    expect(await limiter.acquireSend('telegram', '210', -1, 'digest')).toBeGreaterThan(0);
    expect(await limiter.acquireSend('telegram', '211', -1, 'interactive')).toBe(0);
    // still in flight (not finished): the window is full for everyone, looked at again shortly
    expect(await limiter.acquireSend('telegram', '212', -1, 'interactive')).toBe(20);
    for (let i = 0; i < 4; i++) await limiter.finishSend('telegram', `20${i}`, sends[i]!);
    const wait = await limiter.acquireSend('telegram', '212', -1, 'interactive');
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1001);
  });
});
