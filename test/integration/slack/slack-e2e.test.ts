// Slack end to end: signed HTTP requests to the running receiver, the real inbound queue
// (Redis) and chat engine (Postgres), the real outbound queue, and a fake Slack Web API
// that records what Leadline sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import { queuesDrained } from '../../support/push.js';
import type { FakeSlack, FakeSlackCall } from '../../support/fake-slack.js';
import { slackStack, type SlackEdge, type SlackStack } from '../../support/slack-stack.js';
import { addUser } from '../../../core/users/add-user.js';
import { systemActor } from '../../../core/actor.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import type { RunningWorkers } from '../../../connectors/queue/workers.js';
import { createTask } from '../../../core/tasks/index.js';
import { prepareDigestDelivery } from '../../../core/digests/prepare-delivery.js';
import { renderDigestChart } from '../../../connectors/charts/render-digest-chart.js';

// tags this file's event and trigger ids: InboundEvent has no workspace, and other test
// files write to it in parallel, so "nothing recorded" is counted on our own keys only
const RUN = randomUUID().slice(0, 8);
const CUSTOMER_TEAM = 'TCUSTOMER';
const SHARED = 'CSHARED1';
const MANAGER = 'UMGR1';
const CUSTOMER = 'UCUST1';

const db = testDb();
let stack: SlackStack | undefined;
let slack: SlackEdge;
let fake: FakeSlack;
let base: string;
let inbound: InboundQueue;
let workers: RunningWorkers;
let workspaceId: number;
let managerId: number;

const post: SlackEdge['post'] = (...args) => slack.post(...args);
const eventBody: SlackEdge['eventBody'] = (...args) => slack.eventBody(...args);
const postEvent: SlackEdge['postEvent'] = (...args) => slack.postEvent(...args);
const postForm: SlackEdge['postForm'] = (...args) => slack.postForm(...args);
const postInteraction: SlackEdge['postInteraction'] = (...args) => slack.postInteraction(...args);
const nextTs = () => slack.nextTs();

function blockTexts(call: FakeSlackCall): string {
  return JSON.stringify(call.params.blocks ?? []);
}

/**
 * Row counts once the inbound queue and then the outbound queue have drained: every event
 * posted before was handled and whatever it sent went out (earlier tests' events included).
 */
async function rowCounts() {
  await queuesDrained(inbound.queue);
  await queuesDrained(workers.outbox.queue);
  const [events, messages, leads, contacts] = await Promise.all([
    db.inboundEvent.count({ where: { OR: [{ dedupeKey: { contains: RUN } }, { dedupeKey: { startsWith: 'slack:shortcut:CSHARED3:' } }] } }),
    db.message.count({ where: { workspaceId } }),
    db.lead.count({ where: { workspaceId } }),
    db.contact.count({ where: { workspaceId } }),
  ]);
  return { events, messages, leads, contacts };
}

beforeAll(async () => {
  stack = await slackStack({ slug: 'slack', run: RUN });
  ({ slack, inbound, workers } = stack);
  ({ fake, url: base } = slack);
  fake.addUser({ id: MANAGER, team_id: fake.teamId, name: 'mia', real_name: 'Mia Manager', locale: 'en-US' });
  fake.addUser({ id: CUSTOMER, team_id: CUSTOMER_TEAM, name: 'ivan', real_name: 'Ivan Petrov', locale: 'en-US' });
  fake.addChannel({ id: SHARED, name: 'acme-shared', is_shared: true, is_ext_shared: true });

  const ws = stack.ws;
  workspaceId = ws.id;
  const added = await addUser(dbContext(db), systemActor(ws), { name: 'Mia Manager', role: 'manager' });
  managerId = added.user.id;

  // the manager links their Slack account with the invite code (the production chat runtime:
  // engine on the inbound queue, replies through the outbound queue, App Home refresh after)
  await slack.link(MANAGER, added.inviteCode, managerId);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('Slack transport end to end', () => {
  let leadId: number;
  let customerTs: string;
  let notification: FakeSlackCall;

  it('links the manager by /crm link CODE, with the answer in their DM', async () => {
    const identity = await db.identity.findFirstOrThrow({ where: { workspaceId, externalId: `${fake.teamId}:${MANAGER}` } });
    expect(identity.chatId).toBe('DMGR1');
    const answer = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && /Mia Manager/.test(String(c.params.text)));
    expect(answer.params.text).toBeTruthy();
  });

  it('turns a customer message in a shared channel into a lead and a manager DM with buttons', async () => {
    customerTs = nextTs();
    const res = await postEvent({
      type: 'message',
      channel: SHARED,
      channel_type: 'channel',
      user: CUSTOMER,
      user_team: CUSTOMER_TEAM,
      text: 'Hi, we need 50 licences &amp; a quote',
      ts: customerTs,
    });
    expect(res.status).toBe(200);

    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId, source: 'slack' }, include: { contact: true } }), 'the lead');
    leadId = lead.id;
    expect(lead.assigneeId).toBe(managerId);
    expect(lead.contact.name).toBe('Ivan Petrov');
    const message = await db.message.findFirstOrThrow({ where: { workspaceId, direction: 'inbound', channel: 'slack' } });
    expect(message.text).toBe('Hi, we need 50 licences & a quote');
    expect(message.externalId).toBe(`${SHARED}:${customerTs}`);

    notification = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && blockTexts(c).includes(`lead:take:${leadId}`));
    const actions = (notification.params.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).filter(
      (b) => b.type === 'actions',
    );
    const values = actions.flatMap((a) => a.elements!.map((e) => e.value));
    expect(values).toEqual(expect.arrayContaining([`lead:reply:${leadId}`, `lead:take:${leadId}`, `lead:deal:${leadId}`, `lead:junk:${leadId}`]));
    expect(blockTexts(notification)).toContain('50 licences &amp; a quote');

    // the customer is acknowledged in their own thread, not in the channel at large
    const ack = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === SHARED);
    expect(ack.params.thread_ts).toBe(customerTs);
  });

  it('ignores team chatter and bot posts in the shared channel', async () => {
    const before = await rowCounts();
    const posts = fake.callsTo('chat.postMessage').length;
    await postEvent({
      type: 'message',
      channel: SHARED,
      channel_type: 'channel',
      user: MANAGER,
      team: fake.teamId,
      text: 'I will take this one',
      ts: nextTs(),
    });
    await postEvent({ type: 'message', subtype: 'bot_message', channel: SHARED, channel_type: 'channel', bot_id: 'B999', text: 'beep', ts: nextTs() });
    await postEvent({
      type: 'message',
      subtype: 'message_changed',
      channel: SHARED,
      channel_type: 'channel',
      message: { user: CUSTOMER, text: 'edited' },
      ts: nextTs(),
    });
    // rowCounts waits until the three events were handled and anything they sent went out
    expect(await rowCounts()).toEqual(before);
    expect(fake.callsTo('chat.postMessage').length).toBe(posts);
  });

  it("relays the manager's thread reply to the customer's channel thread", async () => {
    const notificationTs = await waitFor(async () => {
      const ref = await db.notificationRef.findFirst({ where: { workspaceId, leadId, channel: 'slack' } });
      return ref?.externalMessageId.split(':')[1];
    }, 'the notification ref');
    const res = await postEvent({
      type: 'message',
      channel: 'DMGR1',
      channel_type: 'im',
      user: MANAGER,
      team: fake.teamId,
      text: 'Sure, a quote follows today',
      ts: nextTs(),
      thread_ts: notificationTs,
    });
    expect(res.status).toBe(200);
    const relayed = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === SHARED && /quote follows today/.test(String(c.params.text)));
    expect(relayed.params.thread_ts).toBe(customerTs);
    const out = await waitFor(
      () => db.message.findFirst({ where: { workspaceId, direction: 'outbound', deliveryStatus: 'sent', text: 'Sure, a quote follows today' } }),
      'the outbound message marked sent',
    );
    expect(out.authorUserId).toBe(managerId);
    const lead = await db.lead.findUniqueOrThrow({ where: { id: leadId } });
    expect(lead.firstResponseAt).not.toBeNull();
  });

  it('moves a deal with button clicks (block_actions)', async () => {
    const click = (value: string, messageTs: string) =>
      postInteraction({
        type: 'block_actions',
        trigger_id: `trig-${RUN}-${randomUUID()}`,
        team: { id: fake.teamId },
        user: { id: MANAGER, team_id: fake.teamId, name: 'mia' },
        channel: { id: 'DMGR1' },
        container: { type: 'message', message_ts: messageTs, channel_id: 'DMGR1' },
        message: { ts: messageTs, text: 'x' },
        response_url: fake.responseUrl(),
        actions: [{ type: 'button', action_id: value, value, block_id: 'b1', action_ts: `${Date.now() / 1000}` }],
      });
    const notificationTs =
      String(notification.params.ts ?? '') || (await db.notificationRef.findFirstOrThrow({ where: { leadId } })).externalMessageId.split(':')[1]!;
    expect((await click(`lead:deal:${leadId}`, notificationTs)).status).toBe(200);
    const deal = await waitFor(() => db.deal.findFirst({ where: { workspaceId, leadId }, include: { stage: true } }), 'the deal from the lead');
    expect(deal.stage.name).toBe('New');

    expect((await click(`deal:stage:${deal.id}:Negotiation`, notificationTs)).status).toBe(200);
    const moved = await waitFor(async () => {
      const d = await db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } });
      return d.stage.name === 'Negotiation' ? d : null;
    }, 'the deal to reach Negotiation');
    expect(moved.stage.name).toBe('Negotiation');
    // the answer to the click comes back to the manager's DM, and their App Home is refreshed
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && /Negotiation/.test(String(c.params.text)));
    // the deal's line in "My open deals" names its stage (the board's stage headers name every stage)
    const home = await fake.waitForCall('views.publish', (c) => c.params.user_id === MANAGER && JSON.stringify(c.params.view).includes(' · Negotiation'));
    expect(JSON.stringify(home.params.view)).toContain(deal.title.slice(0, 10));
  });

  it('publishes App Home when the tab is opened', async () => {
    const before = fake.callsTo('views.publish').length;
    const res = await postEvent({ type: 'app_home_opened', user: MANAGER, channel: 'DMGR1', tab: 'home' });
    expect(res.status).toBe(200);
    await waitFor(() => fake.callsTo('views.publish').length > before, 'views.publish');
    const view = fake.callsTo('views.publish').at(-1)!.params.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('My tasks today');
    expect(json).toContain('My open deals');
    expect(json).toContain('Negotiation');
  });

  it('answers 401 to a bad signature and to a stale timestamp, writing nothing', async () => {
    const before = await rowCounts();
    const posts = fake.callsTo('chat.postMessage').length;
    const body = eventBody({
      type: 'message',
      channel: SHARED,
      channel_type: 'channel',
      user: 'UEVIL',
      user_team: CUSTOMER_TEAM,
      text: 'forged',
      ts: nextTs(),
    });
    const forged = await post(body, 'application/json', { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await post(body, 'application/json', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    // nothing was queued for them: once the queues are empty the counts are final
    expect(await rowCounts()).toEqual(before);
    expect(fake.callsTo('chat.postMessage').length).toBe(posts);
    expect(await db.identity.count({ where: { workspaceId, externalId: `${CUSTOMER_TEAM}:UEVIL` } })).toBe(0);
  });

  it('processes a retried event (same event_id, X-Slack-Retry-Num) once', async () => {
    fake.addUser({ id: 'UCUST2', team_id: CUSTOMER_TEAM, real_name: 'Olga Retry' });
    const event = {
      type: 'message',
      channel: 'CSHARED2',
      channel_type: 'channel',
      user: 'UCUST2',
      user_team: CUSTOMER_TEAM,
      text: 'Are you there?',
      ts: nextTs(),
    };
    const eventId = `EvRetry${randomUUID().slice(0, 8)}`;
    expect((await postEvent(event, eventId)).status).toBe(200);
    expect((await postEvent(event, eventId, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    expect((await postEvent(event, eventId, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId, contact: { name: 'Olga Retry' } } }), 'the retried lead');
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && blockTexts(c).includes(`lead:take:${lead.id}`));
    // the three deliveries were queued before their 200s: once the queues are empty, every one was handled
    await stack!.drained();
    expect(await db.lead.count({ where: { workspaceId, contact: { name: 'Olga Retry' } } })).toBe(1);
    expect(await db.message.count({ where: { workspaceId, conversation: { contact: { name: 'Olga Retry' } } } })).toBe(1);
    expect(await db.inboundEvent.count({ where: { dedupeKey: `slack:${eventId}` } })).toBe(1);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'DMGR1' && blockTexts(c).includes(`lead:take:${lead.id}`))).toHaveLength(1);
  });

  it('answers /crm help in the DM with the commands as /crm commands', async () => {
    const res = await postForm({
      command: '/crm',
      text: 'help',
      user_id: MANAGER,
      team_id: fake.teamId,
      channel_id: 'CGENERAL',
      trigger_id: `trig-${RUN}-${randomUUID()}`,
      response_url: fake.responseUrl(),
    });
    expect(res.status).toBe(200);
    const help = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && blockTexts(c).includes('/crm link CODE'));
    expect(blockTexts(help)).toContain('/crm leads');
  });

  it("answers Slack's url_verification challenge (signed)", async () => {
    const res = await post(JSON.stringify({ token: 'x', challenge: 'ch-123', type: 'url_verification' }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ch-123');
  });

  it("takes plain language from a member's DM", async () => {
    const res = await postEvent({
      type: 'message',
      channel: 'DMGR1',
      channel_type: 'im',
      user: MANAGER,
      team: fake.teamId,
      text: 'remind me tomorrow at 10 to call Ivan',
      ts: nextTs(),
    });
    expect(res.status).toBe(200);
    const task = await waitFor(
      () => db.task.findFirst({ where: { workspaceId, assigneeId: managerId, title: { contains: 'call Ivan' } } }),
      'the reminder task',
    );
    expect(task.status).toBe('open');
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && /call Ivan/.test(String(c.params.text)));
  });

  it("answers a member's mention in a shared channel in their DM, never in the channel", async () => {
    const sharedPosts = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === SHARED).length;
    const res = await postEvent({
      type: 'app_mention',
      channel: SHARED,
      user: MANAGER,
      team: fake.teamId,
      text: `<@${fake.botUserId}> /leads mine`,
      ts: nextTs(),
    });
    expect(res.status).toBe(200);
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && String(c.params.text).includes(`#${leadId}`));
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === SHARED)).toHaveLength(sharedPosts);
  });

  it('creates a lead from a message with the shortcut, and refuses non-members', async () => {
    fake.addUser({ id: 'UCUST3', team_id: CUSTOMER_TEAM, real_name: 'Sam Shortcut' });
    const msgTs = nextTs();
    const shortcut = (user: string, team: string) => ({
      type: 'message_action',
      callback_id: 'create_lead_from_message',
      trigger_id: `trig-${RUN}-${randomUUID()}`,
      action_ts: `${Date.now() / 1000}`,
      team: { id: fake.teamId },
      user: { id: user, team_id: team, name: user.toLowerCase() },
      channel: { id: 'CSHARED3', name: 'sam-shared' },
      message: { type: 'message', user: 'UCUST3', user_team: CUSTOMER_TEAM, text: 'Could you send pricing for 20 seats?', ts: msgTs },
      response_url: fake.responseUrl(`sc-${user}`),
    });
    const before = await rowCounts();
    // someone who is not a linked team member: the engine drops it (rowCounts waits for the
    // inbound queue to drain, so the shortcut was handled before the rows are counted)
    expect((await postInteraction(shortcut('UOUTSIDER', CUSTOMER_TEAM))).status).toBe(200);
    expect(await rowCounts()).toEqual(before);

    expect((await postInteraction(shortcut(MANAGER, fake.teamId))).status).toBe(200);
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId, contact: { name: 'Sam Shortcut' } } }), 'the shortcut lead');
    expect(lead.firstMessage ?? lead.title).toMatch(/pricing/);
    const confirmation = await fake.waitForCall('response_url', (c) => /Creating a lead from Sam Shortcut/.test(String(c.params.text)));
    expect(confirmation.params.response_type).toBe('ephemeral');
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && blockTexts(c).includes(`lead:take:${lead.id}`));
  });

  it('lets a head of sales route the team digest to a channel; managers may not', async () => {
    const head = await db.user.create({ data: { workspaceId, name: 'Hana Head', role: 'head' } });
    await db.identity.create({ data: { workspaceId, channel: 'slack', externalId: `${fake.teamId}:UHEAD1`, chatId: 'DHEAD1', userId: head.id } });
    const digestCommand = (user: string, text: string) =>
      postForm({
        command: '/crm',
        text,
        user_id: user,
        team_id: fake.teamId,
        channel_id: 'CGENERAL',
        trigger_id: `trig-${RUN}-${randomUUID()}`,
        response_url: fake.responseUrl(),
      });

    // answers come to the DM, from the engine
    const dmSays = (channel: string, pattern: RegExp) =>
      fake.waitForCall('chat.postMessage', (c) => c.params.channel === channel && pattern.test(blockTexts(c)));
    expect((await digestCommand(MANAGER, 'digest channel <#CSALES1|sales>')).status).toBe(200);
    await dmSays('DMGR1', /Only heads of sales/);
    expect(await db.digestSubscription.count({ where: { userId: managerId, target: { not: null } } })).toBe(0);

    await digestCommand('UHEAD1', 'digest channel #sales');
    await dmSays('DHEAD1', /Usage/);

    await digestCommand('UHEAD1', 'digest channel <#CSALES1|sales>');
    await dmSays('DHEAD1', /posted in #sales/);
    const subs = await db.digestSubscription.findMany({ where: { userId: head.id, kind: { in: ['team_daily', 'team_weekly'] } } });
    expect(subs.map((s) => s.target)).toEqual(['CSALES1', 'CSALES1']);
    const destination = await db.identity.findFirstOrThrow({ where: { workspaceId, externalId: 'channel:CSALES1' } });
    expect(destination).toMatchObject({ chatId: 'CSALES1', userId: null, contactId: null });

    // the head's team digest, chart included, goes to the channel through the outbound queue
    const sub = subs.find((x) => x.kind === 'team_daily')!;
    const prepared = await prepareDigestDelivery(dbContext(db), sub.id, new Date(), { chart: (d) => renderDigestChart(d, 'en') });
    if (!('item' in prepared)) throw new Error(`digest skipped: ${prepared.skipped}`);
    expect(prepared.item.identityId).toBe(destination.id);
    expect(prepared.item.image).toBeDefined();
    await workers.outbox.enqueue(prepared.item);
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'CSALES1');
    const complete = await fake.waitForCall('files.completeUploadExternal', (c) => c.params.channel_id === 'CSALES1');
    const fileId = (complete.params.files as Array<{ id: string }>)[0]!.id;
    const upload = fake.uploads.find((u) => u.fileId === fileId)!;
    expect(upload.bytes).toBeGreaterThan(1000);
    expect(upload.body.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);

    await digestCommand('UHEAD1', 'digest channel off');
    await dmSays('DHEAD1', /DM again/);
    expect((await db.digestSubscription.findMany({ where: { userId: head.id, kind: 'team_daily' } }))[0]!.target).toBeNull();
  });

  it("delivers a due reminder to the manager's DM with Done and Snooze buttons; Done completes it", async () => {
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    const task = await createTask(dbContext(db, { scheduler: workers.scheduler }), systemActor(ws), {
      title: 'Send the Acme quote',
      dueAt: new Date(Date.now() + 300),
      assigneeId: managerId,
    });
    const reminder = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DMGR1' && blockTexts(c).includes(`task:done:${task.id}`), 15_000);
    expect(blockTexts(reminder)).toContain('Send the Acme quote');
    expect(blockTexts(reminder)).toMatch(new RegExp(`task:snooze:${task.id}:`));
    const ref = await waitFor(() => db.notificationRef.findFirst({ where: { workspaceId, taskId: task.id, channel: 'slack' } }), 'the reminder ref');
    const messageTs = ref.externalMessageId.split(':')[1]!;
    const res = await postInteraction({
      type: 'block_actions',
      trigger_id: `trig-${RUN}-${randomUUID()}`,
      team: { id: fake.teamId },
      user: { id: MANAGER, team_id: fake.teamId },
      channel: { id: 'DMGR1' },
      container: { type: 'message', message_ts: messageTs, channel_id: 'DMGR1' },
      message: { ts: messageTs, text: 'x' },
      actions: [{ type: 'button', action_id: `task:done:${task.id}`, value: `task:done:${task.id}`, action_ts: `${Date.now() / 1000}` }],
    });
    expect(res.status).toBe(200);
    const done = await waitFor(async () => {
      const t = await db.task.findUniqueOrThrow({ where: { id: task.id } });
      return t.status === 'done' ? t : null;
    }, 'the task to be done');
    expect(done.completedAt).not.toBeNull();
  });
});
