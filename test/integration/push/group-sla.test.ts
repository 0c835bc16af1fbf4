// A client group's first-response clock running out (core/sla/check-group-sla.ts) on real
// Redis + Postgres: the job the scheduler puts on the sla queue alerts the owner of the
// company's deal and every head once, with the group's conversation as the thread; a clock
// stopped or restarted meanwhile alerts nobody.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { outboundDrained, pushWorkspace, RecordingSender } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { checkGroupSla } from '../../../core/sla/check-group-sla.js';
import { testPrefix } from '../../support/redis-keys.js';

const db = testDb();
const sender = new RecordingSender();
let running: RunningWorkers;

beforeAll(async () => {
  running = await startWorkers({
    ctx: dbContext(db),
    settings: queueSettings(inject('redisUrl'), testPrefix('test-group-sla')),
    senders: { console: sender },
    reconcile: false,
  });
});
afterAll(async () => {
  await running?.close();
});

async function groupWithDeal() {
  const { workspace, members } = await pushWorkspace(db, [{ name: 'Bob Owner' }, { name: 'Helen Head', role: 'head', locale: 'ru' }, { name: 'Mary Other' }]);
  const [bob, helen, mary] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
  const company = await db.company.create({ data: { workspaceId: workspace.id, name: 'Acme', nameKey: 'acme' } });
  const contact = await db.contact.create({ data: { workspaceId: workspace.id, name: 'Petr', nameKey: 'petr', companyId: company.id } });
  const pipeline = await db.pipeline.findFirstOrThrow({ where: { workspaceId: workspace.id }, include: { stages: true } });
  const deal = await db.deal.create({
    data: {
      workspaceId: workspace.id,
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      title: 'Acme',
      titleKey: 'acme',
      ownerId: bob.userId,
      companyId: company.id,
    },
  });
  const due = new Date(Date.now() + 300);
  const group = await db.clientGroup.create({
    data: {
      workspaceId: workspace.id,
      chatId: `-100${workspace.id}`,
      title: 'Acme × Us',
      companyId: company.id,
      status: 'active',
      waitingSince: new Date(Date.now() - 120_000),
      replyDueAt: due,
    },
  });
  const conversation = await db.conversation.create({ data: { workspaceId: workspace.id, contactId: contact.id, channel: 'telegram', groupId: group.id } });
  return { workspace, bob, helen, mary, deal, group, due, conversation };
}

describe('client group first-response SLA', () => {
  it('alerts the deal owner and the heads once, replies thread into the group', { timeout: 60_000 }, async () => {
    const { workspace, bob, helen, mary, deal, group, due, conversation } = await groupWithDeal();
    await running.scheduler.scheduleGroupCheck(group.id, due);
    // scheduling the same clock again (start-up reconciliation) is a no-op
    await running.scheduler.scheduleGroupCheck(group.id, due);
    const alerts = () => sender.sent.filter((s) => [bob.chatId, helen.chatId, mary.chatId].includes(s.chatId));
    await waitFor(() => alerts().length >= 2, 'the alerts');
    // a retried job sends nothing twice and writes the timeline once
    expect(await checkGroupSla(dbContext(db), running.outbox, { groupId: group.id, dueAtMs: due.getTime() })).toEqual({ status: 'breached', notified: 2 });
    await outboundDrained(running.outbox);
    const sent = alerts();
    expect(sent.map((s) => s.chatId).sort()).toEqual([bob.chatId, helen.chatId].sort());
    expect(sent.find((s) => s.chatId === bob.chatId)!.text).toContain('«Acme × Us» (Acme) has waited 2 minutes for an answer. Owner: Bob Owner.');
    expect(sent.find((s) => s.chatId === helen.chatId)!.text).toContain('ждёт ответа 2 минуты. Ответственный: Bob Owner');
    expect(await db.activity.count({ where: { workspaceId: workspace.id, type: 'group.sla_breached', dealId: deal.id } })).toBe(1);
    const ref = await db.notificationRef.findFirstOrThrow({ where: { workspaceId: workspace.id, chatId: bob.chatId } });
    expect(ref).toMatchObject({ conversationId: conversation.id, dealId: deal.id });
  });

  it('a clock stopped or restarted before its deadline alerts nobody', async () => {
    const { group, due } = await groupWithDeal();
    await db.clientGroup.update({ where: { id: group.id }, data: { waitingSince: null, replyDueAt: null } });
    expect(await checkGroupSla(dbContext(db), running.outbox, { groupId: group.id, dueAtMs: due.getTime() })).toEqual({ status: 'stale', reason: 'answered' });
    const later = new Date(Date.now() + 60_000);
    await db.clientGroup.update({ where: { id: group.id }, data: { waitingSince: new Date(), replyDueAt: later } });
    expect(await checkGroupSla(dbContext(db), running.outbox, { groupId: group.id, dueAtMs: due.getTime() })).toEqual({ status: 'stale', reason: 'not_due' });
    expect(await checkGroupSla(dbContext(db), running.outbox, { groupId: group.id, dueAtMs: later.getTime() })).toEqual({ status: 'stale', reason: 'not_due' });
  });
});
