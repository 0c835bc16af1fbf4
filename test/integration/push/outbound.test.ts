// The outbound queue on real Redis + Postgres: per-chat spacing, 429 retry_after, permanent
// failures recorded and told to the sender, transient retries, dedupe keys.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender, sleep, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings, type QueueSettings } from '../../../connectors/queue/connection.js';
import { ChannelRateLimiter } from '../../../connectors/queue/rate-limit.js';
import { outboundJobId } from '../../../connectors/queue/outbound-queue.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { PermanentSendError, RateLimitedError, type OutboundMessage } from '../../../core/ports.js';
import { testPrefix } from '../../support/redis-keys.js';

const db = testDb();
const attemptsAt = new Map<string, number[]>();
const failures = new Map<string, (m: OutboundMessage, n: number) => Error | undefined>();
const sender = new RecordingSender((m) => {
  const list = attemptsAt.get(m.chatId) ?? [];
  list.push(Date.now());
  attemptsAt.set(m.chatId, list);
  return failures.get(m.chatId)?.(m, list.length);
});
let running: RunningWorkers;
let workspaceId: number;
let manager: Member;
let members: Member[];
let settings: QueueSettings;

const sentTo = (chatId: string) => sender.sent.filter((m) => m.chatId === chatId);

beforeAll(async () => {
  settings = queueSettings(inject('redisUrl'), testPrefix('test-out'));
  const made = await pushWorkspace(db, [
    { name: 'Boris', channel: 'console', locale: 'en' },
    { name: 'A', channel: 'telegram', chatId: `${Date.now()}1` },
    { name: 'B', channel: 'telegram', chatId: `${Date.now()}2` },
    { name: 'C', channel: 'telegram', chatId: `${Date.now()}3` },
    { name: 'D', channel: 'telegram', chatId: `${Date.now()}4` },
    { name: 'E', channel: 'telegram', chatId: `${Date.now()}5` },
    { name: 'F', channel: 'telegram', chatId: `${Date.now()}6` },
  ]);
  workspaceId = made.workspace.id;
  members = made.members;
  manager = members[0]!;
  running = await startWorkers({
    ctx: dbContext(db),
    settings,
    senders: { console: sender, telegram: sender },
    reconcile: false,
    outboundJobs: { attempts: 3, backoffMs: 100 },
  });
});

afterAll(async () => {
  await running?.close();
});

describe('outbound queue', () => {
  it('spaces messages to one chat about 1 s apart while other chats go in parallel', async () => {
    const [a, b] = [members[1]!, members[2]!];
    for (let i = 0; i < 3; i++) {
      await running.outbox.enqueue({ workspaceId, identityId: a.identityId, text: `to A ${i}` });
      await running.outbox.enqueue({ workspaceId, identityId: b.identityId, text: `to B ${i}` });
    }
    await waitFor(() => sentTo(a.chatId).length === 3 && sentTo(b.chatId).length === 3, 'the condition', 8000);
    for (const chat of [a.chatId, b.chatId]) {
      const times = sentTo(chat).map((m) => m.at);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);
    }
    // the two chats did not wait for each other
    expect(Math.abs(sentTo(a.chatId)[0]!.at - sentTo(b.chatId)[0]!.at)).toBeLessThan(500);
    // (order within a chat follows the slot reservations; not asserted: a heavily loaded
    // machine can let a later slot's job wake first)
    expect(new Set(sentTo(a.chatId).map((m) => m.text))).toEqual(new Set(['to A 0', 'to A 1', 'to A 2']));
  });

  it('honours a 429 retry_after without spending the attempts', async () => {
    const c = members[3]!;
    failures.set(c.chatId, (_m, n) => (n <= 3 ? new RateLimitedError(1200) : undefined));
    await running.outbox.enqueue({ workspaceId, identityId: c.identityId, text: 'after the flood' });
    await waitFor(() => sentTo(c.chatId).length === 1, 'the condition', 10_000);
    const times = attemptsAt.get(c.chatId)!;
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1150);
  });

  it('a permanent error marks the customer unreachable, shows on the timeline and tells the sender', async () => {
    const contact = await db.contact.create({ data: { workspaceId, name: 'Olga Petrova', nameKey: 'olga petrova' } });
    const customer = await db.identity.create({
      data: { workspaceId, channel: 'telegram', externalId: `cust-${randomUUID()}`, chatId: `${Date.now()}9`, contactId: contact.id },
    });
    const conversation = await db.conversation.create({ data: { workspaceId, contactId: contact.id, channel: 'telegram', identityId: customer.id } });
    const message = await db.message.create({
      data: {
        workspaceId,
        conversationId: conversation.id,
        direction: 'outbound',
        channel: 'telegram',
        text: 'Hello Olga',
        authorUserId: manager.userId,
        deliveryStatus: 'queued',
      },
    });
    failures.set(customer.chatId!, () => new PermanentSendError('Forbidden: bot was blocked by the user', 'blocked'));
    await running.outbox.enqueue({
      workspaceId,
      identityId: customer.id,
      text: 'Hello Olga',
      messageId: message.id,
      notifyOnFailureUserId: manager.userId,
      ref: { conversationId: conversation.id },
    });
    const notice = await waitFor(() => sentTo(manager.chatId).find((m) => m.text.includes('Olga Petrova')), 'the condition', 8000);
    expect(notice.text).toBe('⚠️ Your reply to Olga Petrova could not be delivered: they blocked the bot');
    const identity = await db.identity.findUniqueOrThrow({ where: { id: customer.id } });
    expect(identity.unreachable).toBe(true);
    expect(identity.unreachableReason).toBe('blocked');
    expect((await db.message.findUniqueOrThrow({ where: { id: message.id } })).deliveryStatus).toBe('failed');
    const activity = await db.activity.findFirst({ where: { workspaceId, contactId: contact.id, type: 'delivery.failed' } });
    expect(activity?.data).toMatchObject({ reason: 'blocked', messageId: message.id });
    // tried once: no retries for a permanent refusal
    expect(attemptsAt.get(customer.chatId!)).toHaveLength(1);
    // a later message to the unreachable identity is skipped, not sent
    await running.outbox.enqueue({ workspaceId, identityId: customer.id, text: 'again', dedupeKey: `again-${customer.id}` });
    await waitFor(
      async () => (await db.outboundDelivery.findUnique({ where: { dedupeKey: `again-${customer.id}` } }))?.status === 'skipped',
      'the condition',
      5000,
    );
    expect(attemptsAt.get(customer.chatId!)).toHaveLength(1);
  });

  it('retries transient errors with backoff, then records the failure for good', async () => {
    const d = members[4]!;
    failures.set(d.chatId, (_m, n) => (n === 1 ? new Error('ECONNRESET') : undefined));
    await running.outbox.enqueue({ workspaceId, identityId: d.identityId, text: 'flaky network' });
    await waitFor(() => sentTo(d.chatId).length === 1, 'the condition', 8000);
    expect(attemptsAt.get(d.chatId)).toHaveLength(2);

    const e = members[5]!;
    failures.set(e.chatId, () => new Error('502 Bad Gateway'));
    await running.outbox.enqueue({ workspaceId, identityId: e.identityId, text: 'never goes', dedupeKey: `down-${e.identityId}` });
    const row = await waitFor(
      async () => {
        const r = await db.outboundDelivery.findUnique({ where: { dedupeKey: `down-${e.identityId}` } });
        return r?.status === 'failed' ? r : null;
      },
      'the condition',
      10_000,
    );
    expect(row.error).toContain('502 Bad Gateway');
    expect(attemptsAt.get(e.chatId)).toHaveLength(3);
    expect(await db.activity.count({ where: { workspaceId, type: 'delivery.failed', data: { path: ['identityId'], equals: e.identityId } } })).toBe(1);
  });

  it('a dedupe key is delivered once, even when enqueued again after it was sent', async () => {
    const key = `once-${randomUUID()}`;
    await running.outbox.enqueue({ workspaceId, identityId: manager.identityId, text: 'only once', dedupeKey: key });
    await running.outbox.enqueue({ workspaceId, identityId: manager.identityId, text: 'only once', dedupeKey: key });
    await waitFor(() => sentTo(manager.chatId).some((m) => m.text === 'only once'), 'the condition', 5000);
    // the Redis job is gone (as after FLUSHALL): the ledger still stops a second send
    await running.outbox.queue.remove(`out-${key}`);
    await running.outbox.enqueue({ workspaceId, identityId: manager.identityId, text: 'only once', dedupeKey: key });
    await sleep(600);
    expect(sentTo(manager.chatId).filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('a job run again after its worker died takes its own chat ticket back: the chat does not wait for the abandoned one', async () => {
    const f = members[6]!;
    const key = `reborn-${randomUUID()}`;
    // a worker took this job's ticket on the chat's clock and was SIGKILLed before sending:
    // the job goes back to the queue (stalled) with nothing in its data about that ticket
    const dead = new ChannelRateLimiter(settings.redis, settings.prefix);
    try {
      await dead.reserveChat('telegram', f.chatId, outboundJobId(key));
    } finally {
      await dead.close();
    }
    const t0 = Date.now();
    await running.outbox.enqueue({ workspaceId, identityId: f.identityId, text: 'first, run again', dedupeKey: key });
    await running.outbox.enqueue({ workspaceId, identityId: f.identityId, text: 'second' });
    // (an abandoned ticket is only skipped once it is 5 minutes old)
    await waitFor(() => sentTo(f.chatId).length === 2, 'both messages to the chat', 10_000);
    expect(sentTo(f.chatId).map((m) => m.text)).toEqual(['first, run again', 'second']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('rejects a malformed item with a clear error', async () => {
    await expect(running.outbox.enqueue({ workspaceId, identityId: -1, text: 'x' })).rejects.toThrow(/identityId/);
  });
});
