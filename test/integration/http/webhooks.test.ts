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
import { coreContext } from '../../../core/context.js';
import { systemActor } from '../../../core/actor.js';
import { captureLead } from '../../../core/leads/index.js';
import { findOrCreateContact } from '../../../core/contacts/index.js';
import { createDeal, moveDealToStage } from '../../../core/deals/index.js';
import { addWebhook } from '../../../core/webhooks/endpoints.js';
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

/** A receiver that answers 500 to the first `failFirst` attempts of each delivery, then 200. */
async function receiver(secret: () => string, failFirst: number) {
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

function spawnWorker(prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'webhook-worker.ts')], {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`webhook worker exited early with ${code}`)));
  });
}

describe('outgoing webhooks', () => {
  it('lead.created and deal.stage_changed arrive exactly once, signed, through 3 failures and a SIGKILLed worker', async () => {
    const team = await pushWorkspace(db, [{ name: 'Mary' }]);
    const ctx = coreContext(db);
    const system = systemActor(team.workspace);
    let secret = '';
    const rx = await receiver(() => secret, 3);
    const hook = await addWebhook(ctx, system, { url: rx.url, events: ['lead.created', 'deal.stage_changed'] });
    secret = hook.secret;
    const prefix = testPrefix('t-wh');
    let worker = await spawnWorker(prefix);

    const { contact } = await findOrCreateContact(ctx, system, { email: `wh-${randomUUID().slice(0, 6)}@example.com`, name: 'Hook Customer' });
    const lead = await captureLead(ctx, system, { contactId: contact.id, source: 'web', text: 'Webhook me' });
    const deal = await createDeal(ctx, system, { title: 'Hook deal', ownerId: team.members[0]!.userId, contactId: contact.id });
    await moveDealToStage(ctx, system, deal.id, 'qualified');
    // a deal.created is not subscribed: no event is written for it
    // kill the worker once the receiver has refused the first attempt, start another
    await waitFor(() => rx.got.find((g) => g.status === 500), 'a first failed attempt');
    worker.kill('SIGKILL');
    worker = await spawnWorker(prefix);

    const ok = (type: string) => rx.got.filter((g) => g.type === type && g.status === 200);
    await waitFor(() => ok('lead.created').length > 0 && ok('deal.stage_changed').length > 0, 'both events delivered', 30_000);
    // sentinel: a later lead arrives after everything before it was settled
    const { contact: later } = await findOrCreateContact(ctx, system, { email: `late-${randomUUID().slice(0, 6)}@example.com`, name: 'Sentinel' });
    const sentinel = await captureLead(ctx, system, { contactId: later.id, source: 'web', text: 'sentinel' });
    await waitFor(() => ok('lead.created').some((g) => g.body.data.lead.id === sentinel.id), 'the sentinel delivered', 30_000);

    const leadEvents = rx.got.filter((g) => g.type === 'lead.created' && g.body.data.lead.id === lead.id);
    const stageEvents = rx.got.filter((g) => g.type === 'deal.stage_changed');
    // one delivery (one id) per event, refused 3 times, then accepted
    expect(new Set(leadEvents.map((g) => g.delivery)).size).toBe(1);
    expect(new Set(stageEvents.map((g) => g.delivery)).size).toBe(1);
    expect(new Set(leadEvents.map((g) => g.eventId)).size).toBe(1);
    expect(leadEvents.filter((g) => g.status === 500)).toHaveLength(3);
    expect(stageEvents.filter((g) => g.status === 500)).toHaveLength(3);
    expect(leadEvents.filter((g) => g.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(rx.got.every((g) => g.verified)).toBe(true);
    expect(rx.got.some((g) => g.type === 'deal.created')).toBe(false);
    expect(leadEvents[0]!.body).toMatchObject({
      type: 'lead.created',
      workspace: team.workspace.slug,
      data: { lead: { id: lead.id, title: 'Webhook me' }, contact: { id: contact.id } },
    });
    expect(stageEvents[0]!.body.data).toMatchObject({ deal: { id: deal.id, stage: { name: 'Qualified' } }, change: { from: 'New', to: 'Qualified' } });
    const rows = await db.webhookDelivery.findMany({ where: { endpointId: hook.id, event: { type: { in: ['lead.created', 'deal.stage_changed'] } } } });
    expect(rows.filter((r) => r.status === 'delivered')).toHaveLength(3);
    // attempts are recorded as they finish: one cut short by the SIGKILL is not counted
    for (const r of rows) {
      const posts = rx.got.filter((g) => g.delivery === r.id).length;
      expect(r.attempts).toBeGreaterThanOrEqual(posts - 1);
      expect(r.attempts).toBeLessThanOrEqual(posts);
    }
    worker.kill('SIGTERM');
  }, 90_000);

  it('a change that rolls back writes no event', async () => {
    const team = await pushWorkspace(db, [{ name: 'Rolf' }]);
    const system = systemActor(team.workspace);
    await addWebhook(coreContext(db), system, { url: 'http://127.0.0.1:9/none', events: ['lead.created'] });
    const { contact } = await findOrCreateContact(coreContext(db), system, { email: `rb-${randomUUID().slice(0, 6)}@example.com`, name: 'RB' });
    await expect(
      db.$transaction(async (tx) => {
        await captureLead(coreContext(tx), system, { contactId: contact.id, source: 'web', text: 'rolled back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await captureLead(coreContext(db), system, { contactId: contact.id, source: 'web', text: 'kept' });
    const events = await db.webhookEvent.findMany({ where: { workspaceId: team.workspace.id } });
    expect(events.map((e) => (e.data as { lead: { title: string } }).lead.title)).toEqual(['kept']);
  });

  it('an endpoint failing for the retry window is turned off and its owner told in chat', async () => {
    const sender = new RecordingSender();
    const team = await pushWorkspace(db, [{ name: 'Owner', locale: 'ru' }]);
    const system = systemActor(team.workspace);
    const ctx = coreContext(db);
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
  }, 60_000);
});
