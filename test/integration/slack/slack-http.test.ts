// Slack mounted on the web role's HTTP server (bots/http) from configuration, as
// `leadline start` does it: signed requests reach the inbound queue, unsigned ones get 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { testDb, uniqueSlug } from '../../support/db.js';
import { homeLoader } from '../../../core/chat/member-home.js';
import { coreContext } from '../../../core/context.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { startSlackWeb, slackSenderFromConfig, slackHomeRefresher, type SlackWeb } from '../../../bots/slack/slack-runtime.js';
import type { InboundMessageInput } from '../../../core/chat/inbound.js';

const db = testDb();
const log = pino({ level: 'silent' });
let fake: FakeSlack;
let http: RunningHttpServer;
let slack: SlackWeb;
const queued: InboundMessageInput[] = [];

beforeAll(async () => {
  fake = await new FakeSlack().start();
  const ws = await ensureWorkspace(db, uniqueSlug('slackhttp'), { timezone: 'UTC', locale: 'en' });
  const config = { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: 'http-secret', SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl };
  slack = (await startSlackWeb(config, {
    home: homeLoader(coreContext(db), ws.id, 'slack'),
    workspaceId: ws.id,
    logger: log,
    inbound: { enqueue: async (m) => void queued.push(m) },
  }))!;
  http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: slack.routes, logger: log });
});

afterAll(async () => {
  await slack?.stop();
  await http?.close();
  await fake?.close();
});

function signed(body: string, secret = 'http-secret') {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex'),
  };
}

describe('Slack on the HTTP server', () => {
  it('mounts POST /slack/events next to /health', async () => {
    expect(Object.keys(slack.routes)).toEqual(['/slack/events']);
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: fake.teamId,
      event_id: 'EvHttp1',
      event: { type: 'message', channel: 'DX1', channel_type: 'im', user: 'UX1', team: fake.teamId, text: 'hello', ts: '1800000010.000010' },
    });
    const ok = await fetch(`${http.url}/slack/events`, { method: 'POST', headers: signed(body), body });
    expect(ok.status).toBe(200);
    expect(queued.map((m) => m.dedupeKey)).toEqual(['slack:EvHttp1']);
    const forged = await fetch(`${http.url}/slack/events`, { method: 'POST', headers: signed(body, 'wrong'), body });
    expect(forged.status).toBe(401);
    expect(queued).toHaveLength(1);
  });

  it('is off without a bot token', async () => {
    const none = { SLACK_BOT_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl };
    expect(
      await startSlackWeb(none, { home: homeLoader(coreContext(db), 1, 'slack'), workspaceId: 1, logger: log, inbound: { enqueue: async () => {} } }),
    ).toBeNull();
    expect(slackSenderFromConfig(none)).toBeNull();
    expect(slackHomeRefresher(none, { home: homeLoader(coreContext(db), 1, 'slack'), logger: log })).toBeNull();
  });
});
