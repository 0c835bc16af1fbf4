// The Slack receiver on its own: what Slack sees when Leadline cannot queue a message
// (500, so Slack retries), /crm passed on as a command, and the choice of HTTP vs Socket Mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { testDb, uniqueSlug } from '../../support/db.js';
import { homeLoader } from '../../../core/chat/member-home.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { createSlackTransport, slackTransportFromConfig } from '../../../bots/slack/slack-app.js';
import type { InboundMessageInput } from '../../../core/chat/inbound.js';

const SECRET = 'receiver-secret';
const db = testDb();
const log = pino({ level: 'silent' });
let fake: FakeSlack;
let server: Server;
let base: string;
let workspaceId: number;
let failSubmit = false;
const submitted: InboundMessageInput[] = [];

async function post(body: string, contentType: string) {
  const ts = Math.floor(Date.now() / 1000);
  const signature = 'v0=' + createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');
  return fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
    body,
  });
}

beforeAll(async () => {
  fake = await new FakeSlack().start();
  fake.addUser({ id: 'UCUST9', team_id: 'TOTHER', real_name: 'Carla Customer' });
  workspaceId = (await ensureWorkspace(db, uniqueSlug('slackrx'), { timezone: 'UTC', locale: 'en' })).id;
  const transport = createSlackTransport({
    botToken: fake.token,
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    home: homeLoader(dbContext(db), workspaceId, 'slack'),
    workspaceId,
    logger: log,
    submit: async (m) => {
      if (failSubmit) throw new Error('redis is down');
      submitted.push(m);
    },
  });
  server = createServer(transport.requestListener!);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await fake?.close();
});

const messageEvent = (eventId: string) =>
  JSON.stringify({
    type: 'event_callback',
    team_id: fake.teamId,
    event_id: eventId,
    event: { type: 'message', channel: 'CX1', channel_type: 'channel', user: 'UCUST9', user_team: 'TOTHER', text: 'hello', ts: '1800000001.000001' },
  });

describe('Slack receiver', () => {
  it('answers 500 when the message cannot be queued, so Slack retries, and 200 once it can', async () => {
    failSubmit = true;
    const failed = await post(messageEvent('EvFail1'), 'application/json');
    expect(failed.status).toBe(500);
    expect(submitted).toHaveLength(0);
    failSubmit = false;
    const retried = await post(messageEvent('EvFail1'), 'application/json');
    expect(retried.status).toBe(200);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]).toMatchObject({
      channel: 'slack',
      externalUserId: 'TOTHER:UCUST9',
      externalChatId: 'CX1:1800000001.000001',
      dedupeKey: 'slack:EvFail1',
      messageExternalId: 'CX1:1800000001.000001',
      displayName: 'Carla Customer',
      isGroup: true,
    });
  });

  it('queues a message without a name when users.info fails', async () => {
    fake.addUser({ id: 'UCUST8', team_id: 'TOTHER', real_name: 'Never Seen' });
    fake.failNext('users.info', { error: 'internal_error' });
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: fake.teamId,
      event_id: 'EvNoName1',
      event: {
        type: 'message',
        channel: 'CX2',
        channel_type: 'channel',
        user: 'UCUST8',
        user_team: 'TOTHER',
        text: 'hi',
        ts: '1800000003.000003',
        thread_ts: '1800000002.000002',
      },
    });
    expect((await post(body, 'application/json')).status).toBe(200);
    expect(submitted.at(-1)).toMatchObject({
      dedupeKey: 'slack:EvNoName1',
      externalChatId: 'CX2:1800000002.000002',
      replyToExternalId: 'CX2:1800000002.000002',
      messageExternalId: 'CX2:1800000002.000002:1800000003.000003',
    });
    expect(submitted.at(-1)!.displayName).toBeUndefined();
  });

  it('passes /crm on as a command, for the engine to decide (the edge reads no database)', async () => {
    const res = await post(
      new URLSearchParams({
        command: '/crm',
        text: 'leads',
        user_id: 'UCUST9',
        team_id: 'TOTHER',
        channel_id: 'CX1',
        trigger_id: `t-${randomUUID()}`,
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    expect(submitted.at(-1)).toMatchObject({ text: '/leads', externalUserId: 'TOTHER:UCUST9', externalChatId: 'DCUST9', origin: 'command', isGroup: false });

    const link = await post(
      new URLSearchParams({
        command: '/crm',
        text: 'link ABC123',
        user_id: 'UCUST9',
        team_id: 'TOTHER',
        channel_id: 'CX1',
        trigger_id: `t-${randomUUID()}`,
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(link.status).toBe(200);
    expect(submitted.at(-1)).toMatchObject({ text: '/start ABC123', externalChatId: 'DCUST9', isGroup: false, origin: 'command' });
  });

  it("passes /crm help on with the Slack user's language", async () => {
    fake.addUser({ id: 'URU1', team_id: 'TOTHER', real_name: 'Ivan', locale: 'ru-RU' });
    const res = await post(
      new URLSearchParams({ command: '/crm', text: 'help', user_id: 'URU1', team_id: 'TOTHER', channel_id: 'CX1', trigger_id: `t-${randomUUID()}` }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    expect(submitted.at(-1)).toMatchObject({ text: '/help', languageCode: 'ru-RU', origin: 'command' });
  });

  it('uses Socket Mode when an app token is set, and stays off without a bot token', () => {
    const socket = createSlackTransport({
      botToken: fake.token,
      appToken: 'xapp-1-test',
      apiUrl: fake.apiUrl,
      home: homeLoader(dbContext(db), workspaceId, 'slack'),
      workspaceId,
      logger: log,
      submit: async () => {},
    });
    expect(socket.mode).toBe('socket');
    expect(socket.requestListener).toBeUndefined();
    expect(() =>
      createSlackTransport({ botToken: fake.token, home: homeLoader(dbContext(db), workspaceId, 'slack'), workspaceId, logger: log, submit: async () => {} }),
    ).toThrow(/SLACK_SIGNING_SECRET/);
    expect(
      slackTransportFromConfig({ SLACK_API_URL: fake.apiUrl }, { home: homeLoader(dbContext(db), workspaceId, 'slack'), workspaceId, submit: async () => {} }),
    ).toBeNull();
  });
});
