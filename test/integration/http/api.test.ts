// The REST API over real HTTP: keys (missing, wrong, revoked: 401; without the scope: 403),
// a lead and a contact created through the core use cases (assigned and notified), pages of
// leads, a deal moved and won, tasks, Idempotency-Key replays that write nothing, a per-key
// rate limit, and the OpenAPI 3.1 document validated with a well-kept validator.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Validator } from '@seriousme/openapi-schema-validator';
import { testDb } from '../../support/db.js';
import { pushWorkspace, queuesDrained, RecordingSender } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor, type Actor } from '../../../core/actor.js';
import { createApiKey, revokeApiKey, API_SCOPES } from '../../../core/api/api-keys.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { RedisRequestLimiter } from '../../../connectors/queue/request-limiter.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { apiRoutes } from '../../../bots/http/api/api-routes.js';
import { WebFormSender } from '../../../bots/http/web-form-sender.js';
import { createChatEngine, type ChatEngine } from '../../../bots/chat-runtime.js';
import type { AiJob } from '../../../core/ai/jobs.js';
import { testPrefix } from '../../support/redis-keys.js';

const db = testDb();
const log = pino({ level: 'silent' });
const sender = new RecordingSender();
let server: RunningHttpServer;
let limiter: RedisRequestLimiter;
let workers: RunningWorkers;
let workspaceId: number;
let system: Actor;
let managers: Array<{ userId: number; chatId: string }>;
let key: string;
let engine: ChatEngine;
const aiJobs: AiJob[] = [];

beforeAll(async () => {
  const team = await pushWorkspace(db, [{ name: 'Mary' }, { name: 'Max' }]);
  workspaceId = team.workspace.id;
  managers = team.members;
  system = systemActor(team.workspace);
  const settings = queueSettings(inject('redisUrl'), testPrefix('t-api'));
  limiter = new RedisRequestLimiter(inject('redisUrl'), settings.prefix, { form_ip: 10, form: 10, api_key: 10_000 });
  workers = await startWorkers({ ctx: dbContext(db), settings, senders: { console: sender, web: new WebFormSender() }, logger: log, reconcile: false });
  // the engine the inbound worker runs, with AI assist configured (a model that never answers, a recording ai queue)
  engine = createChatEngine({
    db,
    settings,
    workspaceId,
    outbox: workers.outbox,
    scheduler: workers.scheduler,
    llm: { complete: async () => null },
    ai: { enqueue: async (job) => void aiJobs.push(job) },
    logger: log,
  });
  server = await startHttpServer({ port: 0, host: '127.0.0.1', logger: log, routes: [apiRoutes({ engine, limiter })] });
  key = (await createApiKey(dbContext(db), system, { name: 'all', scopes: [...API_SCOPES] })).key;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await engine?.close();
  await workers?.close();
  await limiter?.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, apiKey: string | null = key) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // answers are read loosely here; their shapes are checked by the assertions
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Record<string, any> };
}

describe('keys', () => {
  it('missing, wrong and revoked keys get 401; a key without the scope 403', async () => {
    const missing = await call('GET', '/leads', undefined, {}, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await call('GET', '/leads', undefined, {}, 'll_AAAAAAAA_' + 'B'.repeat(32))).status).toBe(401);
    expect((await call('GET', '/leads', undefined, { authorization: 'Basic abc' }, null)).status).toBe(401);

    const revoked = await createApiKey(dbContext(db), system, { name: 'old', scopes: ['leads:read'] });
    expect((await call('GET', '/leads', undefined, {}, revoked.key)).status).toBe(200);
    await revokeApiKey(dbContext(db), system, revoked.id);
    expect((await call('GET', '/leads', undefined, {}, revoked.key)).status).toBe(401);

    const readOnly = await createApiKey(dbContext(db), system, { name: 'reader', scopes: ['leads:read'] });
    const before = await db.lead.count({ where: { workspaceId } });
    const refused = await call('POST', '/leads', { name: 'X', email: 'x@example.com' }, {}, readOnly.key);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('leads:write');
    expect(await db.lead.count({ where: { workspaceId } })).toBe(before);
  });

  it("a key made for a team member has that member's permissions: their leads, not a colleague's", async () => {
    const [mary, max] = managers;
    const maryKey = (await createApiKey(dbContext(db), system, { name: 'mary', scopes: [...API_SCOPES], userId: mary!.userId })).key;
    const made = [];
    for (let i = 0; i < 4; i++)
      made.push((await call('POST', '/leads', { name: `Member ${i}`, email: `member-${i}-${randomUUID().slice(0, 6)}@example.com` })).body);
    const maxs = made.find((l) => l.assigneeId === max!.userId)!;
    const marys = made.find((l) => l.assigneeId === mary!.userId)!;
    expect((await call('GET', `/leads/${marys.id}`, undefined, {}, maryKey)).status).toBe(200);
    const refused = await call('GET', `/leads/${maxs.id}`, undefined, {}, maryKey);
    expect(refused.status).toBe(403);
    const page = await call('GET', `/leads?cursor=${made[0]!.id - 1}&limit=200`, undefined, {}, maryKey);
    const seen = page.body.data.map((l: { id: number }) => l.id);
    expect(seen).toContain(marys.id);
    expect(seen).not.toContain(maxs.id);
    // a deal she creates is hers; a deal for a colleague is not hers to make
    expect((await call('POST', '/deals', { title: 'Mine' }, {}, maryKey)).body.ownerId).toBe(mary!.userId);
    expect((await call('POST', '/deals', { title: 'His', ownerId: max!.userId }, {}, maryKey)).status).toBe(403);
  });

  it("a member's key authenticates no more once the member is deactivated, and again once they are back", async () => {
    // off duty: the round robin of the other tests never picks her
    const extra = await db.user.create({ data: { workspaceId, name: 'Leaving Lena', role: 'manager', onDuty: false } });
    const lenaKey = (await createApiKey(dbContext(db), system, { name: 'lena', scopes: ['leads:read'], userId: extra.id })).key;
    expect((await call('GET', '/leads?limit=1', undefined, {}, lenaKey)).status).toBe(200);
    await db.user.update({ where: { id: extra.id }, data: { active: false } });
    const refused = await call('GET', '/leads?limit=1', undefined, {}, lenaKey);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer');
    await db.user.update({ where: { id: extra.id }, data: { active: true } });
    expect((await call('GET', '/leads?limit=1', undefined, {}, lenaKey)).status).toBe(200);
    // the key's use is recorded (at most once a minute)
    expect((await db.apiKey.findFirstOrThrow({ where: { userId: extra.id } })).lastUsedAt).not.toBeNull();
  });

  it('a key over its rate limit gets 429 with Retry-After', async () => {
    const tight = new RedisRequestLimiter(inject('redisUrl'), testPrefix('t-api-rl'), { form_ip: 1, form: 1, api_key: 2 });
    const edge = await startHttpServer({ port: 0, host: '127.0.0.1', logger: log, routes: [apiRoutes({ engine, limiter: tight })] });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${edge.url}/api/v1/leads`, { headers: { authorization: `Bearer ${key}` } });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await edge.close();
      await tight.close();
    }
  });
});

describe('leads and contacts', () => {
  it('creates a lead and its contact, assigned round robin and notified; the same e-mail again joins that lead', async () => {
    const email = `api-${randomUUID().slice(0, 6)}@example.com`;
    const res = await call('POST', '/leads', {
      name: 'Petr Ivanov',
      email,
      phone: '+7 916 000 11 22',
      company: 'Acme',
      message: 'Need a quote',
      source: 'partner-site',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'new', source: 'web', message: 'Need a quote\nsource: partner-site' });
    expect(managers.map((m) => m.userId)).toContain(res.body.assigneeId);
    // the 201 carries the lead as its turn stored it: the same as reading it back
    expect((await call('GET', `/leads/${res.body.id}`)).body).toEqual(res.body);
    const contact = await call('GET', `/contacts/${res.body.contactId}`);
    expect(contact.body).toMatchObject({ name: 'Petr Ivanov', company: 'Acme', emails: [email], phones: ['+79160001122'], tags: [], fields: {} });
    await db.contact.update({ where: { id: res.body.contactId }, data: { tags: ['vip'], fields: { INN: '7701' } } });
    expect((await call('GET', `/contacts/${res.body.contactId}`)).body).toMatchObject({ tags: ['vip'], fields: { INN: '7701' } });
    const assignee = managers.find((m) => m.userId === res.body.assigneeId)!;
    const note = await waitFor(() => sender.sent.find((s) => s.chatId === assignee.chatId && s.text.includes(`#${res.body.id}`)), 'the notification');
    expect(note.text).toContain('Need a quote');

    const again = await call('POST', '/leads', { name: 'Petr', email: email.toUpperCase(), message: 'Any news?' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
  });

  it("takes the customer's road: AI extraction asked for; no acknowledgement is queued to a customer without a chat", async () => {
    const email = `road-${randomUUID().slice(0, 6)}@example.com`;
    const res = await call('POST', '/leads', { name: 'Road Test', email, message: 'We need 40 seats by March, budget 2M' });
    expect(res.status).toBe(201);
    expect(aiJobs).toContainEqual({ kind: 'extract', workspaceId, leadId: res.body.id });
    // the turn's items are queued together: once its notice is out and the queue is empty, an acknowledgement would have been handled too
    const assignee = managers.find((m) => m.userId === res.body.assigneeId)!;
    await waitFor(() => sender.sent.find((s) => s.chatId === assignee.chatId && s.text.includes(`#${res.body.id}`)), 'the notification');
    await queuesDrained(workers.outbox.queue);
    // the web channel has no chat: the 201 is the answer; nothing queued to the customer, no failed delivery on their timeline
    const identity = await db.identity.findFirstOrThrow({ where: { workspaceId, channel: 'web', contactId: res.body.contactId } });
    expect(await db.outboundDelivery.count({ where: { workspaceId, identityId: identity.id } })).toBe(0);
    expect(identity.unreachable).toBe(false);
    expect(await db.activity.count({ where: { contactId: res.body.contactId, type: 'delivery.failed' } })).toBe(0);
    // a returning contact's message joins the lead: no second extraction
    const again = await call('POST', '/leads', { name: 'Road Test', email, message: 'Any news?' });
    expect(again.body.id).toBe(res.body.id);
    expect(aiJobs.filter((j) => j.kind === 'extract' && j.leadId === res.body.id)).toHaveLength(1);
  });

  it("a contact upsert whose phone is another contact's asks the older record's owner to merge them, as chat does", async () => {
    const email = `merge-${randomUUID().slice(0, 6)}@example.com`;
    const phone = `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    // the older record: a lead's contact, assigned to a manager; the newer: a contact known by the phone only
    const lead = await call('POST', '/leads', { name: 'Anna Older', email, message: 'Hello' });
    expect(lead.status).toBe(201);
    const newer = await call('POST', '/contacts', { name: 'Anna Newer', phone });
    expect(newer.status).toBe(201);
    expect(newer.body.id).not.toBe(lead.body.contactId);

    // the same person with both keys: the e-mail finds the older contact; the phone stays the newer one's
    const both = await call('POST', '/contacts', { name: 'Anna', email, phone });
    expect(both.status).toBe(200);
    expect(both.body.id).toBe(lead.body.contactId);
    const proposal = await waitFor(
      () => db.contactMerge.findFirst({ where: { workspaceId, keepId: lead.body.contactId, mergeId: newer.body.id } }),
      'the merge proposal',
    );
    expect(proposal).toMatchObject({ status: 'proposed', reason: 'phone', proposedToUserId: lead.body.assigneeId });
    const owner = managers.find((m) => m.userId === lead.body.assigneeId)!;
    const asked = await waitFor(
      () => sender.sent.find((s) => s.chatId === owner.chatId && s.text.startsWith('👥 One customer?') && s.text.includes(`#${newer.body.id}`)),
      'the question',
    );
    expect(asked.text).toContain(`matches your contact #${lead.body.contactId}`);
    expect(asked.buttons?.flat().map((b) => b.data)).toEqual([`merge:do:${proposal.id}`, `merge:keep:${proposal.id}`]);

    // asked once: the same upsert again proposes nothing new
    expect((await call('POST', '/contacts', { name: 'Anna', email, phone })).status).toBe(200);
    expect(await db.contactMerge.count({ where: { workspaceId, keepId: lead.body.contactId } })).toBe(1);
  });

  it('422 names the fields at fault and writes nothing', async () => {
    const before = await db.contact.count({ where: { workspaceId } });
    const none = await call('POST', '/leads', { name: 'Nobody' });
    expect(none.status).toBe(422);
    expect(none.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'phone']);
    const bad = await call('POST', '/leads', { name: 'Bad', phone: '123' });
    expect(bad.body.errors).toEqual([{ in: 'body', field: 'phone', message: 'is not a phone number' }]);
    const schema = await call('POST', '/leads', { email: 'a@b.co' });
    expect(schema.status).toBe(400);
    expect(schema.body.errors[0]).toMatchObject({ in: 'body', field: 'name' });
    expect(await db.contact.count({ where: { workspaceId } })).toBe(before);
    expect((await call('GET', '/leads/999999999')).status).toBe(404);
  });

  it('upserts a contact by e-mail, then phone; searches', async () => {
    const email = `c-${randomUUID().slice(0, 6)}@example.com`;
    const first = await call('POST', '/contacts', { name: 'Olga Petrova', email });
    expect(first.status).toBe(201);
    const second = await call('POST', '/contacts', { email, phone: '8 916 333 44 55', company: 'Romashka' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, name: 'Olga Petrova', company: 'Romashka', phones: ['+79163334455'] });
    const byPhone = await call('POST', '/contacts', { phone: '+79163334455' });
    expect(byPhone.body.id).toBe(first.body.id);
    const found = await call('GET', `/contacts?q=${encodeURIComponent('olga petr')}`);
    expect(found.body.data.map((c: { id: number }) => c.id)).toContain(first.body.id);
  });

  it('pages through leads with a cursor and filters', async () => {
    const made: number[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await call('POST', '/leads', { name: `Page ${i}`, email: `page-${i}-${randomUUID().slice(0, 6)}@example.com` })).body.id);
    const seen: number[] = [];
    let cursor: number | null = made[0]! - 1;
    let pages = 0;
    while (cursor !== null) {
      const page = await call('GET', `/leads?limit=2&status=new&source=web&cursor=${cursor}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((l: { id: number }) => l.id));
      cursor = page.body.next;
      pages++;
    }
    expect(seen.filter((id) => made.includes(id))).toEqual(made);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect((await call('GET', '/leads?status=open')).status).toBe(400);
  });
});

describe('deals and tasks', () => {
  it('creates a deal, moves it to a stage and wins it', async () => {
    const lead = await call('POST', '/leads', { name: 'Deal Co', email: `deal-${randomUUID().slice(0, 6)}@example.com` });
    const owner = managers[0]!.userId;
    const deal = await call('POST', '/deals', { title: 'Acme license', amount: '120000.50', currency: 'RUB', contactId: lead.body.contactId, ownerId: owner });
    expect(deal.status).toBe(201);
    expect(deal.body).toMatchObject({ title: 'Acme license', amount: '120000.50', currency: 'RUB', status: 'open', stage: { name: 'New' }, ownerId: owner });
    const moved = await call('POST', `/deals/${deal.body.id}/stage`, { stage: 'negotiation' });
    expect(moved.status).toBe(200);
    expect(moved.body.stage.name).toBe('Negotiation');
    const won = await call('POST', `/deals/${deal.body.id}/won`, {});
    expect(won.body).toMatchObject({ status: 'won', stage: { kind: 'won' } });
    // a closed deal does not move (conflict); an unknown stage is refused by name
    expect((await call('POST', `/deals/${deal.body.id}/stage`, { stage: 'proposal' })).status).toBe(409);
    const open = await call('POST', '/deals', { title: 'Second', ownerId: owner });
    expect((await call('POST', `/deals/${open.body.id}/stage`, { stage: 'no such stage' })).status).toBe(404);
    expect((await call('POST', '/deals', { title: 'No owner' })).status).toBe(422);
    const lost = await call('POST', `/deals/${open.body.id}/lost`, { reason: 'too expensive' });
    expect(lost.body).toMatchObject({ status: 'lost', lostReason: 'too expensive', stage: { kind: 'lost' } });
    expect((await call('POST', `/deals/${open.body.id}/lost`, {})).status).toBe(400);
  });

  it('creates and lists tasks', async () => {
    const assigneeId = managers[1]!.userId;
    const dueAt = new Date(Date.now() + 3 * 86400_000).toISOString();
    const task = await call('POST', '/tasks', { title: 'Call Petr', dueAt, assigneeId });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ title: 'Call Petr', assigneeId, status: 'open' });
    const list = await call('GET', `/tasks?window=upcoming&assigneeId=${assigneeId}`);
    expect(list.body.data.map((t: { id: number }) => t.id)).toContain(task.body.id);
    expect((await call('GET', `/tasks/${task.body.id}`)).body.id).toBe(task.body.id);
  });
});

describe('bad input', () => {
  /** A raw request: the body and Content-Type as given. */
  async function raw(path: string, body: string, contentType: string) {
    const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }
  const revealsNothing = (text: string) => {
    for (const inner of ['SyntaxError', '    at ', 'node_modules', '.ts:', 'prisma', 'postgres', '127.0.0.1', 'FST_']) expect(text).not.toContain(inner);
  };

  it('a body over the cap is 413, malformed JSON 400, another Content-Type 415: problem+json, nothing written, nothing internal', async () => {
    const before = await db.contact.count({ where: { workspaceId } });
    const big = await raw('/leads', JSON.stringify({ name: 'Big', email: 'big@example.com', message: 'x'.repeat(1024 * 1024 + 10) }), 'application/json');
    expect(big.status).toBe(413);
    const broken = await raw('/leads', '{"name": "Broken", "email": ', 'application/json');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ status: 400, detail: 'The body is not valid JSON.' });
    const xml = await raw('/leads', '<lead><name>X</name></lead>', 'application/xml');
    expect(xml.status).toBe(415);
    const unknown = await call('GET', '/nothing-here');
    expect(unknown.status).toBe(404);
    for (const r of [big, broken, xml]) {
      expect(r.type).toContain('application/problem+json');
      revealsNothing(r.text);
    }
    revealsNothing(JSON.stringify(unknown.body));
    expect(await db.contact.count({ where: { workspaceId } })).toBe(before);
  });
});

describe('Idempotency-Key', () => {
  it('a replay returns the first answer and writes nothing; another body with the key is 422', async () => {
    const idem = randomUUID();
    const body = { name: 'Retry Ltd', email: `idem-${randomUUID().slice(0, 6)}@example.com` };
    const first = await call('POST', '/leads', body, { 'idempotency-key': idem });
    expect(first.status).toBe(201);
    const [leads, contacts, messages] = await Promise.all([
      db.lead.count({ where: { workspaceId } }),
      db.contact.count({ where: { workspaceId } }),
      db.message.count({ where: { workspaceId } }),
    ]);
    const replay = await call('POST', '/leads', body, { 'idempotency-key': idem });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await db.lead.count({ where: { workspaceId } })).toBe(leads);
    expect(await db.contact.count({ where: { workspaceId } })).toBe(contacts);
    expect(await db.message.count({ where: { workspaceId } })).toBe(messages);
    const other = await call('POST', '/leads', { ...body, name: 'Other' }, { 'idempotency-key': idem });
    expect(other.status).toBe(422);
    // a refused first request is replayed as refused
    const refusedKey = randomUUID();
    expect((await call('POST', '/leads', { name: 'No keys' }, { 'idempotency-key': refusedKey })).status).toBe(422);
    const refusedAgain = await call('POST', '/leads', { name: 'No keys' }, { 'idempotency-key': refusedKey });
    expect(refusedAgain.status).toBe(422);
    expect(refusedAgain.headers.get('idempotency-replayed')).toBe('true');
  });
});

describe('OpenAPI', () => {
  it('the document is valid OpenAPI 3.1 and lists every API route; the docs page is served', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const expected: Array<[string, string]> = [
      ['post', '/api/v1/leads'],
      ['get', '/api/v1/leads'],
      ['get', '/api/v1/leads/{id}'],
      ['post', '/api/v1/contacts'],
      ['get', '/api/v1/contacts'],
      ['get', '/api/v1/contacts/{id}'],
      ['post', '/api/v1/deals'],
      ['get', '/api/v1/deals/{id}'],
      ['post', '/api/v1/deals/{id}/stage'],
      ['post', '/api/v1/deals/{id}/won'],
      ['post', '/api/v1/deals/{id}/lost'],
      ['post', '/api/v1/tasks'],
      ['get', '/api/v1/tasks'],
      ['get', '/api/v1/tasks/{id}'],
      ['get', '/health'],
      ['get', '/ready'],
    ];
    for (const [method, path] of expected) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeTruthy();
    const apiPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/'));
    expect(apiPaths.sort()).toEqual([...new Set(expected.filter(([, p]) => p.startsWith('/api/v1/')).map(([, p]) => p))].sort());
    const docs = await fetch(`${server.url}/api/v1/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});
