// Off the hot path: with a model that takes 3 s, a customer's first message still reaches
// the manager at once (the turn only enqueues an `ai` job); the extraction card follows
// through the real BullMQ `ai` queue and worker, after the lead notification.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Worker } from 'bullmq';
import { chatFixture, nextId, type ChatFixture } from '../chat/chat-fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai.js';
import { OpenAiLlm } from '../../../connectors/llm/openai-llm.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { BullMQAiJobs, startAiWorker } from '../../../connectors/queue/ai-queue.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { Outbox, OutboxItem } from '../../../core/ports.js';
import { testPrefix } from '../../support/redis-keys.js';

const MODEL_LATENCY_MS = 3000;

class TimedOutbox implements Outbox {
  items: Array<{ at: number; item: OutboxItem }> = [];
  async enqueue(item: OutboxItem) {
    this.items.push({ at: Date.now(), item });
  }
}

let fake: FakeOpenAi;
let f: ChatFixture;
let jobs: BullMQAiJobs;
let worker: Worker;
const outbox = new TimedOutbox();

beforeAll(async () => {
  fake = await startFakeOpenAi(() => ({
    json: { name: 'Olga', company: null, phone: null, email: null, need: 'a demo', budget: null, urgency: 'normal' },
    delayMs: MODEL_LATENCY_MS,
  }));
  f = await chatFixture('en');
  const settings = queueSettings(inject('redisUrl'), testPrefix('test-ai'));
  const llm = new OpenAiLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'fake', timeoutMs: 8000, logger: { info() {}, warn() {} } });
  jobs = new BullMQAiJobs(settings);
  f.deps.llm = llm;
  f.deps.ai = jobs;
  f.deps.outbox = outbox;
  worker = startAiWorker({ ctx: dbContext(f.db, { llm }), settings, outbox });
});

afterAll(async () => {
  await worker?.close();
  await jobs?.close();
  await fake?.close();
});

describe('the ai queue', () => {
  it('delivers the lead notification at once and the AI card after it', async () => {
    // warm up connections (Prisma, Redis) so the measurement is the turn itself
    await f.send(f.msg({ id: nextId(), name: 'Warm', lang: 'en' }, 'warm-up'));
    // baseline in the same run: the same turn with AI assist off
    f.deps.ai = undefined;
    let started = Date.now();
    await f.send(f.msg({ id: nextId(), name: 'Base', lang: 'en' }, 'Hello, baseline'));
    const baselineMs = Date.now() - started;
    f.deps.ai = jobs;
    outbox.items.length = 0;
    started = Date.now();
    await f.send(f.msg({ id: nextId(), name: 'Olga', lang: 'en' }, 'Hello, my name is Olga, I would like a demo'));
    const handledMs = Date.now() - started;
    // the turn only enqueues: it costs about what it costs without AI, never the model's 3 s
    expect(handledMs).toBeLessThan(Math.min(MODEL_LATENCY_MS, baselineMs + 1000));
    const notification = outbox.items.find((i) => i.item.text.includes('New lead') && i.item.text.includes('Olga'));
    expect(notification).toBeDefined();
    expect(outbox.items.some((i) => i.item.buttons?.flat().some((b) => b.data.startsWith('ai:extract:')))).toBe(false);

    const deadline = Date.now() + 15_000;
    let card: (typeof outbox.items)[number] | undefined;
    while (!card && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      card = outbox.items.find((i) => i.item.text.includes('Olga') && i.item.buttons?.flat().some((b) => b.data.startsWith('ai:extract:')));
    }
    expect(card).toBeDefined();
    expect(card!.at).toBeGreaterThanOrEqual(notification!.at + MODEL_LATENCY_MS - 50);
    expect(outbox.items.indexOf(card!)).toBeGreaterThan(outbox.items.indexOf(notification!));
    expect(card!.item.text).toContain('Name: Olga');
  });
});
