// /metrics over real HTTP reads queue depth and the age of the oldest waiting job from BullMQ
// on real Redis at scrape time; with Redis unreachable the scrape still answers, without the
// queue gauges, and counts the failure.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { INBOUND_QUEUE } from '../../../connectors/queue/inbound-queue.js';
import { REMINDER_QUEUE } from '../../../connectors/queue/reminder-scheduler.js';
import { LEADLINE_QUEUES, watchQueues, type QueueMetrics } from '../../../connectors/metrics/queue-metrics.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { freePort } from '../../support/wait.js';
import { testPrefix } from '../../support/redis-keys.js';

const settings = queueSettings(inject('redisUrl'), testPrefix('metrics'));
const log = pino({ level: 'silent' });
let http: RunningHttpServer;
let metrics: QueueMetrics;
const queues: Queue[] = [];

beforeAll(async () => {
  metrics = watchQueues({ redis: inject('redisUrl'), prefix: settings.prefix, logger: log });
  http = await startHttpServer({ port: 0, host: '127.0.0.1', logger: log });
});

afterAll(async () => {
  await http?.close();
  await metrics?.close();
  for (const q of queues) {
    await q.obliterate({ force: true });
    await q.close();
  }
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${want}} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('queue metrics', () => {
  it('reports depth per queue and state and the age of the oldest waiting job', async () => {
    const inbound = new Queue(INBOUND_QUEUE, { connection: settings.connection, prefix: settings.prefix });
    const reminders = new Queue(REMINDER_QUEUE, { connection: settings.connection, prefix: settings.prefix });
    queues.push(inbound, reminders);
    // the oldest has been waiting two minutes
    await inbound.add('inbound', { n: 1 }, { timestamp: Date.now() - 120_000 });
    await inbound.add('inbound', { n: 2 });
    await inbound.add('inbound', { n: 3 });
    await reminders.add('fire', { n: 4 }, { delay: 3_600_000 });

    const res = await fetch(`${http.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'leadline_queue_depth', { queue: 'inbound', state: 'waiting' })).toBe(3);
    expect(sample(text, 'leadline_queue_depth', { queue: 'reminders', state: 'delayed' })).toBe(1);
    expect(sample(text, 'leadline_queue_depth', { queue: 'reminders', state: 'waiting' })).toBe(0);
    const age = sample(text, 'leadline_queue_oldest_age_seconds', { queue: 'inbound' })!;
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(180);
    // a delayed job is not waiting yet
    expect(sample(text, 'leadline_queue_oldest_age_seconds', { queue: 'reminders' })).toBe(0);
    for (const q of LEADLINE_QUEUES) expect(sample(text, 'leadline_queue_depth', { queue: q, state: 'active' })).toBe(0);

    await inbound.add('inbound', { n: 5 });
    const again = await (await fetch(`${http.url}/metrics`)).text();
    expect(sample(again, 'leadline_queue_depth', { queue: 'inbound', state: 'waiting' })).toBe(4);
  });

  it('still answers when Redis is unreachable, without queue gauges, and counts the failure', async () => {
    await metrics.close();
    metrics = watchQueues({ redis: `redis://127.0.0.1:${await freePort()}`, prefix: settings.prefix, timeoutMs: 500, logger: log });
    const res = await fetch(`${http.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/^leadline_queue_depth\{/m);
    expect(Number(/^leadline_queue_metrics_errors_total (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toContain('leadline_process_resident_memory_bytes');
  });
});
