// BullMQOutbox on real Redis: concurrent enqueues of a process share addBulk calls (group
// commit), every job still lands once, a duplicate dedupe key stays one job, and a bad item
// fails only its own caller.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { BullMQOutbox, outboundJobId } from '../../../connectors/queue/outbound-queue.js';

const outbox = new BullMQOutbox(queueSettings(inject('redisUrl'), `test-batch-${randomUUID().slice(0, 8)}`));
afterAll(async () => {
  await outbox.queue.obliterate({ force: true }).catch(() => {});
  await outbox.close();
});

describe('outbox enqueues', () => {
  it('of concurrent callers go to Redis together, each job once', async () => {
    // round trips to Redis: one per add or addBulk
    let calls = 0;
    const add = outbox.queue.add.bind(outbox.queue);
    const addBulk = outbox.queue.addBulk.bind(outbox.queue);
    outbox.queue.add = async (...args) => {
      calls++;
      return add(...args);
    };
    outbox.queue.addBulk = async (jobs) => {
      calls++;
      return addBulk(jobs);
    };
    const run = randomUUID().slice(0, 8);
    const items = Array.from({ length: 200 }, (_, i) => ({ workspaceId: 1, identityId: 1 + (i % 7), text: `m${i}`, dedupeKey: `${run}-${i}` }));
    await Promise.all([
      ...items.map((item) => outbox.enqueue(item)),
      // the same key again in the same burst: still one job
      outbox.enqueue({ ...items[0]!, text: 'again' }),
      outbox.enqueueMany([items[1]!, items[2]!]),
    ]);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(20);
    expect(await outbox.queue.count()).toBe(200);
    const first = await outbox.queue.getJob(outboundJobId(`${run}-0`));
    expect(first?.data.item.text).toBe('m0');
  });

  it('refuses a bad item to its caller only', async () => {
    const run = randomUUID().slice(0, 8);
    const before = await outbox.queue.count();
    const results = await Promise.allSettled([
      outbox.enqueue({ workspaceId: 1, identityId: 1, text: 'fine', dedupeKey: `${run}-ok` }),
      outbox.enqueue({ workspaceId: 1, text: 'nowhere to go', dedupeKey: `${run}-bad` }),
      outbox.enqueueMany([
        { workspaceId: 1, identityId: 2, text: 'fine too', dedupeKey: `${run}-ok2` },
        { workspaceId: -1, identityId: 2, text: 'bad workspace', dedupeKey: `${run}-bad2` },
      ]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    // a turn's items go together or not at all: the bad one stopped its good twin too
    expect(await outbox.queue.count()).toBe(before + 1);
    expect(await outbox.queue.getJob(outboundJobId(`${run}-ok`))).toBeDefined();
  });
});
