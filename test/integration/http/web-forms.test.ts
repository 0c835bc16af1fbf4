// Web forms over real HTTP: urlencoded, multipart and JSON posts (a phone-only one included)
// become leads through the durable inbound queue and the real chat worker: contact deduped by
// e-mail/phone, lead assigned round robin, the manager notified. Refusals queue nothing.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { addForm, findFormByKey, removeForm } from '../../../core/forms/forms.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { RedisRequestLimiter } from '../../../connectors/queue/request-limiter.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { startChatWorker, type ChatWorker } from '../../../bots/chat-runtime.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { webFormRoute } from '../../../bots/http/web-form-route.js';
import { WebFormSender } from '../../../bots/http/web-form-sender.js';
import { testPrefix } from '../../support/redis-keys.js';

const db = testDb();
const log = pino({ level: 'silent' });
const sender = new RecordingSender();
let server: RunningHttpServer;
let inbound: InboundQueue;
let limiter: RedisRequestLimiter;
let workers: RunningWorkers;
let chat: ChatWorker;
let workspaceId: number;
let managers: Array<{ userId: number; chatId: string }>;
let formKey: string;
let redirectKey: string;
let limitedKey: string;
let refuseKey: string;

beforeAll(async () => {
  const team = await pushWorkspace(db, [{ name: 'Mary' }, { name: 'Max' }]);
  workspaceId = team.workspace.id;
  managers = team.members;
  const ctx = dbContext(db);
  const system = systemActor(team.workspace);
  formKey = (await addForm(ctx, system, { name: 'Site' })).formKey;
  redirectKey = (await addForm(ctx, system, { name: 'Landing', redirectUrl: 'https://example.com/thanks', allowedOrigins: ['https://example.com'] })).formKey;
  limitedKey = (await addForm(ctx, system, { name: 'Limited' })).formKey;
  refuseKey = (await addForm(ctx, system, { name: 'Refusals' })).formKey;

  const settings = queueSettings(inject('redisUrl'), testPrefix('t-forms'));
  inbound = new InboundQueue(settings);
  // per IP 3/min and per form 8/min are for the rate-limit test only: the other posts come from other addresses (X-Forwarded-For, trusted)
  limiter = new RedisRequestLimiter(inject('redisUrl'), settings.prefix, { form_ip: 3, form: 8, api_key: 100 });
  const senders = { console: sender, web: new WebFormSender() };
  workers = await startWorkers({ ctx, settings, senders, logger: log, reconcile: false });
  chat = startChatWorker({
    db,
    settings,
    workspaceId,
    outbox: workers.outbox,
    scheduler: workers.scheduler,
    logger: log,
    concurrency: 4,
  });
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    trustProxy: true,
    logger: log,
    routes: [webFormRoute({ findForm: (k) => findFormByKey(ctx, k), enqueue: (m, o) => inbound.enqueue(m, o), limiter, bodyLimit: 4096 })],
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await chat?.close();
  await workers?.close();
  await inbound?.close();
  await limiter?.close();
});

let ipSeq = 0;
const freshIp = () => `198.51.100.${++ipSeq}`;

function post(key: string, body: string | URLSearchParams | FormData, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/forms/${key}`, { method: 'POST', body, headers: { 'x-forwarded-for': freshIp(), ...headers }, redirect: 'manual' });
}

async function leadOf(where: { email?: string; phone?: string }) {
  return waitFor(
    async () => {
      const contact = where.email
        ? await db.contact.findFirst({ where: { workspaceId, emails: { some: { email: where.email } } } })
        : await db.contact.findFirst({ where: { workspaceId, phones: { some: { phone: where.phone! } } } });
      if (!contact) return null;
      return db.lead.findFirst({ where: { contactId: contact.id }, include: { contact: true } });
    },
    `a lead for ${JSON.stringify(where)}`,
  );
}

function notified(leadId: number) {
  return waitFor(
    () => sender.sent.find((s) => s.text.includes(`#${leadId}`) && managers.some((m) => m.chatId === s.chatId)),
    `the notification of lead #${leadId}`,
  );
}

describe('web form posts become leads', () => {
  it('urlencoded (Contact Form 7 names, an unknown field kept, Russian labels)', async () => {
    const email = `anna-${randomUUID().slice(0, 6)}@example.com`;
    const form = new URLSearchParams({
      'your-name': 'Anna Smirnova',
      'your-email': email,
      'your-message': 'Need 20 licenses',
      utm_source: 'google',
      _wpnonce: 'x',
    });
    const res = await post(formKey, form);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'accepted' });
    const lead = await leadOf({ email });
    expect(lead.source).toBe('web');
    expect(lead.contact.name).toBe('Anna Smirnova');
    expect(lead.firstMessage).toBe('Need 20 licenses\nutm_source: google');
    expect(lead.assigneeId).not.toBeNull();
    const note = await notified(lead.id);
    expect(note.chatId).toBe(managers.find((m) => m.userId === lead.assigneeId)!.chatId);
    expect(note.text).toContain('Need 20 licenses');
  });

  it('multipart with a phone only (Russian field names) creates a lead, deduped on the next post', async () => {
    const fd = new FormData();
    fd.append('имя', 'Иван');
    fd.append('телефон', '8 (916) 555-12-34');
    fd.append('сообщение', 'Перезвоните мне');
    fd.append('attachment', new Blob(['hello']), 'brief.txt');
    const res = await post(formKey, fd);
    expect(res.status).toBe(202);
    const lead = await leadOf({ phone: '+79165551234' });
    expect(lead.contact.name).toBe('Иван');
    expect(lead.firstMessage).toContain('Перезвоните мне');
    expect(lead.firstMessage).toContain('attachment: brief.txt (5 B, not kept)');
    await notified(lead.id);

    // the same phone in another format, now with an e-mail: the same contact, no second lead
    const again = await post(formKey, JSON.stringify({ phone: '+7 916 555 12 34', email: 'ivan@example.ru', message: 'И ещё вопрос' }), {
      'content-type': 'application/json',
    });
    expect(again.status).toBe(202);
    await waitFor(() => db.message.findFirst({ where: { workspaceId, text: 'И ещё вопрос' } }), 'the second message');
    expect(await db.lead.count({ where: { contactId: lead.contactId } })).toBe(1);
    expect(await db.contact.count({ where: { workspaceId, phones: { some: { phone: '+79165551234' } } } })).toBe(1);
  });

  it('JSON with an e-mail only, company kept on the contact', async () => {
    const email = `json-${randomUUID().slice(0, 6)}@example.org`;
    const res = await post(formKey, JSON.stringify({ name: 'Olga', email, company: 'Acme', comment: 'Demo please' }), {
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(res.status).toBe(202);
    const lead = await leadOf({ email });
    const company = await db.company.findFirst({ where: { id: lead.contact.companyId ?? -1 } });
    expect(company?.name).toBe('Acme');
    await notified(lead.id);
  });

  it("a manager's answer to a form's customer is refused at once: call or e-mail them; nothing is stored, queued or refused later", async () => {
    const email = `answer-${randomUUID().slice(0, 6)}@example.org`;
    const res = await post(formKey, JSON.stringify({ name: 'Irina', email, phone: '+7 916 555 01 02', message: 'Call me back' }), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(202);
    const lead = await leadOf({ email });
    await notified(lead.id);
    const manager = managers.find((m) => m.userId === lead.assigneeId)!;
    const before = sender.sent.length;
    await inbound.enqueue({
      channel: 'console',
      externalUserId: `console-${manager.userId}-${workspaceId}`,
      externalChatId: manager.chatId,
      text: `/reply ${lead.id} We can offer 20 seats`,
      attachments: [],
      dedupeKey: `form-answer:${lead.id}`,
      receivedAt: new Date().toISOString(),
      messageExternalId: `form-answer-${lead.id}`,
    });
    const told = await waitFor(() => sender.sent.slice(before).find((s) => s.chatId === manager.chatId), 'the answer to /reply');
    expect(told.text).toBe(
      'Not sent: Irina wrote through a web form or the API, where there is no chat to answer in. Call or e-mail them: the phone and e-mail they gave are on the contact.',
    );
    // nothing went the outbound way: no outbound message, no delivery, the customer not marked unreachable
    expect(await db.message.count({ where: { workspaceId, conversation: { contactId: lead.contactId }, direction: 'outbound' } })).toBe(0);
    const identity = await db.identity.findFirstOrThrow({ where: { workspaceId, contactId: lead.contactId, channel: 'web' } });
    expect(await db.outboundDelivery.count({ where: { workspaceId, identityId: identity.id } })).toBe(0);
    expect(identity.unreachable).toBe(false);
  });

  it('a plain HTML form set up with a redirect gets 303; a script from an allowed origin gets CORS', async () => {
    const email = `redir-${randomUUID().slice(0, 6)}@example.com`;
    const res = await post(redirectKey, new URLSearchParams({ name: 'R', email }), { accept: 'text/html' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://example.com/thanks');
    await leadOf({ email });

    const pre = await fetch(`${server.url}/forms/${redirectKey}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://example.com');
    const script = await post(redirectKey, JSON.stringify({ email: `s-${email}` }), { 'content-type': 'application/json', origin: 'https://example.com' });
    expect(script.status).toBe(202);
    expect(script.headers.get('access-control-allow-origin')).toBe('https://example.com');
    const foreign = await post(redirectKey, JSON.stringify({ email: `f-${email}` }), { 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
  });
});

describe('refused posts queue nothing', () => {
  it('neither phone nor e-mail: 422 naming the fields; a malformed phone is named', async () => {
    const before = await inbound.queue.count();
    const res = await post(refuseKey, new URLSearchParams({ name: 'No Contact', message: 'hi' }));
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'phone']);
    const bad = await post(refuseKey, new URLSearchParams({ tel: '12', name: 'X' }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: unknown }).errors).toEqual([{ in: 'body', field: 'tel', message: '"12" is not a phone number' }]);
    expect(await inbound.queue.count()).toBe(before);
  });

  it('a filled honeypot is refused', async () => {
    const email = `bot-${randomUUID().slice(0, 6)}@example.com`;
    const res = await post(refuseKey, new URLSearchParams({ email, _gotcha: 'http://spam.example' }));
    expect(res.status).toBe(400);
    // sentinel: a real post after it is stored, the robot's never was
    const real = `real-${randomUUID().slice(0, 6)}@example.com`;
    expect((await post(refuseKey, new URLSearchParams({ email: real }))).status).toBe(202);
    await leadOf({ email: real });
    expect(await db.contactEmail.count({ where: { workspaceId, email } })).toBe(0);
  });

  it('per-IP and per-form limits answer 429 with Retry-After; an unknown or removed key is 404', async () => {
    const ip = '203.0.113.77';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await post(limitedKey, new URLSearchParams({ email: `ip${i}-${randomUUID().slice(0, 4)}@example.com` }), { 'x-forwarded-for': ip });
      statuses.push(r.status);
      if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    // the form's own limit (8/min): the post refused for its address never counted against it
    const more = [];
    for (let i = 0; i < 6; i++) more.push((await post(limitedKey, new URLSearchParams({ email: `f${i}-${randomUUID().slice(0, 4)}@example.com` }))).status);
    expect(more).toEqual([202, 202, 202, 202, 202, 429]);

    expect((await post('f_AAAAAAAAAAAAAAAAAAAAAA', new URLSearchParams({ email: 'a@b.co' }))).status).toBe(404);
    const gone = await addForm(dbContext(db), { userId: 0, workspaceId, role: 'admin', locale: 'en', timezone: 'UTC' }, { name: 'Gone' });
    await removeForm(dbContext(db), { userId: 0, workspaceId, role: 'admin', locale: 'en', timezone: 'UTC' }, gone.id);
    expect((await post(gone.formKey, new URLSearchParams({ email: 'a@b.co' }))).status).toBe(404);
  });

  it('a body over the cap is 413 before it is read', async () => {
    const res = await post(refuseKey, new URLSearchParams({ email: 'big@example.com', message: 'x'.repeat(10_000) }));
    expect(res.status).toBe(413);
    const fd = new FormData();
    fd.append('email', 'big2@example.com');
    fd.append('file', new Blob(['y'.repeat(10_000)]), 'big.bin');
    expect((await post(refuseKey, fd)).status).toBe(413);
  });
});

describe('the inbound queue away', () => {
  it('answers 503 and takes nothing', async () => {
    const dead = new InboundQueue(queueSettings('redis://127.0.0.1:9', testPrefix('t-forms-dead')), { enqueueTimeoutMs: 300 });
    const edge = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: log,
      routes: [webFormRoute({ findForm: (k) => findFormByKey(dbContext(db), k), enqueue: (m, o) => dead.enqueue(m, o), limiter, bodyLimit: 4096 })],
    });
    try {
      const res = await fetch(`${edge.url}/forms/${formKey}`, {
        method: 'POST',
        body: new URLSearchParams({ email: 'later@example.com' }),
        headers: { 'x-forwarded-for': freshIp() },
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
    } finally {
      await edge.close();
      await dead.close().catch(() => undefined);
    }
  });
});
