// /crm team on Slack, end to end (signed requests to the receiver, the real queues and engine,
// the fake Slack Web API): an admin deactivates a manager with a handover to a chosen person,
// previewed with buttons and confirmed by a click, and the new owner is told in their DM; a
// manager's attempt is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { slackStack, type SlackStack } from '../../support/slack-stack.js';
import type { FakeSlackCall } from '../../support/fake-slack.js';
import { addUser } from '../../../core/users/add-user.js';
import { systemActor } from '../../../core/actor.js';
import { actorForUser } from '../../../core/users/find-users.js';
import { createDeal } from '../../../core/deals/index.js';
import { createTask } from '../../../core/tasks/index.js';
import { dbContext } from '../../../connectors/db/stores/index.js';

let stack: SlackStack;
const ids: Record<string, { id: number; dm: string; slack: string }> = {};

const blocks = (c: FakeSlackCall) => JSON.stringify(c.params.blocks ?? []);

function command(user: string, text: string) {
  return stack.slack.postForm({
    command: '/crm',
    text,
    user_id: user,
    team_id: stack.slack.fake.teamId,
    channel_id: 'CGENERAL',
    trigger_id: `trig-${stack.slack.run}-${randomUUID()}`,
    response_url: stack.slack.fake.responseUrl(),
  });
}

beforeAll(async () => {
  stack = await slackStack({ slug: 'slack-team' });
  const ctx = dbContext(stack.db);
  for (const [name, role, slack] of [
    ['Ada Admin', 'admin', 'UTADA'],
    ['Max Manager', 'manager', 'UTMAX'],
    ['Nina Manager', 'manager', 'UTNINA'],
  ] as const) {
    stack.slack.fake.addUser({ id: slack, team_id: stack.slack.fake.teamId, name: slack.toLowerCase(), real_name: name, locale: 'en-US' });
    const added = await addUser(ctx, systemActor(stack.ws), { name, role, locale: 'en' });
    const dm = await stack.slack.link(slack, added.inviteCode, added.user.id);
    ids[name.split(' ')[0]!] = { id: added.user.id, dm, slack };
  }
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('/crm team on Slack', () => {
  it('a manager is refused deactivating a colleague; nothing changes', async () => {
    const { Max, Nina } = ids as Required<typeof ids>;
    expect((await command(Max!.slack, `team deactivate ${Nina!.id} ${Max!.id}`)).status).toBe(200);
    const refusal = await stack.slack.channel(Max!.dm).next('the refusal', (c) => /Only an admin/.test(String(c.params.text) + blocks(c)));
    expect(String(refusal.params.text) + blocks(refusal)).toContain('Only an admin can do that. Nothing was changed.');
    expect(await stack.db.user.findUniqueOrThrow({ where: { id: Nina!.id } })).toMatchObject({ active: true });
    expect(await stack.db.auditLog.count({ where: { workspaceId: stack.ws.id, action: 'user.deactivate' } })).toBe(0);
  });

  it('an admin deactivates a manager with a handover to a chosen person, confirmed by a click; the new owner is told', async () => {
    const { Ada, Max, Nina } = ids as Required<typeof ids>;
    const { db, ws } = stack;
    const ctx = dbContext(db);
    const max = await actorForUser(db, Max!.id);
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Acme Buyer', nameKey: 'acme buyer' } });
    const lead = await db.lead.create({ data: { workspaceId: ws.id, contactId: contact.id, source: 'slack', title: 'Acme', assigneeId: Max!.id } });
    const deal = await createDeal(ctx, max, { title: 'Initech upgrade' });
    const task = await createTask(ctx, max, { title: 'Call Initech', dueAt: new Date(Date.now() + 86_400_000), dealId: deal.id });

    expect((await command(Ada!.slack, `team deactivate ${Max!.id} ${Nina!.id}`)).status).toBe(200);
    const preview = await stack.slack.channel(Ada!.dm).next('the preview', (c) => blocks(c).includes(`team:confirm:${Max!.id}:${Nina!.id}`));
    const text = String(preview.params.text) + blocks(preview);
    expect(text).toContain(`#${lead.id} Acme Buyer → Nina Manager`);
    expect(text).toContain(`#${deal.id} Initech upgrade → Nina Manager`);
    expect(text).toContain(`#${task.id} Call Initech → Nina Manager`);
    expect((await db.user.findUniqueOrThrow({ where: { id: Max!.id } })).active).toBe(true);

    expect((await stack.slack.click(Ada!.slack, `team:confirm:${Max!.id}:${Nina!.id}`, { channel: Ada!.dm, messageTs: preview.ts! })).status).toBe(200);
    const told = await stack.slack.channel(Nina!.dm).next('the handover notice', (c) => /Max Manager was deactivated/.test(String(c.params.text) + blocks(c)));
    const notice = String(told.params.text) + blocks(told);
    expect(notice).toContain(`#${lead.id} Acme Buyer`);
    expect(notice).toContain(`#${deal.id} Initech upgrade`);
    expect(notice).toContain(`#${task.id} Call Initech`);

    expect(await db.user.findUniqueOrThrow({ where: { id: Max!.id } })).toMatchObject({ active: false, onDuty: false });
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(Nina!.id);
    expect((await db.deal.findUniqueOrThrow({ where: { id: deal.id } })).ownerId).toBe(Nina!.id);
    expect((await db.task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId).toBe(Nina!.id);

    // a deactivated member can no longer act: their /crm leads is refused, and nothing is listed
    await stack.drained();
    const before = stack.slack.channel(Max!.dm).received().length;
    expect((await command(Max!.slack, 'leads')).status).toBe(200);
    await stack.drained();
    const after = stack.slack.channel(Max!.dm).received().slice(before);
    expect(after.map((c) => String(c.params.text))).toEqual([
      'Your Leadline account is deactivated, so I cannot act for you. If this is a mistake, ask an admin.',
    ]);
  });
});
