// A REST API lead's turn runs in the web process, outside any queue job, so nothing would
// redeliver it if that process died between the turn's commit and its items reaching the
// outbound queue. Each such turn is guarded: its message is kept in Redis while it runs
// (bots/chat-runtime.ts guardedEngine), and a worker queues it as an inbound job when it was
// not taken back in time. Here the web side's outbox dies as a killed process would, the
// request gets no 201, and a real inbound worker still notifies the assignee, once. A retry
// with the same Idempotency-Key is the same message (one lead, one message, no second
// notification); a finished turn takes its guard back; a guard Redis does not take refuses
// the lead (503) before anything is written; a claim left without an answer by a dead
// process is taken over by a retry instead of 409 for a day.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { testDb } from '../../support/db.js';
import { pushWorkspace, queuesDrained, RecordingSender } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { testPrefix } from '../../support/redis-keys.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { API_SCOPES, createApiKey } from '../../../core/api/api-keys.js';
import { IDEMPOTENCY_ABANDONED_MS, requestHash } from '../../../core/api/idempotency.js';
import type { Outbox, OutboxItem } from '../../../core/ports.js';
import { parseInboundMessage } from '../../../core/chat/inbound.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { RedisRequestLimiter } from '../../../connectors/queue/request-limiter.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { apiRoutes } from '../../../bots/http/api/api-routes.js';
import { createChatEngine, guardedEngine, startChatWorker, type ChatEngine, type ChatWorker } from '../../../bots/chat-runtime.js';

const db = testDb();
const log = pino({ level: 'silent' });
const sender = new RecordingSender();
let server: RunningHttpServer;
let limiter: RedisRequestLimiter;
let workers: RunningWorkers;
let chatWorker: ChatWorker;
let inbound: InboundQueue;
let engine: ChatEngine;
let workspaceId: number;
let managerChat: string;
let apiKeyId: number;
let key: string;
/** while set, the web side's outbox fails as a process killed before the queue answered */
let dead = false;

beforeAll(async () => {
  const team = await pushWorkspace(db, [{ name: 'Gia' }]);
  workspaceId = team.workspace.id;
  managerChat = team.members[0]!.chatId;
  const settings = queueSettings(inject('redisUrl'), testPrefix('t-api-guard'));
  limiter = new RedisRequestLimiter(inject('redisUrl'), settings.prefix, { form_ip: 10, form: 10, api_key: 10_000 });
  workers = await startWorkers({ ctx: dbContext(db), settings, senders: { console: sender }, logger: log, reconcile: false });
  // the worker side: the inbound worker that runs a guard's copy (with a working outbox)
  chatWorker = startChatWorker({ db, settings, workspaceId, outbox: workers.outbox, scheduler: workers.scheduler, logger: log, guardSweepMs: 200 });
  inbound = new InboundQueue(settings);
  const dying: Outbox = {
    enqueue: async (item: OutboxItem) => {
      if (dead) throw new Error('web process killed before the outbound queue got the item');
      await workers.outbox.enqueue(item);
    },
  };
  engine = createChatEngine({ db, settings, workspaceId, outbox: dying, scheduler: workers.scheduler, logger: log });
  // a short guard and a frequent sweep, so the test need not wait a minute
  server = await startHttpServer({ port: 0, host: '127.0.0.1', logger: log, routes: [apiRoutes({ engine: guardedEngine(engine, inbound, 300), limiter })] });
  const made = await createApiKey(dbContext(db), systemActor(team.workspace), { name: 'guard', scopes: [...API_SCOPES] });
  key = made.key;
  apiKeyId = made.id;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await engine?.close();
  await chatWorker?.close();
  await inbound?.close();
  await workers?.close();
  await limiter?.close();
});

async function postLead(body: object, idempotencyKey?: string) {
  const res = await fetch(`${server.url}/api/v1/leads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as { id?: number; detail?: string } };
}

const notices = (text: string) => sender.sent.filter((m) => m.chatId === managerChat && m.text.includes(text));

describe('an API lead whose web process dies between its commit and the outbound queue', () => {
  it('is finished by its guard: the assignee is notified once; a retry with the Idempotency-Key is the same message', async () => {
    const email = `guard-${randomUUID().slice(0, 8)}@example.com`;
    const text = `Quote for 40 pallets ${randomUUID().slice(0, 6)}`;
    const idem = randomUUID();
    const body = { name: 'Guarded Buyer', email, message: text };
    dead = true;
    const lost = await postLead(body, idem);
    dead = false;
    expect(lost.status).toBe(500);
    // the turn committed: the lead is there, its notification left on the event
    const lead = await db.lead.findFirstOrThrow({ where: { workspaceId, contact: { emails: { some: { email } } } } });
    expect(lead.assigneeId).not.toBeNull();

    // the copy runs on the inbound worker and queues what the turn left behind
    await waitFor(async () => notices(text).length > 0, 'the guarded turn to notify the assignee', 20_000);
    await queuesDrained(inbound.queue, workers.outbox.queue);
    expect(notices(text)).toHaveLength(1);
    const events = await db.inboundEvent.findMany({ where: { dedupeKey: { startsWith: `web:api:${apiKeyId}:idem-` } } });
    expect(events).toHaveLength(1);
    expect(events[0]!.pendingOutbox).toBeNull();

    // the client retries (its first answer was lost): the same message, its lead, nothing new
    const retry = await postLead(body, idem);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(lead.id);
    await queuesDrained(inbound.queue, workers.outbox.queue);
    expect(await db.lead.count({ where: { workspaceId, contact: { emails: { some: { email } } } } })).toBe(1);
    expect(await db.message.count({ where: { workspaceId, text: { contains: text } } })).toBe(1);
    expect(notices(text)).toHaveLength(1);
  });

  it('a finished turn takes its guard back: nothing is left for the sweep', async () => {
    const text = `Samples please ${randomUUID().slice(0, 6)}`;
    const made = await postLead({ name: 'Quick Buyer', phone: '+1 415 555 0134', message: text });
    expect(made.status).toBe(201);
    expect(await inbound.sweepGuards(Date.now() + 3600_000)).toBe(0);
    const counts = await inbound.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    expect(counts).toEqual({ wait: 0, active: 0, delayed: 0, prioritized: 0 });
    await queuesDrained(workers.outbox.queue);
    expect(notices(text)).toHaveLength(1);
  });
});

describe('an Idempotency-Key reused after its answer expired', () => {
  it('with another body is a new request: a new message and lead, not the old one', async () => {
    const idem = randomUUID();
    const first = await postLead({ name: 'First Use', email: `first-${randomUUID().slice(0, 8)}@example.com` }, idem);
    expect(first.status).toBe(201);
    // a day later the web role's sweep has forgotten the key
    await db.idempotencyKey.deleteMany({ where: { apiKeyId, key: idem } });
    const email = `reuse-${randomUUID().slice(0, 8)}@example.com`;
    const again = await postLead({ name: 'Second Use', email }, idem);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect(await db.lead.count({ where: { id: again.body.id, contact: { emails: { some: { email } } } } })).toBe(1);
  });
});

describe('the sweep of guards', () => {
  it('queues the due ones, keeps the rest, and drops what cannot be queued with an error logged', async () => {
    const settings = queueSettings(inject('redisUrl'), testPrefix('t-api-guard-sweep'));
    const errors: string[] = [];
    const logged = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
    const queue = new InboundQueue(settings, { logger: logged });
    const redis = new Redis(inject('redisUrl'));
    try {
      const message = (id: string) =>
        parseInboundMessage(
          {
            channel: 'web',
            externalUserId: `${id}@example.com`,
            externalChatId: `${id}@example.com`,
            text: 'hello',
            dedupeKey: `web:api:0:${id}`,
            receivedAt: new Date().toISOString(),
            messageExternalId: `api:0:${id}`,
          },
          new Date(),
        );
      await queue.guard(message('due'), 0);
      await queue.guard(message('live'), 3600_000);
      const key = `${settings.prefix}:{inbound-guards}`;
      await redis.hset(key, 'web:api:0:torn', '{"due": 0, "mess');
      await redis.hset(key, 'web:api:0:invalid', JSON.stringify({ due: 0, message: { channel: 'pigeon' } }));
      expect(await queue.sweepGuards()).toBe(1);
      expect((await redis.hkeys(key)).sort()).toEqual(['web:api:0:live']);
      const jobs = await queue.queue.getJobs(['wait', 'prioritized']);
      expect(jobs.map((j) => j.data.dedupeKey)).toEqual(['web:api:0:due']);
      expect(errors.filter((l) => l.includes('cannot be queued'))).toHaveLength(2);
    } finally {
      await queue.queue.obliterate({ force: true });
      await redis.del(`${settings.prefix}:{inbound-guards}`);
      redis.disconnect();
      await queue.close();
    }
  });
});

describe('a guard Redis does not take', () => {
  it('refuses the lead with 503 before anything is written', async () => {
    // the guards of a Redis nobody listens on, given half a second to answer
    const away = new InboundQueue(queueSettings('redis://127.0.0.1:1', testPrefix('t-api-guard-away')), { enqueueTimeoutMs: 500, logger: log });
    const edge = await startHttpServer({ port: 0, host: '127.0.0.1', logger: log, routes: [apiRoutes({ engine: guardedEngine(engine, away, 300), limiter })] });
    try {
      const email = `away-${randomUUID().slice(0, 8)}@example.com`;
      const res = await fetch(`${edge.url}/api/v1/leads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Nobody Stored', email }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await db.contactEmail.count({ where: { email } })).toBe(0);
    } finally {
      await edge.close();
      await away.close();
    }
  });
});

describe('an Idempotency-Key claim left without an answer', () => {
  it('is taken over by a retry once abandoned; a recent one is still 409', async () => {
    const body = { name: 'Orphan Claim', email: `orphan-${randomUUID().slice(0, 8)}@example.com` };
    const [old, recent] = [randomUUID(), randomUUID()];
    const route = 'POST /api/v1/leads';
    await db.idempotencyKey.createMany({
      data: [
        { apiKeyId, route, key: old, requestHash: requestHash(body), createdAt: new Date(Date.now() - IDEMPOTENCY_ABANDONED_MS - 1000) },
        { apiKeyId, route, key: recent, requestHash: requestHash(body), createdAt: new Date(Date.now() - 1000) },
      ],
    });
    expect((await postLead(body, recent)).status).toBe(409);
    const taken = await postLead(body, old);
    expect(taken.status).toBe(201);
    const row = await db.idempotencyKey.findFirstOrThrow({ where: { apiKeyId, key: old } });
    expect(row.status).toBe(201);
    expect((row.body as { id: number }).id).toBe(taken.body.id);
  });
});
