// Fairness between chats in the inbound queue (connectors/queue/inbound-fairness.ts): every
// chat's k-th pending message is taken before any chat's (k+1)-th, each chat keeps its order,
// a redelivered update keeps its place, and a chat's numbers start again once it has nothing
// pending (also after a redelivery of a message already handled).
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PRIORITY_LIMIT } from 'bullmq';
import { pino } from 'pino';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue, startInboundWorker } from '../../../connectors/queue/inbound-queue.js';
import { ChatFairness, fairPriority } from '../../../connectors/queue/inbound-fairness.js';
import { inboundChatKey, type InboundMessage, type InboundMessageInput } from '../../../core/chat/inbound.js';
import { testPrefix } from '../../support/redis-keys.js';

const log = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function message(chat: string, key: string, channel: 'telegram' | 'email' = 'telegram'): InboundMessageInput {
  return { channel, externalUserId: chat, externalChatId: chat, text: key, dedupeKey: key, receivedAt: new Date().toISOString(), messageExternalId: key };
}

function setup() {
  const settings = queueSettings(inject('redisUrl'), testPrefix('t-fair'));
  const queue = new InboundQueue(settings);
  cleanups.push(() => queue.close());
  const handled: string[] = [];
  const start = () => {
    // one at a time, so the order taken is the order handled
    const worker = startInboundWorker(settings, async (m: InboundMessage) => void handled.push(m.dedupeKey), { logger: log, concurrency: 1, redriveMs: 0 });
    cleanups.push(() => worker.close());
    return worker;
  };
  const priorityOf = async (key: string) => (await queue.queue.getJob(key))?.priority;
  const fairness = new ChatFairness(settings.redis, settings.prefix);
  cleanups.push(() => fairness.close());
  /** whether the chat has nothing pending (a probe claim is then its first) */
  const idle = async (chat: string) => {
    const key = inboundChatKey({ channel: 'telegram', externalChatId: chat });
    const n = await fairness.claim(key, 'probe');
    await fairness.release(key, 'probe');
    return n === 1;
  };
  return { queue, handled, start, priorityOf, idle };
}

describe('inbound fairness', () => {
  it('takes every chat’s first message before a flooding chat’s second, and keeps each chat’s order', async () => {
    const { queue, handled, start } = setup();
    for (let i = 1; i <= 5; i++) await queue.enqueue(message('100', `a${i}`));
    await queue.enqueueMany([message('200', 'b1'), message('200', 'b2')]);
    await queue.enqueue(message('300', 'c1'));
    start();
    await waitFor(() => handled.length === 8, 'the eight messages', 10_000, 20);
    expect(handled).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4', 'a5']);
  });

  it('a redelivered update keeps its number; numbers start again once the chat has nothing pending', async () => {
    const { queue, handled, start, priorityOf, idle } = setup();
    await queue.enqueue(message('100', 'r1'));
    await queue.enqueue(message('100', 'r2'));
    await queue.enqueue(message('100', 'r1')); // the platform delivered r1 again
    expect([await priorityOf('r1'), await priorityOf('r2')]).toEqual([1, 2]);
    start();
    await waitFor(() => handled.length === 2, 'both messages', 10_000, 20);
    // released after completion; then a redelivery of a handled message must not count as pending
    await waitFor(() => idle('100'), 'the chat to have nothing pending', 5000, 20);
    await queue.enqueue(message('100', 'r2'));
    await queue.enqueue(message('100', 'r3'));
    await waitFor(() => handled.includes('r3'), 'the new message', 10_000, 20);
    expect(handled).toEqual(['r1', 'r2', 'r3']);
    expect(await priorityOf('r3')).toBe(1);
  });

  it('one key per conversation; numbers are capped at BullMQ’s limit', () => {
    expect(inboundChatKey({ channel: 'email', externalChatId: ' Olga@Example.com', workspaceId: 3 })).toBe(
      inboundChatKey({ channel: 'email', externalChatId: 'olga@example.com', workspaceId: 3 }),
    );
    expect(inboundChatKey({ channel: 'telegram', externalChatId: '5', workspaceId: 3 })).not.toBe(
      inboundChatKey({ channel: 'slack', externalChatId: '5', workspaceId: 3 }),
    );
    expect(inboundChatKey({ channel: 'telegram', externalChatId: '5', workspaceId: 3 })).not.toBe(
      inboundChatKey({ channel: 'telegram', externalChatId: '5', workspaceId: 4 }),
    );
    expect(fairPriority(1)).toBe(1);
    expect(fairPriority(PRIORITY_LIMIT + 10)).toBe(PRIORITY_LIMIT);
  });
});
