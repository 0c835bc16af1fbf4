// The mailing job picks up where a killed worker left it: the first run dies right after
// handing a batch of recipients to the outbound queue (before marking them queued), the next
// run (another worker) queues them again and the rest. Every recipient ends up as exactly one
// outbound job (the dedupe key's job id makes the repeat a no-op), none lost; the audience is
// claimed once (a second claim adds nobody), and the opted-out are claimed as skipped. Jobs
// lost with Redis are queued again by the periodic re-queue of the recipients still open.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { testPrefix } from '../../support/redis-keys.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { BullMQOutbox } from '../../../connectors/queue/outbound-queue.js';
import { chooseAudience, confirmMailing, createMailing } from '../../../core/mailings/mailings.js';
import { mailingReport, runMailingStep } from '../../../core/mailings/run-mailing.js';
import { deliverOutboxItem } from '../../../core/outbound/deliver.js';
import { contactTimeline } from '../../../core/history/timeline.js';
import { entryLine } from '../../../core/chat/commands/history.js';
import { deliveryLedger } from '../../../connectors/db/delivery-ledger.js';
import type { Actor } from '../../../core/actor.js';
import type { Outbox, OutboxItem } from '../../../core/ports.js';

const db = testDb();
const outbox = new BullMQOutbox(queueSettings(inject('redisUrl'), testPrefix('mailing-resume')));
afterAll(async () => {
  await outbox.close();
});

describe('a mailing job run again after its worker died', () => {
  it('queues every recipient exactly once', async () => {
    const ws = await ensureWorkspace(db, uniqueSlug('resume'), { timezone: 'UTC', locale: 'en' });
    const head = await db.user.create({ data: { workspaceId: ws.id, name: 'Head', role: 'head', locale: 'en' } });
    const actor: Actor = { userId: head.id, workspaceId: ws.id, role: 'head', locale: 'en', timezone: 'UTC' };
    const base = 700_000_000 + Math.floor(Math.random() * 100_000_000);
    const contacts = await db.contact.createManyAndReturn({
      data: Array.from({ length: 45 }, (_, i) => ({
        workspaceId: ws.id,
        name: `C${i}`,
        nameKey: `c${i}`,
        tags: ['news'],
        ...(i < 5 ? { mailingOptOutAt: new Date() } : {}),
      })),
      select: { id: true },
    });
    await db.identity.createMany({
      data: contacts.map((c, i) => ({
        workspaceId: ws.id,
        channel: 'telegram' as const,
        externalId: String(base + i),
        chatId: String(base + i),
        contactId: c.id,
      })),
    });
    const ctx = dbContext(db);
    // only heads and admins mail customers
    await expect(createMailing(ctx, { ...actor, role: 'manager' }, { text: 'Hello' })).rejects.toMatchObject({ code: 'forbidden' });
    const mailing = await createMailing(ctx, actor, { text: 'Hello' });
    await chooseAudience(ctx, actor, mailing.id, { filter: { tags: ['news'] } });
    const started: number[] = [];
    await confirmMailing(ctx, actor, mailing.id, { reportIdentityId: null, jobs: { start: async (p) => void started.push(p.mailingId) } });
    expect(started).toEqual([mailing.id]);

    // the first worker: hands the first batch to the queue, then dies before marking it
    const handed: OutboxItem[] = [];
    const dying: Outbox = {
      enqueue: (item) => outbox.enqueue(item),
      enqueueMany: async (items) => {
        await outbox.enqueueMany(items);
        handed.push(...items);
        throw new Error('worker killed');
      },
    };
    await expect(runMailingStep(ctx, dying, mailing.id, { batch: 15 })).rejects.toThrow('worker killed');
    expect(handed).toHaveLength(15);
    expect(await db.mailingRecipient.count({ where: { mailingId: mailing.id, status: 'pending' } })).toBe(40);

    // the next worker: claims nobody twice, queues the 15 again (no-op) and the other 25
    const again: OutboxItem[] = [];
    const recording: Outbox = {
      enqueue: (item) => outbox.enqueue(item),
      enqueueMany: async (items) => {
        again.push(...items);
        await outbox.enqueueMany(items);
      },
    };
    const step = await runMailingStep(ctx, recording, mailing.id, { batch: 15 });
    expect(step.status).toBe('waiting');
    expect(again).toHaveLength(40);
    expect(await db.mailingRecipient.count({ where: { mailingId: mailing.id } })).toBe(45);
    expect(await db.mailingRecipient.count({ where: { mailingId: mailing.id, status: 'skipped', reason: 'opted_out' } })).toBe(5);
    expect((await db.mailing.findUniqueOrThrow({ where: { id: mailing.id } })).queuedCount).toBe(40);

    // one outbound job per recipient, on the bulk lane
    const jobs = (await outbox.queue.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) =>
      j.data.item.dedupeKey?.startsWith(`mailing:${mailing.id}:c`),
    );
    expect(jobs).toHaveLength(40);
    expect(new Set(jobs.map((j) => j.data.item.dedupeKey)).size).toBe(40);
    expect(jobs.every((j) => j.data.item.lane === 'bulk')).toBe(true);

    // a third run (a duplicate of the job) queues nothing more and waits for the outcomes
    const third: OutboxItem[] = [];
    await runMailingStep(ctx, { enqueue: async (i) => void third.push(i), enqueueMany: async (i) => void third.push(...i) }, mailing.id);
    expect(third).toHaveLength(0);

    // Redis lost 10 of the jobs: the periodic re-queue puts back exactly those still open
    for (const j of jobs.slice(0, 10)) await j.remove();
    await runMailingStep(ctx, outbox, mailing.id, {}, { requeueOpen: true });
    const after = (await outbox.queue.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) =>
      j.data.item.dedupeKey?.startsWith(`mailing:${mailing.id}:c`),
    );
    expect(new Set(after.map((j) => j.data.item.dedupeKey))).toEqual(new Set(jobs.map((j) => j.data.item.dedupeKey)));
    expect(after).toHaveLength(40);

    // a customer who says "stop" after their message was queued is not sent it; the others are
    const [late, onTime] = [after[0]!.data.item as OutboxItem, after[1]!.data.item as OutboxItem];
    await db.contact.update({ where: { id: late.mailingContactId! }, data: { mailingOptOutAt: new Date() } });
    const sent: string[] = [];
    const senders = { telegram: { send: async (m: { chatId: string }) => (sent.push(m.chatId), { externalMessageId: `m${sent.length}` }) } };
    expect(await deliverOutboxItem(ctx, senders, late, { ledger: deliveryLedger })).toEqual({ status: 'skipped', reason: 'opted_out' });
    expect(await deliverOutboxItem(ctx, senders, onTime, { ledger: deliveryLedger })).toMatchObject({ status: 'sent' });
    expect(sent).toHaveLength(1);
    // the message it got is on that customer's timeline, in their history
    const page = await contactTimeline(ctx, actor, { kind: 'contact', id: onTime.mailingContactId! });
    const line = page.entries.find((e) => e.type === 'mailing.sent');
    expect(line && entryLine(actor, line)).toContain('Mailing: Hello');
    const report = await mailingReport(ctx, mailing.id);
    expect(report.counts.sent).toBe(1);
    expect(report.reasons.opted_out).toBe(6);
  });
});
