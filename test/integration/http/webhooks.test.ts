// Outgoing webhooks end to end: events written by the core use cases' transactions (the
// outbox trigger), relayed to the `webhooks` queue and posted signed. The receiver fails the
// first 3 attempts of each delivery and the worker process is SIGKILLed between attempts;
// lead.created and deal.stage_changed still arrive exactly once each (per delivery id), with
// valid signatures. An endpoint that keeps failing is turned off and its owner told in chat.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { assignLead, captureLead, takeLead } from '../../../core/leads/index.js';
import { createTask } from '../../../core/tasks/index.js';
import { findOrCreateContact } from '../../../core/contacts/index.js';
import { createDeal, markDealLost, markDealWon, moveDealToStage, reopenDeal } from '../../../core/deals/index.js';
import { addWebhook, WEBHOOK_EVENTS } from '../../../core/webhooks/endpoints.js';
import { verifyWebhook } from '../../../core/webhooks/signature.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWebhookWorkers } from '../../../connectors/queue/webhook-queue.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { testPrefix } from '../../support/redis-keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const db = testDb();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

interface Received {
  delivery: string;
  type: string;
  eventId: string;
  status: number;
  verified: boolean;
  body: { id: string; type: string; workspace: string; data: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A receiver that answers 500 to the first `failFirst` attempts of each delivery, then 200.
 * `onPost` runs before it answers (the test kills a worker there, mid-attempt).
 */
async function receiver(secret: () => string, failFirst: number, onPost: (r: { delivery: string; type: string; attempt: number }) => void = () => {}) {
  const got: Received[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const delivery = String(req.headers['leadline-delivery']);
      const n = (attempts.get(delivery) ?? 0) + 1;
      attempts.set(delivery, n);
      const status = n <= failFirst ? 500 : 200;
      const body = JSON.parse(raw);
      onPost({ delivery, type: String(req.headers['leadline-event']), attempt: n });
      got.push({
        delivery,
        type: String(req.headers['leadline-event']),
        eventId: body.id,
        status,
        verified: verifyWebhook(secret(), String(req.headers['leadline-signature']), raw, Math.floor(Date.now() / 1000)),
        body,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** A worker process logging at debug level; what it logs is kept in `logs`. */
function spawnWorker(prefix: string, logs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'webhook-worker.ts')], {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), PREFIX: prefix, WEBHOOK_LOG: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  cleanups.push(async () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`webhook worker exited early with ${code}`)));
  });
}

describe('outgoing webhooks', () => {
  it('lead.created and deal.stage_changed arrive exactly once, signed, through 3 failures and a worker SIGKILLed mid-attempt', async () => {
    const team = await pushWorkspace(db, [{ name: 'Mary' }]);
    const ctx = dbContext(db);
    const system = systemActor(team.workspace);
    let secret = '';
    const prefix = testPrefix('t-wh');
    const logs: string[] = [];
    let worker: ChildProcess | undefined;
    let killed: Promise<unknown> | undefined;
    // the worker dies while the lead's first attempt is at the receiver: it never reads the answer
    const rx = await receiver(
      () => secret,
      3,
      (post) => {
        if (post.type === 'lead.created' && post.attempt === 1 && !killed && worker) {
          killed = new Promise((r) => worker!.once('exit', r));
          worker.kill('SIGKILL');
        }
      },
    );
    const hook = await addWebhook(ctx, system, { url: rx.url, events: ['lead.created', 'deal.stage_changed'] });
    secret = hook.secret;
    worker = await spawnWorker(prefix, logs);

    const { contact } = await findOrCreateContact(ctx, system, { email: `wh-${randomUUID().slice(0, 6)}@example.com`, name: 'Hook Customer' });
    const lead = await captureLead(ctx, system, { contactId: contact.id, source: 'web', text: 'Webhook me' });
    const deal = await createDeal(ctx, system, { title: 'Hook deal', ownerId: team.members[0]!.userId, contactId: contact.id });
    await moveDealToStage(ctx, system, deal.id, 'qualified');
    // a deal.created is not subscribed: no event is written for it
    await waitFor(() => killed !== undefined, 'the worker killed mid-attempt');
    await killed;
    worker = await spawnWorker(prefix, logs);

    const ok = (type: string) => rx.got.filter((g) => g.type === type && g.status === 200);
    await waitFor(() => ok('lead.created').length > 0 && ok('deal.stage_changed').length > 0, 'both events delivered', 30_000);
    // sentinel: a later lead arrives after everything before it was settled
    const { contact: later } = await findOrCreateContact(ctx, system, { email: `late-${randomUUID().slice(0, 6)}@example.com`, name: 'Sentinel' });
    const sentinel = await captureLead(ctx, system, { contactId: later.id, source: 'web', text: 'sentinel' });
    await waitFor(() => ok('lead.created').some((g) => g.body.data.lead.id === sentinel.id), 'the sentinel delivered', 30_000);

    const leadEvents = rx.got.filter((g) => g.type === 'lead.created' && g.body.data.lead.id === lead.id);
    const stageEvents = rx.got.filter((g) => g.type === 'deal.stage_changed');
    // one delivery (one id) per event, refused 3 times (the first while its worker died), then accepted once
    for (const posts of [leadEvents, stageEvents]) {
      expect(new Set(posts.map((g) => g.delivery)).size).toBe(1);
      expect(new Set(posts.map((g) => g.eventId)).size).toBe(1);
      expect(posts.map((g) => g.status)).toEqual([500, 500, 500, 200]);
    }
    expect(rx.got.every((g) => g.verified)).toBe(true);
    expect(rx.got.some((g) => g.type === 'deal.created')).toBe(false);
    expect(leadEvents[0]!.body).toMatchObject({
      type: 'lead.created',
      workspace: team.workspace.slug,
      data: { lead: { id: lead.id, title: 'Webhook me' }, contact: { id: contact.id } },
    });
    expect(stageEvents[0]!.body.data).toMatchObject({ deal: { id: deal.id, stage: { name: 'Qualified' } }, change: { from: 'New', to: 'Qualified' } });

    // every finished attempt is recorded; the one cut short by the SIGKILL is not
    // the worker records an attempt after the receiver answered it: wait for the sentinel's record too
    await waitFor(
      () => db.webhookDelivery.count({ where: { endpointId: hook.id, status: 'delivered' } }).then((n) => n >= 3 || null),
      'the deliveries recorded',
    );
    const rows = await db.webhookDelivery.findMany({ where: { endpointId: hook.id }, include: { attemptLog: { orderBy: { number: 'asc' } } } });
    expect(rows.filter((r) => r.status === 'delivered')).toHaveLength(3);
    const leadRow = rows.find((r) => r.id === leadEvents[0]!.delivery)!;
    expect(leadRow.attempts).toBe(3);
    expect(leadRow.attemptLog.map((a) => [a.number, a.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(leadRow.attemptLog[0]!.error).toBe('HTTP 500');
    for (const r of rows) {
      const posts = rx.got.filter((g) => g.delivery === r.id).length;
      expect(r.attemptLog).toHaveLength(r.attempts);
      expect(r.attempts).toBeGreaterThanOrEqual(posts - 1);
      expect(r.attempts).toBeLessThanOrEqual(posts);
    }
    // the signing secret is never logged, not even at debug level
    expect(logs.join('').length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(secret);
    worker.kill('SIGTERM');
  }, 90_000);

  it('deal.stage_changed is every stage change (won, lost and reopened included); won and lost have their own events too', async () => {
    const team = await pushWorkspace(db, [{ name: 'Stan' }]);
    const ctx = dbContext(db);
    const system = systemActor(team.workspace);
    await addWebhook(ctx, system, { url: 'http://127.0.0.1:9/stages', events: ['deal.stage_changed', 'deal.won', 'deal.lost'] });
    const owner = team.members[0]!.userId;
    const a = await createDeal(ctx, system, { title: 'Deal A', ownerId: owner });
    const b = await createDeal(ctx, system, { title: 'Deal B', ownerId: owner });
    await moveDealToStage(ctx, system, a.id, 'qualified');
    await markDealWon(ctx, system, a.id);
    await reopenDeal(ctx, system, a.id);
    await moveDealToStage(ctx, system, b.id, 'lost'); // a lost stage by name is a loss too
    await reopenDeal(ctx, system, b.id, 'proposal');
    await markDealLost(ctx, system, b.id, 'too expensive');
    const events = await db.webhookEvent.findMany({ where: { workspaceId: team.workspace.id }, orderBy: { id: 'asc' } });
    const seen = events.map((e) => {
      const d = e.data as { deal: { id: number }; change: { from: string; to: string } };
      return [d.deal.id === a.id ? 'A' : 'B', e.type, d.change.from, d.change.to];
    });
    expect(seen).toEqual([
      ['A', 'deal.stage_changed', 'New', 'Qualified'],
      ['A', 'deal.stage_changed', 'Qualified', 'Won'],
      ['A', 'deal.won', 'Qualified', 'Won'],
      ['A', 'deal.stage_changed', 'Won', 'Qualified'],
      ['B', 'deal.stage_changed', 'New', 'Lost'],
      ['B', 'deal.lost', 'New', 'Lost'],
      ['B', 'deal.stage_changed', 'Lost', 'Proposal'],
      ['B', 'deal.stage_changed', 'Proposal', 'Lost'],
      ['B', 'deal.lost', 'Proposal', 'Lost'],
    ]);
    // the deal as it was in the change's transaction, each event with its own id
    expect((events[2]!.data as { deal: { status: string; stage: { kind: string } } }).deal).toMatchObject({ status: 'won', stage: { kind: 'won' } });
    expect((events[8]!.data as { change: { reason: string } }).change.reason).toBe('too expensive');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('every event type is written by its change: lead.created, lead.assigned (assigned and taken), deal.*, task.due, message.received', async () => {
    const team = await pushWorkspace(db, [{ name: 'Ann' }, { name: 'Ben' }]);
    const ctx = dbContext(db);
    const system = systemActor(team.workspace);
    await addWebhook(ctx, system, { url: 'http://127.0.0.1:9/all', events: [...WEBHOOK_EVENTS] });
    const [ann, ben] = team.members;
    const { contact } = await findOrCreateContact(ctx, system, { email: `all-${randomUUID().slice(0, 6)}@example.com`, name: 'All Events' });
    const lead = await captureLead(ctx, system, { contactId: contact.id, source: 'web', text: 'Hello' });
    // captured for one manager (round robin), handed to the other, then left unassigned and taken by the first
    const [first, other] = lead.assigneeId === ann!.userId ? [ann!, ben!] : [ben!, ann!];
    await assignLead(ctx, system, lead.id, other.userId);
    await db.lead.update({ where: { id: lead.id }, data: { assigneeId: null } });
    await takeLead(ctx, { ...systemActor(team.workspace), userId: first.userId, role: 'manager' }, lead.id);
    const deal = await createDeal(ctx, system, { title: 'All', ownerId: ann!.userId, contactId: contact.id });
    await markDealWon(ctx, system, deal.id);
    const task = await createTask(ctx, system, { title: 'Call', dueAt: new Date(Date.now() + 60_000), assigneeId: ann!.userId, leadId: lead.id });
    // the rows the reminder claim and an inbound message write, whichever code path writes them
    await db.reminderDelivery.create({ data: { taskId: task.id, dueAt: task.dueAt } });
    const conversation = await db.conversation.create({ data: { workspaceId: team.workspace.id, contactId: contact.id, channel: 'web' } });
    await db.message.create({
      data: { workspaceId: team.workspace.id, conversationId: conversation.id, direction: 'inbound', channel: 'web', text: 'Hi there' },
    });
    await db.message.create({
      data: { workspaceId: team.workspace.id, conversationId: conversation.id, direction: 'outbound', channel: 'web', text: 'our answer' },
    });
    const events = await db.webhookEvent.findMany({ where: { workspaceId: team.workspace.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.type)).toEqual([
      'lead.created',
      'lead.assigned',
      'lead.assigned',
      'deal.created',
      'deal.stage_changed',
      'deal.won',
      'task.due',
      'message.received',
    ]);
    const data = (i: number) => events[i]!.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(data(1)).toMatchObject({ lead: { id: lead.id, assigneeId: other.userId }, change: { to: other.userId } });
    expect(data(2)).toMatchObject({ lead: { id: lead.id, assigneeId: first.userId }, change: { from: null, to: first.userId } });
    expect(data(6)).toMatchObject({ task: { id: task.id, title: 'Call', assigneeId: ann!.userId, leadId: lead.id } });
    expect(data(7)).toMatchObject({ message: { channel: 'web', text: 'Hi there' }, contact: { id: contact.id } });
  });

  it('a subscriber of deal.won only gets no deal.stage_changed', async () => {
    const team = await pushWorkspace(db, [{ name: 'Wendy' }]);
    const ctx = dbContext(db);
    const system = systemActor(team.workspace);
    await addWebhook(ctx, system, { url: 'http://127.0.0.1:9/won', events: ['deal.won'] });
    const deal = await createDeal(ctx, system, { title: 'Only won', ownerId: team.members[0]!.userId });
    await moveDealToStage(ctx, system, deal.id, 'proposal');
    await markDealWon(ctx, system, deal.id);
    const events = await db.webhookEvent.findMany({ where: { workspaceId: team.workspace.id } });
    expect(events.map((e) => e.type)).toEqual(['deal.won']);
  });

  it('a change that rolls back writes no event', async () => {
    const team = await pushWorkspace(db, [{ name: 'Rolf' }]);
    const system = systemActor(team.workspace);
    await addWebhook(dbContext(db), system, { url: 'http://127.0.0.1:9/none', events: ['lead.created'] });
    const { contact } = await findOrCreateContact(dbContext(db), system, { email: `rb-${randomUUID().slice(0, 6)}@example.com`, name: 'RB' });
    await expect(
      db.$transaction(async (tx) => {
        await captureLead(dbContext(tx), system, { contactId: contact.id, source: 'web', text: 'rolled back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await captureLead(dbContext(db), system, { contactId: contact.id, source: 'web', text: 'kept' });
    const events = await db.webhookEvent.findMany({ where: { workspaceId: team.workspace.id } });
    expect(events.map((e) => (e.data as { lead: { title: string } }).lead.title)).toEqual(['kept']);
  });

  it('an endpoint failing for the retry window is turned off and its owner told in chat', async () => {
    const sender = new RecordingSender();
    const team = await pushWorkspace(db, [{ name: 'Owner', locale: 'ru' }]);
    const system = systemActor(team.workspace);
    const ctx = dbContext(db);
    const rx = await receiver(() => '', 1_000_000);
    const hook = await addWebhook(ctx, system, { url: rx.url, events: ['lead.created'], ownerId: team.members[0]!.userId });
    const settings = queueSettings(inject('redisUrl'), testPrefix('t-wh-off'));
    const log = pino({ level: process.env.WH_DEBUG ? 'debug' : 'silent' });
    const workers = await startWorkers({ ctx, settings, senders: { console: sender }, logger: log, reconcile: false });
    cleanups.push(() => workers.close());
    const hooks = startWebhookWorkers({
      db,
      settings,
      outbox: workers.outbox,
      logger: log,
      policy: { backoffBaseMs: 50, backoffMaxMs: 100, retryMs: 600 },
      relayEveryMs: 100,
    });
    cleanups.push(() => hooks.close());
    const { contact } = await findOrCreateContact(ctx, system, { email: `off-${randomUUID().slice(0, 6)}@example.com`, name: 'Off' });
    await captureLead(ctx, system, { contactId: contact.id, source: 'web', text: 'nobody listens' });
    const notice = await waitFor(() => sender.sent.find((s) => s.chatId === team.members[0]!.chatId), 'the owner told', 20_000);
    expect(notice.text).toContain(`Вебхук #${hook.id}`);
    expect(notice.text).toContain('HTTP 500');
    const endpoint = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } });
    expect(endpoint.active).toBe(false);
    expect(await db.webhookDelivery.count({ where: { endpointId: hook.id, status: 'failed' } })).toBe(1);
    // each refused attempt is on record, the last one the failure that turned it off
    const attempts = await db.webhookAttempt.findMany({ where: { delivery: { endpointId: hook.id } }, orderBy: { number: 'asc' } });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((a) => a.status === 500 && a.error === 'HTTP 500')).toBe(true);
    expect(attempts.map((a) => a.number)).toEqual(attempts.map((_, i) => i + 1));
  }, 60_000);
});
