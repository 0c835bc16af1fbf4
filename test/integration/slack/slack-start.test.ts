// `leadline start` with Slack configured (web role only, so no worker touches other tests'
// data): the Slack route is mounted on the HTTP server and a signed event is queued durably.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { uniqueSlug } from '../../support/db.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { loadConfig } from '../../../connectors/config.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { INBOUND_QUEUE, inboundJobId } from '../../../connectors/queue/inbound-queue.js';
import { startLeadline, type Running } from '../../../bots/main.js';
import { testPrefix } from '../../support/redis-keys.js';

const prefix = testPrefix('slackstart');
let fake: FakeSlack;
let running: Running;
const lines: string[] = [];

beforeAll(async () => {
  fake = await new FakeSlack().start();
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LEADLINE_ROLES: 'web',
    DEFAULT_WORKSPACE: uniqueSlug('slackstart'),
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: 'start-secret',
    SLACK_API_URL: fake.apiUrl,
  });
  running = await startLeadline({ config, logger: pino({ level: 'silent' }), say: (l) => lines.push(l) });
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await fake?.close();
});

describe('leadline start with Slack', () => {
  it('mounts /slack/events on the web role and queues signed events', async () => {
    expect(lines.join('\n')).toContain('POST /slack/events');
    expect(lines.join('\n')).toContain('/crm link CODE');
    const eventId = `EvStart${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: fake.teamId,
      event_id: eventId,
      event: { type: 'message', channel: 'DSTART', channel_type: 'im', user: 'USTART', team: fake.teamId, text: 'hello', ts: '1800000020.000020' },
    });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${running.http!.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': 'v0=' + createHmac('sha256', 'start-secret').update(`v0:${ts}:${body}`).digest('hex'),
      },
      body,
    });
    expect(res.status).toBe(200);
    // look the job up where leadline start queued it
    const settings = queueSettings(inject('redisUrl'), prefix);
    const queue = new Queue(INBOUND_QUEUE, { connection: settings.connection, prefix: settings.prefix });
    try {
      const job = await queue.getJob(inboundJobId(`slack:${eventId}`));
      expect(job?.data).toMatchObject({ channel: 'slack', externalChatId: 'DSTART', text: 'hello', workspaceId: running.workspace.id });
      await job?.remove();
    } finally {
      await queue.close();
    }
  });
});
