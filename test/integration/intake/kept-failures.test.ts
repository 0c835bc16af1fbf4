// What the inbound worker does with failures: an outage is retried until it ends (no give-up
// horizon), anything else is tried INBOUND_MAX_ATTEMPTS times and then kept with its reason,
// re-driven at start-up and by `leadline inbound failed|retry`.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue, keptFailures, startInboundWorker, type InboundWorker } from '../../../connectors/queue/inbound-queue.js';
import type { InboundMessage, InboundMessageInput } from '../../../core/chat/inbound.js';
import { testPrefix } from '../../support/redis-keys.js';

const run = promisify(execFile);
const log = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function message(key: string, text: string): InboundMessageInput {
  return { channel: 'telegram', externalUserId: '1', externalChatId: '1', text, dedupeKey: key, receivedAt: new Date().toISOString(), messageExternalId: key };
}

/** An error as Prisma raises it when Postgres is unreachable. */
function unreachable(): Error {
  return Object.assign(new Error("Can't reach database server at 127.0.0.1:5999"), {
    name: 'PrismaClientKnownRequestError',
    code: 'P1001',
    meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
  });
}

function setup(prefix = testPrefix('t-kept')) {
  const settings = queueSettings(inject('redisUrl'), prefix);
  const queue = new InboundQueue(settings);
  cleanups.push(() => queue.close());
  const start = (handle: (m: InboundMessage) => Promise<void>, maxAttempts = 3): InboundWorker => {
    const worker = startInboundWorker(settings, handle, { logger: log, retry: { maxAttempts, maxDelayMs: 50 }, redriveMs: 0 });
    cleanups.push(() => worker.close());
    return worker;
  };
  return { prefix, queue, start };
}

describe('kept failures', () => {
  it('an outage is retried past any attempt count until it ends', async () => {
    const { queue, start } = setup();
    let calls = 0;
    const handled: string[] = [];
    start(async (m) => {
      calls++;
      if (calls <= 12) throw unreachable();
      handled.push(m.dedupeKey);
    }, 3);
    await queue.enqueue(message('outage-1', 'hello'));
    await waitFor(() => handled.includes('outage-1'), 'the message to be handled after the outage', 20_000, 20);
    expect(calls).toBe(13);
    expect(await queue.queue.getJobCounts('failed')).toEqual({ failed: 0 });
  });

  it('a bug is tried INBOUND_MAX_ATTEMPTS times, kept with its reason, and re-driven once fixed', async () => {
    const { queue, start, prefix } = setup();
    let fixed = false;
    let attempts = 0;
    const handled: string[] = [];
    const first = start(async (m) => {
      if (m.text === 'poison' && !fixed) {
        attempts++;
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      }
      handled.push(m.dedupeKey);
    }, 3);
    await queue.enqueue(message('poison-1', 'poison'));
    await queue.enqueue(message('fine-1', 'fine'));
    await waitFor(async () => (await queue.queue.getJobCounts('failed')).failed === 1, 'the poison message to be kept', 10_000, 20);
    expect(attempts).toBe(3);
    expect(handled).toEqual(['fine-1']);
    const [kept] = await keptFailures(queue.queue);
    expect(kept).toMatchObject({ dedupeKey: 'poison-1', channel: 'telegram', attempts: 3 });
    expect(kept!.reason).toMatch(/TypeError: Cannot read properties of undefined/);

    // the CLI lists it (same Redis, same prefix) ...
    const env = { ...process.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, DATABASE_URL: inject('databaseUrl') };
    const listed = await run(process.execPath, ['bin/leadline.js', 'inbound', 'failed', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ dedupeKey: 'poison-1', reason: expect.stringMatching(/TypeError/) })]);
    // ... and a fixed build re-drives it at start-up
    fixed = true;
    await first.close();
    start(async (m) => void handled.push(m.dedupeKey));
    await waitFor(() => handled.includes('poison-1'), 'the kept message to be re-driven and handled', 10_000, 20);
    expect(await queue.queue.getJobCounts('failed')).toEqual({ failed: 0 });
  }, 60_000);

  it('leadline inbound retry re-runs kept failures by hand', async () => {
    const { queue, start, prefix } = setup();
    const worker = start(async () => {
      throw new RangeError('bad data');
    }, 1);
    await queue.enqueue(message('by-hand-1', 'x'));
    await waitFor(async () => (await queue.queue.getJobCounts('failed')).failed === 1, 'the message to be kept', 10_000, 20);
    await worker.close();
    const env = { ...process.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, DATABASE_URL: inject('databaseUrl') };
    await expect(run(process.execPath, ['bin/leadline.js', 'inbound', 'retry'], { env })).rejects.toMatchObject({ code: 2 });
    const retried = await run(process.execPath, ['bin/leadline.js', 'inbound', 'retry', '--all', '--json'], { env });
    expect(JSON.parse(retried.stdout)).toEqual({ redriven: 1 });
    // back in the fair order: its chat had nothing else pending, so it is the chat's first again
    expect(await queue.queue.getJobCounts('failed', 'wait', 'prioritized')).toEqual({ failed: 0, wait: 0, prioritized: 1 });
    const [job] = await queue.queue.getJobs(['prioritized']);
    expect(job?.priority).toBe(1);
  }, 60_000);
});
