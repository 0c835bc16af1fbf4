// The shared outbound clocks on real Redis: tickets keep a chat's order (a later message
// waits for its place, a 429 gives the refused one its place back), and the per-bot window
// counts a send as in flight until it is finished, and digests leave room for answers.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testPrefix } from '../../support/redis-keys.js';
import { ChannelRateLimiter, newSendHandle, type FoldedEntry } from '../../../connectors/queue/rate-limit.js';

const limiters: ChannelRateLimiter[] = [];
/** a limiter on a prefix of its own: a fresh bot window per test */
function fresh(perSecond = 5, options: { waiterStaleMs?: number; botRecheckMs?: number } = {}) {
  const l = new ChannelRateLimiter(inject('redisUrl'), testPrefix('t-rl'), { telegram: { perChatMs: 1000, perSecond } }, { marginMs: 0, ...options });
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
    const limiter = fresh(5, { botRecheckMs: 60_000 });
    const sends = Array.from({ length: 4 }, () => newSendHandle());
    for (let i = 0; i < 4; i++) expect(await limiter.acquireSend('telegram', `20${i}`, -1, 'digest', sends[i])).toBe(0);
    // digests may use 4 of 5: the next digest waits, an answer still goes
    expect(await limiter.acquireSend('telegram', '210', -1, 'digest')).toBeGreaterThan(0);
    expect(await limiter.acquireSend('telegram', '211', -1, 'interactive')).toBe(0);
    // still in flight (not finished): the window is full for everyone, and the one ahead leaves
    // it no earlier than a window after it is finished
    expect(await limiter.acquireSend('telegram', '212', -1, 'interactive')).toBe(1001);
    for (let i = 0; i < 4; i++) await limiter.finishSend('telegram', `20${i}`, sends[i]!);
    const wait = await limiter.acquireSend('telegram', '212', -1, 'interactive');
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1001);
  });

  it('serves a full window in queue order: a send that waited goes before one that asks later', async () => {
    const limiter = fresh(2, { botRecheckMs: 60_000 });
    // two sends half a window apart: the window frees one place at a time
    for (const i of [0, 1]) {
      const s = newSendHandle();
      expect(await limiter.acquireSend('telegram', `30${i}`, -1, 'interactive', s)).toBe(0);
      await limiter.finishSend('telegram', `30${i}`, s);
      if (i === 0) await new Promise((r) => setTimeout(r, 500));
    }
    // the window is full: the older job queues for it
    const older = newSendHandle({ id: 'job-older', since: Date.now() - 5_000 });
    const wait = await limiter.acquireSend('telegram', '310', -1, 'interactive', older);
    expect(wait).toBeGreaterThan(100);
    expect(wait).toBeLessThanOrEqual(501);
    await new Promise((r) => setTimeout(r, wait));
    // one place is free again: a younger job asking first does not take it from the older one
    const younger = newSendHandle({ id: 'job-younger', since: Date.now() });
    expect(await limiter.acquireSend('telegram', '311', -1, 'interactive', younger)).toBeGreaterThan(0);
    expect(await limiter.acquireSend('telegram', '310', -1, 'interactive', older)).toBe(0);
    // the answer lane goes before a digest that has waited longer
    const digest = newSendHandle({ id: 'job-digest', since: Date.now() - 60_000 });
    expect(await limiter.acquireSend('telegram', '312', -1, 'digest', digest)).toBeGreaterThan(0);
  });

  it('serves the message due first: a chat slot earlier than another job’s goes first, whatever the jobs’ ages', async () => {
    const limiter = fresh(1, { botRecheckMs: 60_000 });
    const filler = newSendHandle();
    expect(await limiter.acquireSend('telegram', '320', -1, 'interactive', filler)).toBe(0);
    await limiter.finishSend('telegram', '320', filler);
    // chat 322 has a backlog: its second message's slot is an interval after chat 321's first
    const first322 = await limiter.reserveChat('telegram', '322');
    const second322 = await limiter.reserveChat('telegram', '322');
    const first321 = await limiter.reserveChat('telegram', '321');
    await limiter.releaseSlot('telegram', '322', first322.slot); // its first message went out elsewhere
    expect(second322.slot).toBeGreaterThan(first321.slot);
    const old = newSendHandle({ id: 'job-old', since: Date.now() - 60_000 });
    const young = newSendHandle({ id: 'job-young', since: Date.now() });
    const wait = await limiter.acquireSend('telegram', '322', second322.slot, 'interactive', old);
    expect(wait).toBeGreaterThan(0);
    expect(await limiter.acquireSend('telegram', '321', first321.slot, 'interactive', young)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, wait));
    expect(await limiter.acquireSend('telegram', '322', second322.slot, 'interactive', old)).toBeGreaterThan(0);
    expect(await limiter.acquireSend('telegram', '321', first321.slot, 'interactive', young)).toBe(0);
  });

  it('gives a job its own unspent ticket back when it asks again, and a new one once that was spent', async () => {
    const limiter = fresh();
    const mine = await limiter.reserveChat('telegram', '501', 'job-1');
    const theirs = await limiter.reserveChat('telegram', '501', 'job-2');
    // job-1 runs again (its worker died before the slot reached the job's data): the same ticket, still first
    const again = await limiter.reserveChat('telegram', '501', 'job-1');
    expect(again.slot).toBe(mine.slot);
    expect(await limiter.acquireSend('telegram', '501', theirs.slot, 'interactive', newSendHandle(), 'job-2')).toBe(-1000);
    const send = newSendHandle();
    expect(await limiter.acquireSend('telegram', '501', again.slot, 'interactive', send, 'job-1')).toBe(0);
    await limiter.finishSend('telegram', '501', send);
    // job-2 now waits for the chat's clock only (positive), not for an earlier ticket (negative)
    const wait = await limiter.acquireSend('telegram', '501', theirs.slot, 'interactive', newSendHandle(), 'job-2');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    // job-1's ticket was spent with its send: asking again takes a new place, after job-2's
    const later = await limiter.reserveChat('telegram', '501', 'job-1');
    expect(later.slot).toBeGreaterThan(theirs.slot);
  });

  it('holds a chat while a send to it is in flight (a message in parts), then spaces the next one from its end', async () => {
    const limiter = fresh();
    const long = newSendHandle();
    expect(await limiter.acquireSend('telegram', '601', -1, 'interactive', long)).toBe(0);
    // the chat interval has passed but the send (its second part) is still going on: nobody else may send
    await new Promise((r) => setTimeout(r, 1100));
    // refused, and asked to look again shortly (the send may end any moment), not to wait out the in-flight limit
    const meanwhile = await limiter.acquireSend('telegram', '601', -1, 'interactive');
    expect(meanwhile).toBeGreaterThan(0);
    expect(meanwhile).toBeLessThan(100);
    expect(await limiter.acquireSend('telegram', '601', -1, 'interactive')).toBeGreaterThan(0);
    await limiter.finishSend('telegram', '601', long);
    const after = await limiter.acquireSend('telegram', '601', -1, 'interactive');
    expect(after).toBeGreaterThan(900);
    expect(after).toBeLessThanOrEqual(1000);
  });

  it('drops the place of a waiter that stopped asking, and of one that left the queue', async () => {
    const limiter = fresh(1, { waiterStaleMs: 300 });
    const first = newSendHandle();
    expect(await limiter.acquireSend('telegram', '401', -1, 'interactive', first)).toBe(0);
    await limiter.finishSend('telegram', '401', first);
    const gone = newSendHandle({ id: 'job-gone', since: Date.now() - 10_000 });
    const left = newSendHandle({ id: 'job-left', since: Date.now() - 9_000 });
    expect(await limiter.acquireSend('telegram', '402', -1, 'interactive', gone)).toBeGreaterThan(0);
    expect(await limiter.acquireSend('telegram', '403', -1, 'interactive', left)).toBeGreaterThan(0);
    await limiter.leaveQueue('telegram', left);
    const next = newSendHandle({ id: 'job-next', since: Date.now() });
    // wait out the window and the stale time, asking on behalf of the newest job only
    let wait = await limiter.acquireSend('telegram', '404', -1, 'interactive', next);
    for (let i = 0; wait > 0 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, Math.max(wait, 20)));
      wait = await limiter.acquireSend('telegram', '404', -1, 'interactive', next);
    }
    expect(wait).toBe(0);
  });

  it('has a waiter behind others ask again within the recheck time, so the room one of them gives up is taken', async () => {
    const limiter = fresh(2); // the default recheck (200 ms)
    // two sends half a window apart: they leave the window at t+1000 and t+1500
    const early = newSendHandle();
    expect(await limiter.acquireSend('telegram', '340', -1, 'interactive', early)).toBe(0);
    await limiter.finishSend('telegram', '340', early);
    const firstLeaves = Date.now() + 1000;
    await new Promise((r) => setTimeout(r, 500));
    const late = newSendHandle();
    expect(await limiter.acquireSend('telegram', '341', -1, 'interactive', late)).toBe(0);
    await limiter.finishSend('telegram', '341', late);
    const secondLeaves = Date.now() + 1000;
    // two waiters: the older is next; the younger's turn, as computed, is when the second send leaves
    const older = newSendHandle({ id: 'job-older', since: Date.now() - 5_000 });
    const younger = newSendHandle({ id: 'job-younger', since: Date.now() });
    expect(await limiter.acquireSend('telegram', '342', -1, 'interactive', older)).toBeGreaterThan(0);
    let wait = await limiter.acquireSend('telegram', '343', -1, 'interactive', younger);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(200);
    // the older one drops out (its chat was taken, its job put back): the younger takes the
    // place the first send leaves, without sleeping until the second one leaves too
    await limiter.leaveQueue('telegram', older);
    while (wait > 0) {
      expect(wait).toBeLessThanOrEqual(200);
      await new Promise((r) => setTimeout(r, wait));
      wait = await limiter.acquireSend('telegram', '343', -1, 'interactive', younger);
    }
    const sentAt = Date.now();
    expect(sentAt).toBeGreaterThanOrEqual(firstLeaves - 20);
    expect(sentAt).toBeLessThan(secondLeaves);
  });

  it('folds the notices waiting for a chat into the send of the first, and hands them back when asked', async () => {
    const limiter = fresh(30);
    const entry = (k: string) => JSON.stringify({ key: k });
    // the first notice to a quiet chat goes at once
    const a = await limiter.reserveFold('telegram', '601', 'ws', 'a', entry('a'), -1);
    expect(a).toMatchObject({ status: 'registered', wait: 0 });
    const sendA = newSendHandle();
    const takenA = await limiter.acquireFold('telegram', '601', 'ws', 'a', (a as { slot: number }).slot, 40, 'interactive', sendA);
    expect(takenA).toEqual({ status: 'taken', folded: [] });
    // the next ones join one slot an interval later, whatever their number
    const b = await limiter.reserveFold('telegram', '601', 'ws', 'b', entry('b'), -1);
    const c = await limiter.reserveFold('telegram', '601', 'ws', 'c', entry('c'), -1);
    const d = await limiter.reserveFold('telegram', '601', 'ws', 'd', entry('d'), -1);
    expect(b.status === 'registered' && c.status === 'registered' && d.status === 'registered').toBe(true);
    const slot = (b as { slot: number }).slot;
    expect((c as { slot: number }).slot).toBe(slot);
    expect((d as { slot: number }).slot).toBe(slot);
    expect((b as { wait: number }).wait).toBeGreaterThan(900);
    // a notice of another workspace waits apart
    const other = await limiter.reserveFold('telegram', '601', 'ws2', 'x', entry('x'), -1);
    expect((other as { slot: number }).slot).toBeGreaterThan(slot);
    await limiter.finishSend('telegram', '601', sendA);
    let r = await limiter.acquireFold('telegram', '601', 'ws', 'c', slot, 40);
    for (let i = 0; r.status === 'wait' && i < 50; i++) {
      await new Promise((res) => setTimeout(res, Math.max(20, Math.abs((r as { wait: number }).wait))));
      r = await limiter.acquireFold('telegram', '601', 'ws', 'c', slot, 40);
    }
    expect(r.status).toBe('taken');
    const folded = (r as { folded: FoldedEntry[] }).folded;
    expect(folded.map((f) => f.key).sort()).toEqual(['b', 'd']);
    expect(folded.find((f) => f.key === 'b')?.entry).toBe(entry('b'));
    // b's job: its notice is carried; it neither sends nor registers again
    expect(await limiter.acquireFold('telegram', '601', 'ws', 'b', slot, 40)).toEqual({ status: 'folded' });
    expect(await limiter.reserveFold('telegram', '601', 'ws', 'b', entry('b'), slot)).toEqual({ status: 'folded' });
    // the carrying message was not sent: b and d are handed back, and b may register (it is there again)
    await limiter.unfold('telegram', '601', 'ws', folded);
    expect(await limiter.reserveFold('telegram', '601', 'ws', 'b', entry('b'), slot)).toMatchObject({ status: 'registered', slot });
  });
});
