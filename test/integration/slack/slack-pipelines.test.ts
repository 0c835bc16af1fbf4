// /crm pipelines and /crm rules on Slack (signed requests to the receiver, the real queues and
// engine, the fake Web API): an admin gets the buttons and edits, a manager is refused and
// nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FakeSlackCall } from '../../support/fake-slack.js';
import { slackStack, type SlackStack } from '../../support/slack-stack.js';
import { waitFor } from '../../support/wait.js';
import { addUser } from '../../../core/users/add-user.js';
import { systemActor } from '../../../core/actor.js';
import { dbContext } from '../../../connectors/db/stores/index.js';

const RUN = randomUUID().slice(0, 8);
const ADMIN = 'UADMPL';
const MANAGER = 'UMGRPL';
let stack: SlackStack;
let adminDm: string;
let managerDm: string;

const blocks = (c: FakeSlackCall) => JSON.stringify(c.params.blocks ?? []);

async function crm(user: string, text: string) {
  const res = await stack.slack.postForm({
    command: '/crm',
    text,
    user_id: user,
    team_id: stack.slack.fake.teamId,
    channel_id: 'CGENERAL',
    trigger_id: `trig-${RUN}-${randomUUID()}`,
    response_url: stack.slack.fake.responseUrl(),
  });
  expect(res.status).toBe(200);
}

async function click(user: string, value: string, channel: string) {
  const ts = stack.slack.nextTs();
  const res = await stack.slack.postInteraction({
    type: 'block_actions',
    trigger_id: `trig-${RUN}-${randomUUID()}`,
    team: { id: stack.slack.fake.teamId },
    user: { id: user, team_id: stack.slack.fake.teamId, name: user.toLowerCase() },
    channel: { id: channel },
    container: { type: 'message', message_ts: ts, channel_id: channel },
    message: { ts, text: 'x' },
    response_url: stack.slack.fake.responseUrl(),
    actions: [{ type: 'button', action_id: value, value, block_id: 'b1', action_ts: `${Date.now() / 1000}` }],
  });
  expect(res.status).toBe(200);
}

const dm = (channel: string, match: (c: FakeSlackCall) => boolean) =>
  stack.slack.fake.waitForCall('chat.postMessage', (c) => c.params.channel === channel && match(c));

beforeAll(async () => {
  stack = await slackStack({ slug: 'slackpl', run: RUN });
  const { fake } = stack.slack;
  fake.addUser({ id: ADMIN, team_id: fake.teamId, name: 'ada', real_name: 'Ada Admin', locale: 'en-US' });
  fake.addUser({ id: MANAGER, team_id: fake.teamId, name: 'max', real_name: 'Max Manager', locale: 'en-US' });
  const admin = await addUser(dbContext(stack.db), systemActor(stack.ws), { name: 'Ada Admin', role: 'admin' });
  const manager = await addUser(dbContext(stack.db), systemActor(stack.ws), { name: 'Max Manager', role: 'manager' });
  adminDm = await stack.slack.link(ADMIN, admin.inviteCode, admin.user.id);
  managerDm = await stack.slack.link(MANAGER, manager.inviteCode, manager.user.id);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('pipelines and rules on Slack', () => {
  it('an admin lists and adds pipelines and rules with buttons; a manager is refused and nothing changes', async () => {
    const { db, ws } = stack;
    await crm(ADMIN, 'pipelines');
    const list = await dm(adminDm, (c) => String(c.params.text).includes('1 pipeline:'));
    expect(String(list.params.text)).toContain('Sales (default): New → Qualified → Proposal → Negotiation → Won → Lost');
    expect(blocks(list)).toContain('pl:new:1');

    await crm(ADMIN, 'pipelines add Partners: Intro, Pilot');
    await dm(adminDm, (c) => String(c.params.text).includes('Partners added: Intro → Pilot → Won → Lost.'));
    const partners = await waitFor(
      () => db.pipeline.findFirst({ where: { workspaceId: ws.id, name: 'Partners' }, include: { stages: { orderBy: { position: 'asc' } } } }),
      'the pipeline',
    );

    const pilot = partners.stages.find((s) => s.name === 'Pilot')!;
    await click(MANAGER, `pl:won:${pilot.id}`, managerDm);
    await dm(managerDm, (c) => String(c.params.text).includes('Only an admin can change pipelines and automation rules. Nothing was changed.'));
    await crm(MANAGER, 'rules add stale');
    await waitFor(
      () =>
        stack.slack.fake.calls.filter(
          (c) => c.method === 'chat.postMessage' && c.params.channel === managerDm && String(c.params.text).includes('Only an admin'),
        ).length === 2 || null,
      'the second refusal',
    );
    expect((await db.stage.findUniqueOrThrow({ where: { id: pilot.id } })).kind).toBe('open');
    expect(await db.automationRule.count({ where: { workspaceId: ws.id } })).toBe(0);

    await crm(ADMIN, 'rules');
    const rules = await dm(adminDm, (c) => String(c.params.text).includes('No automation rules yet.'));
    expect(blocks(rules)).toContain('rule:addstale:1');
    await click(ADMIN, 'rule:addstale:1', adminDm);
    await dm(adminDm, (c) => String(c.params.text).includes('Rule added: #') && String(c.params.text).includes('reminder to its owner'));
    const rule = await db.automationRule.findFirstOrThrow({ where: { workspaceId: ws.id } });
    expect([rule.trigger, rule.enabled]).toEqual(['stale_deal', true]);
  }, 120_000);
});
