// Slack mounted on the web role's HTTP server (bots/http) from configuration, as
// `leadline start` does it: signed requests reach the inbound queue, unsigned ones get 401.
// The signature headers and the timestamp's freshness are checked before the body is read;
// the body is capped (413); Bolt then verifies the HMAC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { testDb, uniqueSlug } from '../../support/db.js';
import { homeLoader } from '../../../core/chat/member-home.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { startSlackWeb, slackSenderFromConfig, slackHomeRefresher, type SlackWeb } from '../../../bots/slack/slack-runtime.js';
import { postFlood, trackBytesRead } from '../../support/http-flood.js';
import { waitFor } from '../../support/wait.js';
import type { InboundMessageInput } from '../../../core/chat/inbound.js';
import { grown } from '../../support/metrics.js';

const db = testDb();
const log = pino({ level: 'silent' });
let fake: FakeSlack;
let http: RunningHttpServer;
let slack: SlackWeb;
const queued: InboundMessageInput[] = [];
const MB = 1024 * 1024;
let reads: Map<number, number>;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  const ws = await ensureWorkspace(db, uniqueSlug('slackhttp'), { timezone: 'UTC', locale: 'en' });
  const config = {
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: 'http-secret',
    SLACK_APP_TOKEN: undefined,
    SLACK_API_URL: fake.apiUrl,
    SLACK_BODY_LIMIT_BYTES: 1024 * 1024,
  };
  slack = (await startSlackWeb(config, {
    home: homeLoader(dbContext(db), ws.id, 'slack'),
    workspaceId: ws.id,
    logger: log,
    inbound: { enqueue: async (m) => void queued.push(m) },
  }))!;
  http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: slack.routes, logger: log });
  reads = trackBytesRead(http.server);
});

afterAll(async () => {
  await slack?.stop();
  await http?.close();
  await fake?.close();
});

function signed(body: string, secret = 'http-secret', ts = Math.floor(Date.now() / 1000)) {
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex'),
  };
}

describe('Slack on the HTTP server', () => {
  it('mounts POST /slack/events next to /health', async () => {
    expect(slack.routes.map((r) => r.describe)).toEqual(['POST /slack/events']);
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
    const before = await (await fetch(`${http.url}/metrics`)).text();
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
    const more = grown(before, await (await fetch(`${http.url}/metrics`)).text());
    expect(more('leadline_webhook_duration_seconds_count', '{source="slack",outcome="accepted"}')).toBe(1);
    expect(more('leadline_webhook_duration_seconds_count', '{source="slack",outcome="rejected"}')).toBe(1);
  });

  it('refuses requests without signature headers or with a stale timestamp with 401, before reading the body', async () => {
    const serverRead = (port: number | undefined) =>
      waitFor(() => (port !== undefined && reads.has(port) ? { n: reads.get(port)! } : undefined), 'the connection to close').then((r) => r.n);
    const unsigned = await postFlood(`${http.url}/slack/events`, { totalBytes: 300 * MB, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers['content-type']).toContain('application/problem+json');
    expect(await serverRead(unsigned.localPort)).toBeLessThan(MB);

    // a genuine signature, but made 10 minutes ago: a replay
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: fake.teamId,
      event_id: 'EvStale1',
      event: { type: 'message', channel: 'DX1', channel_type: 'im', user: 'UX1', text: 'old', ts: '1800000011.000011' },
    });
    const staleHeaders = signed(body, 'http-secret', Math.floor(Date.now() / 1000) - 600);
    const stale = await fetch(`${http.url}/slack/events`, { method: 'POST', headers: staleHeaders, body });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { detail: string }).detail).toContain('5-minute');
    const staleFlood = await postFlood(`${http.url}/slack/events`, { totalBytes: 300 * MB, headers: staleHeaders });
    expect(staleFlood.status).toBe(401);
    expect(await serverRead(staleFlood.localPort)).toBeLessThan(MB);
    // signature headers present but not of Slack's form
    const malformed = await fetch(`${http.url}/slack/events`, { method: 'POST', headers: { ...signed(body), 'x-slack-signature': 'v0=nothex' }, body });
    expect(malformed.status).toBe(401);
    expect(queued.map((m) => m.dedupeKey)).not.toContain('slack:EvStale1');
  });

  it('caps the body (413) and still lets Bolt answer what it answers itself', async () => {
    const big = JSON.stringify({ type: 'event_callback', team_id: fake.teamId, event_id: 'EvBig1', pad: 'x'.repeat(2 * MB) });
    const tooBig = await fetch(`${http.url}/slack/events`, { method: 'POST', headers: signed(big), body: big });
    expect(tooBig.status).toBe(413);
    expect(queued.map((m) => m.dedupeKey)).not.toContain('slack:EvBig1');

    const challenge = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'ch-123' });
    const verified = await fetch(`${http.url}/slack/events`, { method: 'POST', headers: signed(challenge), body: challenge });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ challenge: 'ch-123' });
  });

  it('is off without a bot token', async () => {
    const none = {
      SLACK_BOT_TOKEN: undefined,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: fake.apiUrl,
      SLACK_BODY_LIMIT_BYTES: 1024 * 1024,
    };
    expect(
      await startSlackWeb(none, { home: homeLoader(dbContext(db), 1, 'slack'), workspaceId: 1, logger: log, inbound: { enqueue: async () => {} } }),
    ).toBeNull();
    expect(slackSenderFromConfig(none)).toBeNull();
    expect(slackHomeRefresher(none, { home: homeLoader(dbContext(db), 1, 'slack'), logger: log })).toBeNull();
  });
});
