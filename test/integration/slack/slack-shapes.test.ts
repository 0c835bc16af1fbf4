// What Slack customers send beyond plain text, end to end: signed event requests to the running
// receiver, the real inbound queue (Redis) and chat engine (Postgres), the outbound queue, and
// the fake Slack Web API (which also answers users.info and files.info). A shared message
// arrives with its content, a Slack Connect file (check_file_info) with its name and type,
// mentions as names, an edit as an edit; Slackbot is never a customer.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { testDb, uniqueSlug } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import { FakeSlack, type FakeSlackCall } from '../../support/fake-slack.js';
import { homeLoader } from '../../../core/chat/member-home.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { addUser } from '../../../core/users/add-user.js';
import { systemActor } from '../../../core/actor.js';
import { coreContext } from '../../../core/context.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { startChatWorker, type ChatWorker } from '../../../bots/chat-runtime.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { createSlackTransport, type SlackTransport } from '../../../bots/slack/slack-app.js';
import { testPrefix } from '../../support/redis-keys.js';

const SECRET = 'test-signing-secret';
const RUN = randomUUID().slice(0, 8);
const PARTNER_TEAM = 'TPARTNER';
const SHARED = 'CCONNECT1';
const MANAGER = 'UMGRS1';
const CUSTOMER = 'UCUSTS1';
const COLLEAGUE = 'UCOLL1';

const db = testDb();
const log = pino({ level: 'silent' });
let fake: FakeSlack;
let server: Server;
let base: string;
let transport: SlackTransport;
let inbound: InboundQueue;
let chat: ChatWorker;
let workers: RunningWorkers;
let workspaceId: number;
let managerDm: string;

async function postEvent(event: Record<string, unknown>): Promise<Response> {
  const body = JSON.stringify({
    token: 'x',
    team_id: fake.teamId,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${RUN}${randomUUID().slice(0, 6)}`,
    event_time: 1,
    event,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = 'v0=' + createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
  return fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
    body,
  });
}

let tsSeq = 0;
const nextTs = () => `${1_810_000_000 + ++tsSeq}.${String(tsSeq).padStart(6, '0')}`;
const toManager = (match: (text: string) => boolean) =>
  fake.waitForCall(
    'chat.postMessage',
    (c: FakeSlackCall) => c.params.channel === managerDm && match(String(c.params.text ?? '') + JSON.stringify(c.params.blocks ?? [])),
  );

beforeAll(async () => {
  fake = await new FakeSlack().start();
  fake.addUser({ id: MANAGER, team_id: fake.teamId, name: 'mia', real_name: 'Mia Manager', locale: 'en-US' });
  fake.addUser({ id: CUSTOMER, team_id: PARTNER_TEAM, name: 'lev', real_name: 'Lev Customer', locale: 'en-US' });
  fake.addUser({ id: COLLEAGUE, team_id: PARTNER_TEAM, name: 'jade', real_name: 'Jade Colleague' });
  fake.addChannel({ id: SHARED, name: 'partner-connect', is_shared: true, is_ext_shared: true });
  fake.addFile({
    id: 'FCONNECT1',
    name: 'contract.pdf',
    title: 'contract.pdf',
    mimetype: 'application/pdf',
    filetype: 'pdf',
    size: 48_213,
    file_access: 'visible',
  });

  const ws = await ensureWorkspace(db, uniqueSlug('slackshapes'), { timezone: 'UTC', locale: 'en' });
  workspaceId = ws.id;
  const added = await addUser(coreContext(db), systemActor(ws), { name: 'Mia Manager', role: 'manager' });
  const settings = queueSettings(inject('redisUrl'), testPrefix('t-slack-shapes'));
  inbound = new InboundQueue(settings);
  transport = createSlackTransport({
    botToken: fake.token,
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    home: homeLoader(coreContext(db), workspaceId, 'slack'),
    workspaceId,
    submit: (m) => inbound.enqueue(m),
    logger: log,
  });
  workers = await startWorkers({ ctx: coreContext(db), settings, senders: { slack: transport.sender }, logger: log, reconcile: false });
  chat = startChatWorker({
    db,
    settings,
    workspaceId,
    outbox: workers.outbox,
    scheduler: workers.scheduler,
    logger: log,
    concurrency: 2,
  });
  server = createServer(transport.requestListener!);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const timestamp = Math.floor(Date.now() / 1000);
  const form = new URLSearchParams({
    command: '/crm',
    text: `link ${added.inviteCode}`,
    user_id: MANAGER,
    user_name: 'mia',
    team_id: fake.teamId,
    channel_id: 'CGENERAL',
    trigger_id: `trig-${RUN}`,
    response_url: fake.responseUrl(),
    api_app_id: 'A1',
  }).toString();
  await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': 'v0=' + createHmac('sha256', SECRET).update(`v0:${timestamp}:${form}`).digest('hex'),
    },
    body: form,
  });
  const manager = await waitFor(
    () => db.identity.findFirst({ where: { workspaceId, channel: 'slack', externalId: `${fake.teamId}:${MANAGER}`, userId: added.user.id } }),
    'the manager identity to be linked',
  );
  managerDm = manager.chatId!;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await chat?.close();
  await inbound?.close();
  await workers?.close();
  await fake?.close();
});

describe('Slack shapes end to end', () => {
  let leadId: number;
  let firstTs: string;

  it('a shared message arrives with its content, its author and its link', async () => {
    firstTs = nextTs();
    const res = await postEvent({
      type: 'message',
      channel: SHARED,
      channel_type: 'channel',
      user: CUSTOMER,
      user_team: PARTNER_TEAM,
      text: 'see what <@UCOLL1> wrote',
      ts: firstTs,
      attachments: [
        {
          is_share: true,
          is_msg_unfurl: true,
          author_id: COLLEAGUE,
          author_name: 'jade',
          from_url: 'https://partner.slack.com/archives/C1/p1724952281623809',
          text: 'We need 40 seats from March',
          fallback: '[March 1st] jade: We need 40 seats from March',
          footer: 'Slack Conversation',
        },
      ],
    });
    expect(res.status).toBe(200);
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId, source: 'slack' } }), 'the lead');
    leadId = lead.id;
    const message = await db.message.findFirstOrThrow({ where: { workspaceId, direction: 'inbound' } });
    expect(message.text).toBe(
      '↪️ forwarded from jade\nsee what @Jade Colleague wrote\n\n» We need 40 seats from March\n🔗 https://partner.slack.com/archives/C1/p1724952281623809',
    );
    expect(message.meta).toMatchObject({
      forwardedFrom: { kind: 'message', name: 'jade' },
      links: ['https://partner.slack.com/archives/C1/p1724952281623809'],
    });
    const notice = await toManager((t) => t.includes(`#${leadId}`));
    expect(String(notice.params.text)).toContain('» We need 40 seats from March');
  });

  it('a Slack Connect file (check_file_info) arrives with its name and type', async () => {
    const ts = nextTs();
    await postEvent({
      type: 'message',
      subtype: 'file_share',
      channel: SHARED,
      channel_type: 'channel',
      user: CUSTOMER,
      user_team: PARTNER_TEAM,
      text: 'signed',
      thread_ts: firstTs,
      ts,
      files: [{ id: 'FCONNECT1', mode: 'file_access', file_access: 'check_file_info', created: 0, timestamp: 0, user: '' }],
    });
    const asked = await fake.waitForCall('files.info', (c) => c.params.file === 'FCONNECT1');
    expect(asked.token).toBe(fake.token);
    const forward = await toManager((t) => t.includes('signed'));
    expect(String(forward.params.text)).toContain('📎 document «contract.pdf», 47 KB');
    const message = await db.message.findFirstOrThrow({ where: { workspaceId, text: 'signed' } });
    expect(message.attachments).toEqual([{ kind: 'document', fileId: 'FCONNECT1', name: 'contract.pdf', size: 48_213, mime: 'application/pdf' }]);
  });

  it('an edit reaches the manager as an edit and stays on the timeline', async () => {
    const editTs = nextTs();
    await postEvent({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: SHARED,
      channel_type: 'channel',
      ts: editTs,
      message: {
        type: 'message',
        user: CUSTOMER,
        team: PARTNER_TEAM,
        text: 'We need 45 seats from March',
        ts: firstTs,
        edited: { user: CUSTOMER, ts: editTs },
      },
      previous_message: { type: 'message', user: CUSTOMER, text: 'see what <@UCOLL1> wrote', ts: firstTs },
    });
    const forward = await toManager((t) => t.includes('45 seats'));
    expect(String(forward.params.text)).toContain('✏️ edited:\nWe need 45 seats from March');
    const activity = await waitFor(() => db.activity.findFirst({ where: { workspaceId, type: 'message.edited' } }), 'the edit on the timeline');
    expect(activity).toMatchObject({ leadId, data: expect.objectContaining({ editOf: `${SHARED}:${firstTs}` }) });
  });

  it('Slackbot and system messages never become customers', async () => {
    const res = await postEvent({
      type: 'message',
      text: 'You have been removed from #partner-connect by <@UMGRS1>',
      user: 'USLACKBOT',
      ts: nextTs(),
      channel: 'DSLACKBOT1',
      channel_type: 'im',
    });
    // the receiver answers only after the listener ran (processBeforeResponse): anything it submitted is queued by now
    expect(res.status).toBe(200);
    const join = await postEvent({
      type: 'message',
      subtype: 'channel_join',
      user: COLLEAGUE,
      text: '<@UCOLL1> has joined the channel',
      channel: SHARED,
      ts: nextTs(),
    });
    expect(join.status).toBe(200);
    await waitFor(async () => {
      const jobs = await inbound.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(jobs).every((n) => n === 0) || null;
    }, 'the inbound queue to drain');
    expect(await db.identity.count({ where: { workspaceId, externalId: { endsWith: ':USLACKBOT' } } })).toBe(0);
    expect(await db.identity.count({ where: { workspaceId, externalId: { endsWith: `:${COLLEAGUE}` } } })).toBe(0);
    expect(await db.lead.count({ where: { workspaceId } })).toBe(1);
  });
});
