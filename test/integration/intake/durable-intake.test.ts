// Accepted means stored, under faults: Postgres cut off for 60 s (a TCP proxy between the
// workers and Postgres drops every connection and refuses new ones) during a Telegram
// webhook burst and a Slack event burst, and a worker process SIGKILLed mid-burst. Every
// message the edge answered 200 for ends up stored exactly once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { testDb, uniqueSlug } from '../../support/db.js';
import { homeLoader } from '../../../core/chat/member-home.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { waitFor } from '../../support/wait.js';
import { tcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { createTelegramApi } from '../../../bots/telegram/telegram-api.js';
import { TelegramIntake } from '../../../bots/telegram/telegram-intake.js';
import { telegramWebhookRoute, TELEGRAM_WEBHOOK_PATH } from '../../../bots/telegram/telegram-webhook.js';
import { slackEventsRoute } from '../../../bots/slack/slack-http-route.js';
import { createSlackTransport, SLACK_EVENTS_PATH } from '../../../bots/slack/slack-app.js';
import { testPrefix } from '../../support/redis-keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const db = testDb();
const TG_SECRET = 'durable-secret';
const SLACK_SECRET = 'durable-slack';
const cleanups: Array<() => Promise<unknown>> = [];
let fake: FakeSlack;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  cleanups.push(() => fake.close());
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** The test database's URL with its port replaced (to go through the proxy). */
function viaPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'intake-worker.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`intake worker exited early with ${code}`)));
  });
}

/** A workspace with an on-duty manager, the web edge (Telegram webhook + Slack events) and its inbound queue. */
async function edge() {
  const ws = await ensureWorkspace(db, uniqueSlug('durable'), { timezone: 'UTC', locale: 'en' });
  const manager = await db.user.create({ data: { workspaceId: ws.id, name: 'Mary', role: 'manager' } });
  const chat = `mgr-${randomUUID().slice(0, 8)}`;
  await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: chat, chatId: chat, userId: manager.id } });
  const prefix = testPrefix('durable');
  const inbound = new InboundQueue(queueSettings(inject('redisUrl'), prefix));
  cleanups.push(() => inbound.close());
  const api = createTelegramApi({ token: '424242:DURABLE', apiRoot: 'http://127.0.0.1:9' });
  const intake = new TelegramIntake(api, inbound, { workspaceId: ws.id });
  const slack = createSlackTransport({
    botToken: fake.token,
    signingSecret: SLACK_SECRET,
    apiUrl: fake.apiUrl,
    home: homeLoader(dbContext(db), ws.id, 'slack'),
    workspaceId: ws.id,
    submit: (m) => inbound.enqueue(m),
    logger: pino({ level: 'silent' }),
  });
  const http: RunningHttpServer = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    routes: [
      telegramWebhookRoute(intake, TG_SECRET, { bodyLimit: 256 * 1024 }),
      slackEventsRoute(SLACK_EVENTS_PATH, slack.requestListener!, { bodyLimit: 1024 * 1024 }),
    ],
    logger: pino({ level: 'silent' }),
  });
  cleanups.push(() => http.close());
  return { ws, prefix, inbound, http };
}

let seq = 0;
function telegramUpdate(customer: number, text: string) {
  seq++;
  return {
    update_id: 500_000 + seq,
    message: {
      message_id: seq,
      date: Math.floor(Date.now() / 1000),
      chat: { id: 7_000_000 + customer, type: 'private' },
      from: { id: 7_000_000 + customer, is_bot: false, first_name: `Customer ${customer}` },
      text,
    },
  };
}

function slackEvent(customer: number, text: string) {
  seq++;
  const ts = `${1_900_000_000 + seq}.000001`;
  return {
    type: 'event_callback',
    team_id: fake.teamId,
    event_id: `EvDur${seq}${randomUUID().slice(0, 4)}`,
    event: { type: 'message', channel: 'CDURABLE', channel_type: 'channel', user: `UDUR${customer}`, user_team: 'TCUSTOMERS', text, ts },
  };
}

async function postTelegram(base: string, update: unknown): Promise<number> {
  const res = await fetch(`${base}${TELEGRAM_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

async function postSlack(base: string, event: unknown): Promise<number> {
  const body = JSON.stringify(event);
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${base}${SLACK_EVENTS_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': 'v0=' + createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex'),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** Every stored inbound message of the workspace exactly once, and nothing kept as failed. */
async function expectStoredOnce(workspaceId: number, inbound: InboundQueue, accepted: number) {
  const rows = await db.message.groupBy({ by: ['externalId'], where: { workspaceId, direction: 'inbound' }, _count: { _all: true } });
  expect(rows.length).toBe(accepted);
  expect(rows.filter((r) => r._count._all !== 1)).toEqual([]);
  const contacts = await db.contact.groupBy({ by: ['name'], where: { workspaceId }, _count: { _all: true } });
  expect(contacts.filter((c) => c._count._all !== 1)).toEqual([]);
  const leads = await db.lead.groupBy({ by: ['contactId'], where: { workspaceId }, _count: { _all: true } });
  expect(leads.filter((l) => l._count._all !== 1)).toEqual([]);
  expect(await inbound.queue.getJobCounts('failed')).toEqual({ failed: 0 });
}

describe('durable intake', () => {
  it('a 60 s Postgres outage during Telegram and Slack bursts: every accepted message is stored exactly once', async () => {
    const { ws, prefix, inbound, http } = await edge();
    const proxy: TcpProxy = await tcpProxy(Number(new URL(inject('databaseUrl')).port || 5432));
    cleanups.push(() => proxy.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'leadline-durable-'));
    const env = {
      DATABASE_URL: viaPort(inject('databaseUrl'), proxy.port),
      REDIS_URL: inject('redisUrl'),
      PREFIX: prefix,
      WORKSPACE_ID: String(ws.id),
      OUT_FILE: path.join(dir, 'out.jsonl'),
    };
    await Promise.all([spawnWorker(env), spawnWorker(env)]);

    let accepted = 0;
    let refused = 0;
    const burst = (async () => {
      // 25 s: 10 Telegram updates and 5 Slack events a second, 40 customers writing again and again
      for (let tick = 0; tick < 250; tick++) {
        const sends = [postTelegram(http.url, telegramUpdate(tick % 40, `tg message ${tick}`))];
        if (tick % 2 === 0) sends.push(postSlack(http.url, slackEvent((tick / 2) % 20, `slack message ${tick}`)));
        for (const status of await Promise.all(sends)) {
          if (status === 200) accepted++;
          else refused++;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // cut Postgres off 3 s into the burst, for 60 s
    await new Promise((r) => setTimeout(r, 3000));
    await proxy.cut();
    const cutAt = Date.now();
    await burst;
    // the edge never needed Postgres: everything it was sent was accepted
    expect(refused).toBe(0);
    expect(accepted).toBe(375);
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 60_000 - Date.now())));
    await proxy.restore();
    await waitFor(
      async () => (await db.message.count({ where: { workspaceId: ws.id, direction: 'inbound' } })) === accepted,
      'every accepted message to be stored after the outage',
      60_000,
      250,
    );
    await expectStoredOnce(ws.id, inbound, accepted);
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(60);
  }, 180_000);

  it('a worker SIGKILLed mid-burst: 0 lost, 0 duplicate rows', async () => {
    const { ws, prefix, inbound } = await edge();
    const dir = mkdtempSync(path.join(tmpdir(), 'leadline-kill-'));
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      PREFIX: prefix,
      WORKSPACE_ID: String(ws.id),
      OUT_FILE: path.join(dir, 'out.jsonl'),
    };
    const [victim] = await Promise.all([spawnWorker(env), spawnWorker(env)]);
    // 500 messages from 250 customers, queued at once
    const messages = Array.from({ length: 500 }, (_, i) => {
      const u = telegramUpdate(1000 + (i % 250), `burst ${i}`);
      return {
        workspaceId: ws.id,
        channel: 'telegram' as const,
        externalUserId: String(u.message.from.id),
        externalChatId: String(u.message.chat.id),
        text: u.message.text,
        dedupeKey: `tg:kill:${u.update_id}`,
        receivedAt: new Date().toISOString(),
        displayName: u.message.from.first_name,
        messageExternalId: String(u.message.message_id),
      };
    });
    await inbound.enqueueMany(messages);
    await waitFor(async () => (await db.message.count({ where: { workspaceId: ws.id } })) >= 60, 'the burst to be under way', 30_000, 20);
    victim!.kill('SIGKILL');
    await waitFor(
      async () => (await db.message.count({ where: { workspaceId: ws.id, direction: 'inbound' } })) === messages.length,
      'every message stored after the kill',
      60_000,
      250,
    );
    await expectStoredOnce(ws.id, inbound, messages.length);
    expect(await db.inboundEvent.count({ where: { dedupeKey: { in: messages.map((m) => m.dedupeKey) } } })).toBe(messages.length);
    expect(await db.lead.count({ where: { workspaceId: ws.id } })).toBe(250);
  }, 120_000);
});
