// Leadline on a real local Redis Cluster (three masters, test/support/redis-cluster.ts),
// configured the way an operator does it (REDIS_CLUSTER_NODES): a customer's message goes
// through the inbound queue to a stored lead and the manager's notification; a reminder fires
// once; a lease, the send limiter and the invite-attempt limiter hold; a loss of data on one
// master is reconciled while running; readiness and the Redis policy checks ask every master.
// Every queue's keys share one slot (hash-tagged prefix); without the tag BullMQ's scripts fail
// on a cluster (the control case).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { testDb, uniqueSlug } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import { RecordingSender } from '../../support/push.js';
import { startRedisCluster, type LocalRedisCluster } from '../../support/redis-cluster.js';
import { loadConfig } from '../../../connectors/config.js';
import { connectRedis, queuePrefix, queueSettings, redisTargetOf, type QueueSettings, type RedisTarget } from '../../../connectors/queue/connection.js';
import { INBOUND_QUEUE, InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { parseInboundMessage } from '../../../core/chat/inbound.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { RedisLease } from '../../../connectors/queue/redis-lock.js';
import { ChannelRateLimiter, newSendHandle } from '../../../connectors/queue/rate-limit.js';
import { ChatFairness } from '../../../connectors/queue/inbound-fairness.js';
import { RedisAttemptLimiter } from '../../../connectors/queue/attempt-limiter.js';
import { RedisClarifyStore } from '../../../connectors/queue/redis-clarify-store.js';
import { checkEvictionPolicy, checkPersistence } from '../../../connectors/queue/redis-policy.js';
import { Readiness, redisCheck } from '../../../connectors/health/readiness.js';
import { checkRedis, ServiceUnavailableError } from '../../../connectors/services.js';
import { startChatWorker } from '../../../bots/chat-runtime.js';
import { createLogger } from '../../../connectors/logger.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { actorForUser } from '../../../core/users/find-users.js';
import { createTask } from '../../../core/tasks/index.js';

const db = testDb();
const logger = createLogger('silent');
let cluster: LocalRedisCluster;
let target: RedisTarget;
let settings: QueueSettings;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  // as in production: the setting takes precedence over REDIS_URL
  target = redisTargetOf(loadConfig({ REDIS_CLUSTER_NODES: cluster.setting, REDIS_URL: 'redis://127.0.0.1:1' }));
  settings = queueSettings(target, `cl-${randomUUID().slice(0, 8)}`);
  cleanups.push(() => settings.close());
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it('each queue gets a hash-tagged prefix, the queues spread over the masters, and an untagged queue fails (the control)', async () => {
    expect(queuePrefix(settings, INBOUND_QUEUE)).toBe(`${settings.prefix}:{inbound}`);
    const probe = connectRedis(target) as Cluster;
    cleanups.push(() => probe.quit());
    const slots = await Promise.all(['inbound', 'outbound', 'reminders', 'sla', 'digests', 'ai'].map((q) => probe.cluster('KEYSLOT', `x:{${q}}:y`)));
    const owners = new Set(slots.map((slot) => probe.slots[slot as number]?.[0]));
    expect(owners.size).toBeGreaterThan(1);

    const untagged = new Queue('control', { connection: settings.connection, prefix: settings.prefix });
    untagged.on('error', () => undefined);
    cleanups.push(() => untagged.close());
    await expect(untagged.add('x', {})).rejects.toThrow(/CROSSSLOT|slot/i);
  });

  it('a customer message goes through the inbound queue to a stored lead and the manager is notified through the outbound queue', async () => {
    const ws = await ensureWorkspace(db, uniqueSlug('cluster'), { timezone: 'UTC', locale: 'en' });
    const manager = await db.user.create({ data: { workspaceId: ws.id, name: 'Mary', role: 'manager' } });
    const managerChat = `cl-mgr-${randomUUID().slice(0, 8)}`;
    await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: managerChat, chatId: managerChat, userId: manager.id } });
    const sender = new RecordingSender();
    const senders = { telegram: sender };
    const workers: RunningWorkers = await startWorkers({ ctx: dbContext(db), settings, senders, logger, reconcile: false });
    cleanups.push(() => workers.close());
    expect(workers.startup.redisPolicy).toBe('noeviction');
    const chat = startChatWorker({ db, settings, workspaceId: ws.id, outbox: workers.outbox, scheduler: workers.scheduler, logger });
    cleanups.push(() => chat.close());
    const inbound = new InboundQueue(settings);
    cleanups.push(() => inbound.close());

    const customer = `cl-cust-${randomUUID().slice(0, 8)}`;
    await inbound.enqueue({
      channel: 'telegram',
      externalUserId: customer,
      externalChatId: customer,
      text: 'Hello, do you ship to Kazan?',
      attachments: [],
      dedupeKey: `cluster-test:${customer}`,
      receivedAt: new Date().toISOString(),
      displayName: 'Ivan Petrov',
      messageExternalId: '1',
    });
    const notification = await waitFor(() => sender.sent.find((m) => m.chatId === managerChat), 'the manager notification', 20_000);
    expect(notification.text).toContain('do you ship to Kazan?');
    const lead = await db.lead.findFirst({ where: { workspaceId: ws.id }, include: { contact: true } });
    expect(lead?.assigneeId).toBe(manager.id);
    expect(lead?.contact.name).toBe('Ivan Petrov');
    expect(await db.message.count({ where: { workspaceId: ws.id, text: 'Hello, do you ship to Kazan?' } })).toBe(1);

    // a turn run outside the queue whose process died: its guard (one hash on one slot) is swept into an inbound job
    const orphan = `cl-orphan-${randomUUID().slice(0, 8)}`;
    const guarded = {
      channel: 'web' as const,
      externalUserId: `${orphan}@example.com`,
      externalChatId: `${orphan}@example.com`,
      text: 'Left behind by a dead web process',
    };
    await inbound.guard(
      parseInboundMessage(
        {
          ...guarded,
          dedupeKey: `web:api:0:${orphan}`,
          receivedAt: new Date().toISOString(),
          messageExternalId: `api:0:${orphan}`,
          displayName: 'Olga Orphan',
          sender: { name: 'Olga Orphan', email: `${orphan}@example.com` },
        },
        new Date(),
      ),
      0,
    );
    await inbound.sweepGuards();
    await waitFor(() => sender.sent.find((m) => m.chatId === managerChat && m.text.includes('Left behind by a dead web process')), 'the swept turn', 20_000);

    // a reminder on the same cluster fires once, through the reminder and outbound queues
    const actor = await actorForUser(db, manager.id);
    const ctx = dbContext(db, { scheduler: workers.scheduler });
    const due = new Date(Date.now() + 500);
    const task = await createTask(ctx, actor, { title: 'Call Ivan back', dueAt: due });
    // scheduling the same occurrence again (a reconciliation) is a no-op
    await workers.scheduler.scheduleReminder(task.id, due);
    const reminder = await waitFor(() => sender.sent.find((m) => m.text.includes('Call Ivan back')), 'the reminder', 15_000);
    expect(reminder.at).toBeGreaterThanOrEqual(due.getTime());
    await waitFor(async () => ((await workers.scheduler.reminders.getJobCounts('completed')).completed ?? 0) >= 1, 'the reminder job to complete', 5000);
    expect(await db.reminderDelivery.count({ where: { taskId: task.id } })).toBe(1);
    expect(sender.sent.filter((m) => m.text.includes('Call Ivan back'))).toHaveLength(1);
  });

  it('a lease has one holder at a time, renewed and released by its scripts', async () => {
    const key = `${settings.prefix}:lease:${randomUUID()}`;
    const a = new RedisLease(target, key, 1500);
    const b = new RedisLease(target, key, 1500);
    cleanups.push(
      () => a.release(),
      () => b.release(),
    );
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    // renewals (every 1 s, a script on the key's master) keep it past its TTL of 1.5 s
    const token = await a.holder();
    const acquiredAt = Date.now();
    await waitFor(async () => Date.now() - acquiredAt > 2500 && (await a.holder()) === token, 'the lease to outlive its TTL', 5000);
    expect(await b.tryAcquire()).toBe(false);
    expect(a.held).toBe(true);
    await a.release();
    expect(await b.tryAcquire()).toBe(true);
  });

  it('the send limiter spaces one chat and the invite-attempt limiter blocks after its limit', async () => {
    const limiter = new ChannelRateLimiter(target, settings.prefix, { telegram: { perChatMs: 1000 } });
    cleanups.push(() => limiter.close());
    // the chat's tickets are one interval apart; the later one waits for the earlier one's send
    const first = await limiter.reserveChat('telegram', '42');
    expect(first.wait).toBe(0);
    const second = await limiter.reserveChat('telegram', '42');
    expect(second.slot - first.slot).toBeGreaterThanOrEqual(1000);
    expect(second.wait).toBeGreaterThan(900);
    expect(await limiter.acquireSend('telegram', '42', second.slot)).toBeLessThan(0);
    const send = newSendHandle();
    expect(await limiter.acquireSend('telegram', '42', first.slot, 'interactive', send)).toBe(0);
    await limiter.finishSend('telegram', '42', send);
    expect((await limiter.reserveChat('telegram', '43')).wait).toBe(0);
    // a job's own ticket (its owner key on the chat's slot) comes back to it while unspent
    const owned = await limiter.reserveChat('telegram', '44', 'job-44');
    expect((await limiter.reserveChat('telegram', '44', 'job-44')).slot).toBe(owned.slot);
    expect(await limiter.acquireSend('telegram', '44', owned.slot, 'interactive', newSendHandle(), 'job-44')).toBe(0);

    // the inbound queue's per-chat numbers: each chat's two keys on one slot, chats on any
    const fairness = new ChatFairness(target, settings.prefix);
    cleanups.push(() => fairness.close());
    expect(await fairness.claim('telegram:1:42', 'a1')).toBe(1);
    expect(await fairness.claim('telegram:1:42', 'a2')).toBe(2);
    expect(await fairness.claim('telegram:1:43', 'b1')).toBe(1);
    expect(await fairness.release('telegram:1:42', 'a1')).toBe(1);
    expect(await fairness.release('telegram:1:42', 'a2')).toBe(0);
    expect(await fairness.claim('telegram:1:42', 'a3')).toBe(1);

    const attempts = new RedisAttemptLimiter(target, settings.prefix, {
      perIdentity: 2,
      identityWindowSeconds: 60,
      perWorkspace: 100,
      workspaceWindowSeconds: 60,
    });
    cleanups.push(() => attempts.close());
    expect(await attempts.blockedFor('invite_identity', 'who')).toBe(0);
    await attempts.count('invite_identity', 'who');
    await attempts.count('invite_identity', 'who');
    expect(await attempts.blockedFor('invite_identity', 'who')).toBeGreaterThan(0);

    const clarify = new RedisClarifyStore(target, settings.prefix);
    cleanups.push(() => clarify.close());
    const entry = { userId: 1, partial: { text: 'call Ivan' }, options: [{ label: 'Ivan Petrov', value: '7' }] };
    const clarifyToken = await clarify.put(entry, 60);
    expect(await clarify.get(clarifyToken)).toEqual(entry);
  });

  it('a loss of data on any one master is noticed while running and reconciled (a sentinel per master)', async () => {
    const ws = await ensureWorkspace(db, uniqueSlug('cluster-loss'), { timezone: 'UTC', locale: 'en' });
    const lossSettings = queueSettings(target, `cl-loss-${randomUUID().slice(0, 8)}`);
    cleanups.push(() => lossSettings.close());
    const reconciled: number[] = [];
    const workers = await startWorkers({
      ctx: dbContext(db),
      settings: lossSettings,
      senders: { telegram: new RecordingSender() },
      logger,
      reconcileWorkspaceIds: [ws.id],
      redisLossCheckMs: 200,
      onReconciled: () => reconciled.push(Date.now()),
    });
    cleanups.push(() => workers.close());
    const probe = connectRedis(target) as Cluster;
    cleanups.push(() => probe.quit());
    const sentinels = await waitFor(async () => {
      const keys = [];
      for (let n = 0; n < 200; n++) if (await probe.exists(`${lossSettings.prefix}:reconciled:{m${n}}`)) keys.push(n);
      return keys.length === 3 ? keys : null;
    }, 'one sentinel per master');
    expect(sentinels).toHaveLength(3);
    // flush a master that does not hold the slot of the plain key: a single sentinel would miss it
    const plainOwner = probe.slots[Number(await probe.cluster('KEYSLOT', `${lossSettings.prefix}:reconciled`))]![0];
    const victim = cluster.nodes.find((n) => `${n.host}:${n.port}` !== plainOwner)!;
    const admin = connectRedis(`redis://${victim.host}:${victim.port}`);
    cleanups.push(() => admin.quit());
    expect(reconciled).toHaveLength(0);
    await admin.flushall();
    await waitFor(() => reconciled.length > 0, 'the reconciliation after the loss', 10_000);
    expect(reconciled).toHaveLength(1);
  });

  it('readiness and the Redis policy checks ask every master', async () => {
    const ready = redisCheck(target);
    cleanups.push(() => ready.close());
    await expect(ready.check()).resolves.toHaveLength(3);
    await expect(checkRedis(target)).resolves.toBeUndefined();
    expect(await checkEvictionPolicy(target)).toEqual({ ok: true });

    // one master of three evicts: the check names it
    const odd = cluster.nodes[2]!;
    const admin = connectRedis(`redis://${odd.host}:${odd.port}`);
    cleanups.push(() => admin.quit());
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    expect(await checkEvictionPolicy(target)).toEqual({ ok: false, policy: 'allkeys-lru', node: `${odd.host}:${odd.port}` });
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    // the test cluster runs without an append-only file: reported, with the first such master
    expect(await checkPersistence(target)).toMatchObject({ ok: false, snapshots: false });

    // one master stops answering (paused for 3 s): /ready turns unhealthy, then ok again
    const readiness = new Readiness([ready], { timeoutMs: 500, cacheMs: 0 });
    expect((await readiness.report()).status).toBe('ok');
    await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    expect((await readiness.report()).checks).toEqual({ redis: 'unhealthy' });
    await waitFor(async () => (await readiness.report()).status === 'ok', 'readiness to recover after the pause', 10_000);

    const dead = { url: 'redis://127.0.0.1:6379', clusterNodes: [{ host: '127.0.0.1', port: 1 }] };
    await expect(checkRedis(dead)).rejects.toThrow(ServiceUnavailableError);
    await expect(checkRedis(dead)).rejects.toThrow(/REDIS_CLUSTER_NODES/);
  });
});
