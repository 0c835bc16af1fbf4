// SLA breach on real Redis + Postgres: assignee and every head told once, with buttons;
// auto-reassign to the next on-duty manager; answered leads stay quiet; "remind in 10 min".
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { outboundDrained, pushWorkspace, RecordingSender, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { SlaOutcome } from '../../../core/sla/check-sla.js';
import { testPrefix } from '../../support/redis-keys.js';
import { renderMetrics } from '../../../connectors/metrics/registry.js';
import { sample } from '../../support/metrics.js';

const db = testDb();
const sender = new RecordingSender();
let running: RunningWorkers;
// every SLA check job the worker finished, in order (the hook the worker calls after each)
const checks: Array<{ leadId: number; outcome: SlaOutcome }> = [];
const checksOf = (leadId: number) => checks.filter((c) => c.leadId === leadId).map((c) => c.outcome);

beforeAll(async () => {
  running = await startWorkers({
    ctx: dbContext(db),
    settings: queueSettings(inject('redisUrl'), testPrefix('test-sla')),
    senders: { console: sender },
    reconcile: false,
    onSlaCheck: (data, outcome) => checks.push({ leadId: data.leadId, outcome }),
  });
});
afterAll(async () => {
  await running?.close();
});

async function team(autoReassignOnBreach: boolean) {
  const { workspace, members } = await pushWorkspace(
    db,
    [{ name: 'Maria Manager' }, { name: 'Pavel Manager' }, { name: 'Helen Head', role: 'head' }, { name: 'Hugo Head', role: 'head', locale: 'ru' }],
    { autoReassignOnBreach },
  );
  return { workspaceId: workspace.id, m1: members[0]!, m2: members[1]!, h1: members[2]!, h2: members[3]! };
}

async function lead(workspaceId: number, assignee: Member, dueInMs: number, extra: { firstResponseAt?: Date } = {}) {
  const contact = await db.contact.create({ data: { workspaceId, name: 'Ivan Buyer', nameKey: 'ivan buyer' } });
  return db.lead.create({
    data: {
      workspaceId,
      contactId: contact.id,
      source: 'telegram',
      title: 'Needs 40 chairs',
      assigneeId: assignee.userId,
      firstResponseDueAt: new Date(Date.now() + dueInMs),
      ...extra,
    },
  });
}

const to = (m: Member, leadId: number) => sender.sent.filter((s) => s.chatId === m.chatId && s.buttons?.[0]?.[0]?.data === `sla:reassign:${leadId}`);

/** leadline_sla_breaches_total{kind="lead"} in this process's registry */
async function leadBreaches(): Promise<number> {
  return sample((await renderMetrics()).body, 'leadline_sla_breaches_total', '{kind="lead"}');
}

describe('SLA escalation', () => {
  it('tells the assignee and every head once, with Reassign and Remind buttons', { timeout: 60_000 }, async () => {
    const { workspaceId, m1, m2, h1, h2 } = await team(false);
    const breachesBefore = await leadBreaches();
    const l = await lead(workspaceId, m1, 400);
    await running.scheduler.scheduleSlaCheck(l.id, l.firstResponseDueAt!);
    // three chats through the outbound queue's shared clocks: allow for a loaded machine
    await waitFor(() => to(m1, l.id).length && to(h1, l.id).length && to(h2, l.id).length, 'the three breach notices', 15_000);
    const breached = await db.lead.findUniqueOrThrow({ where: { id: l.id } });
    expect(breached.slaBreachedAt).not.toBeNull();
    expect(breached.assigneeId).toBe(m1.userId);
    const msg = to(h1, l.id)[0]!;
    expect(msg.text).toContain('No first response for 15 min: lead #' + l.id);
    expect(msg.text).toContain('Assigned to: Maria Manager');
    expect(msg.buttons).toEqual([
      [
        { label: 'Reassign', data: `sla:reassign:${l.id}` },
        { label: 'Remind in 10 min', data: `sla:remind:${l.id}:10m` },
      ],
    ]);
    expect(to(h2, l.id)[0]!.text).toContain('Нет первого ответа');
    // the same check again (a retry, a second worker) sends nothing new
    await running.scheduler.sla.add('check', { leadId: l.id, dueAtMs: l.firstResponseDueAt!.getTime() }, { jobId: `again-${l.id}` });
    await waitFor(() => checksOf(l.id).length >= 2, 'the repeated check to run', 5000);
    await outboundDrained(running.outbox);
    expect(checksOf(l.id)[1]).toMatchObject({ status: 'breached', fresh: false });
    expect([to(m1, l.id), to(h1, l.id), to(h2, l.id)].map((x) => x.length)).toEqual([1, 1, 1]);
    expect(to(m2, l.id)).toHaveLength(0);
    expect(await db.activity.count({ where: { leadId: l.id, type: 'lead.sla_breached' } })).toBe(1);
    // counted once in the metrics too: the repeated check found it breached already
    expect(await leadBreaches()).toBe(breachesBefore + 1);

    // "Remind in 10 min" schedules a later check: the assignee is nudged
    // (a later check is due after the deadline: the button's is 10 minutes on, here 1.5 s at least)
    await running.scheduler.scheduleSlaCheck(l.id, new Date(Math.max(Date.now(), l.firstResponseDueAt!.getTime() + 1500) + 300));
    const nudge = await waitFor(() => sender.sent.find((s) => s.chatId === m1.chatId && s.text.includes('still has no first response')), 'the nudge', 15_000);
    expect(nudge.text).toContain(`#${l.id}`);
  });

  it('auto-reassigns to the next on-duty manager when the workspace asks for it', async () => {
    const { workspaceId, m1, m2, h1 } = await team(true);
    const l = await lead(workspaceId, m1, 300);
    await running.scheduler.scheduleSlaCheck(l.id, l.firstResponseDueAt!);
    await waitFor(() => to(m2, l.id).length && to(h1, l.id).length && to(m1, l.id).length, 'the condition', 5000);
    expect((await db.lead.findUniqueOrThrow({ where: { id: l.id } })).assigneeId).toBe(m2.userId);
    expect(to(m2, l.id)[0]!.text).toContain('was reassigned to you');
    expect(to(h1, l.id)[0]!.text).toContain('Reassigned automatically from Maria Manager to Pavel Manager');
    await waitFor(() => checksOf(l.id).length, 'the check to finish', 5000);
    await outboundDrained(running.outbox);
    expect(checksOf(l.id)).toEqual([expect.objectContaining({ status: 'breached', fresh: true, reassignedTo: m2.userId })]);
    expect(to(m2, l.id)).toHaveLength(1);
  });

  it('stays quiet for a lead answered in time', async () => {
    const { workspaceId, m1, h1 } = await team(false);
    const l = await lead(workspaceId, m1, 300, { firstResponseAt: new Date() });
    await running.scheduler.scheduleSlaCheck(l.id, l.firstResponseDueAt!);
    const [outcome] = await waitFor(() => (checksOf(l.id).length ? checksOf(l.id) : null), 'the check to run', 5000);
    expect(outcome).toEqual({ status: 'stale', reason: 'answered' });
    await outboundDrained(running.outbox);
    expect(to(m1, l.id)).toHaveLength(0);
    expect(to(h1, l.id)).toHaveLength(0);
    expect((await db.lead.findUniqueOrThrow({ where: { id: l.id } })).slaBreachedAt).toBeNull();
  });
});
