// What Slack customers send beyond plain text, end to end: signed event requests to the running
// receiver, the real inbound queue (Redis) and chat engine (Postgres), the outbound queue, and
// the fake Slack Web API (which also answers users.info and files.info). A shared message
// arrives with its content, a Slack Connect file (check_file_info) with its name and type,
// mentions as names, an edit as an edit; Slackbot is never a customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import type { FakeSlack, FakeSlackCall } from '../../support/fake-slack.js';
import { slackStack, type SlackStack } from '../../support/slack-stack.js';
import { addUser } from '../../../core/users/add-user.js';
import { systemActor } from '../../../core/actor.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { InboundQueue } from '../../../connectors/queue/inbound-queue.js';

const PARTNER_TEAM = 'TPARTNER';
const SHARED = 'CCONNECT1';
const MANAGER = 'UMGRS1';
const CUSTOMER = 'UCUSTS1';
const COLLEAGUE = 'UCOLL1';

const db = testDb();
let stack: SlackStack | undefined;
let fake: FakeSlack;
let inbound: InboundQueue;
let workspaceId: number;
let managerDm: string;

const postEvent = (event: Record<string, unknown>): Promise<Response> => stack!.slack.postEvent(event);
const nextTs = () => stack!.slack.nextTs();
const toManager = (match: (text: string) => boolean) =>
  fake.waitForCall(
    'chat.postMessage',
    (c: FakeSlackCall) => c.params.channel === managerDm && match(String(c.params.text ?? '') + JSON.stringify(c.params.blocks ?? [])),
  );

beforeAll(async () => {
  stack = await slackStack({ slug: 'slackshapes', chatConcurrency: 2, tsBase: 1_810_000_000 });
  ({ inbound } = stack);
  fake = stack.slack.fake;
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

  const ws = stack.ws;
  workspaceId = ws.id;
  const added = await addUser(dbContext(db), systemActor(ws), { name: 'Mia Manager', role: 'manager' });
  managerDm = await stack.slack.link(MANAGER, added.inviteCode, added.user.id);
}, 60_000);

afterAll(async () => {
  await stack?.close();
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
