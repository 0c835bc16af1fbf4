// deliverOutboxItem's ledger claim, taken in the same statement as the identity look-up:
// a postponed send hands the claim back (a notice that may be folded claims only once the
// limiter hands its send over, so a postponed one writes nothing), a process without the channel's sender claims
// nothing, a send in progress elsewhere is "busy" until its mark goes stale, and a final
// key is never sent again. A claim the row already refuses takes no row lock (no WAL record,
// no flushed commit), and the statements that look rows up by a list of keys are planned for
// that list (sent unnamed), never from a plan cached while the table was small.
import { describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender } from '../../support/push.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { deliverOutboxItem, MissingSenderError } from '../../../core/outbound/deliver.js';
import type { OutboxItem } from '../../../core/ports.js';
import { deliveryLedger } from '../../../connectors/db/delivery-ledger.js';
import { poolOf } from '../../../connectors/db/client.js';

const db = testDb();
const ctx = dbContext(db);

async function setup() {
  const { workspace, members } = await pushWorkspace(db, [{ name: 'Vera', channel: 'console' }]);
  const item: OutboxItem = { workspaceId: workspace.id, identityId: members[0]!.identityId, text: 'hello', dedupeKey: `claim-${randomUUID()}` };
  const ledger = () => db.outboundDelivery.findUnique({ where: { dedupeKey: item.dedupeKey! } });
  return { item, ledger, chatId: members[0]!.chatId };
}

describe('deliverOutboxItem claim', () => {
  it('hands the claim back when the rate limiter postpones the send, and sends it once later', async () => {
    const { item, ledger, chatId } = await setup();
    const sender = new RecordingSender();
    const postponed = new Error('postponed by the rate limiter');
    await expect(deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger, beforeSend: () => Promise.reject(postponed) })).rejects.toBe(
      postponed,
    );
    expect(sender.sent).toHaveLength(0);
    expect(await ledger()).toMatchObject({ status: 'retrying', error: 'postponed by the rate limiter' });

    const outcome = await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger });
    expect(outcome).toMatchObject({ status: 'sent', target: { channel: 'console', chatId } });
    expect(await ledger()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger })).toEqual({ status: 'duplicate' });
    expect(sender.sent).toHaveLength(1);
  });

  it('claims nothing in a process that has no sender for the channel', async () => {
    const { item, ledger } = await setup();
    await expect(deliverOutboxItem(ctx, { telegram: new RecordingSender() }, item, { ledger: deliveryLedger })).rejects.toBeInstanceOf(MissingSenderError);
    expect(await ledger()).toBeNull();
  });

  it('is busy while another worker sends the same item, and takes over once that mark is stale', async () => {
    const { item, ledger } = await setup();
    await db.outboundDelivery.create({ data: { dedupeKey: item.dedupeKey!, workspaceId: item.workspaceId, identityId: item.identityId, status: 'sending' } });
    const sender = new RecordingSender();
    expect(await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger, sendingStaleMs: 60_000 })).toEqual({ status: 'busy' });
    expect(sender.sent).toHaveLength(0);
    await db.outboundDelivery.update({ where: { dedupeKey: item.dedupeKey! }, data: { updatedAt: new Date(Date.now() - 120_000) } });
    expect(await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger, sendingStaleMs: 60_000 })).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(1);
    expect((await ledger())!.status).toBe('sent');
  });

  it('answers duplicate for a delivered key even when its identity is gone', async () => {
    const { item } = await setup();
    await db.outboundDelivery.create({ data: { dedupeKey: item.dedupeKey!, workspaceId: item.workspaceId, identityId: item.identityId, status: 'sent' } });
    const sender = new RecordingSender();
    expect(await deliverOutboxItem(ctx, { console: sender }, { ...item, identityId: 2_000_000_000 }, { ledger: deliveryLedger })).toEqual({
      status: 'duplicate',
    });
    expect(sender.sent).toHaveLength(0);
  });

  it('takes no row lock when the row refuses the claim (a fresh send elsewhere, a final outcome)', async () => {
    const { item } = await setup();
    await db.outboundDelivery.create({ data: { dedupeKey: item.dedupeKey!, workspaceId: item.workspaceId, identityId: item.identityId, status: 'sending' } });
    // a row locked by a later transaction carries its id in xmax; an untouched row has 0
    const xmax = async () =>
      (await db.$queryRawUnsafe<Array<{ xmax: string }>>(`SELECT xmax::text AS xmax FROM "OutboundDelivery" WHERE "dedupeKey" = $1`, item.dedupeKey))[0]!.xmax;
    expect(await xmax()).toBe('0');
    const sender = new RecordingSender();
    expect(await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger, sendingStaleMs: 60_000 })).toEqual({ status: 'busy' });
    expect(await xmax()).toBe('0');
    await db.outboundDelivery.update({ where: { dedupeKey: item.dedupeKey! }, data: { status: 'coalesced' } });
    const before = await xmax();
    expect(await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger })).toEqual({ status: 'duplicate' });
    expect(await xmax()).toBe(before);
    expect(sender.sent).toHaveLength(0);
  });

  it('claims a notice that may be folded only once the limiter hands its send over: a postponed one writes nothing', async () => {
    const { item: base, ledger, chatId } = await setup();
    const item: OutboxItem = { ...base, notice: { name: 'Ivan', snippet: 'hello', locale: 'en' } };
    const sender = new RecordingSender();
    const postponed = new Error('postponed by the rate limiter');
    let seen: unknown;
    await expect(
      deliverOutboxItem(ctx, { console: sender }, item, {
        ledger: deliveryLedger,
        beforeSend: async () => {
          seen = await ledger();
          throw postponed;
        },
      }),
    ).rejects.toBe(postponed);
    // no row before the limiter was asked, none after it postponed the send
    expect(seen).toBeNull();
    expect(await ledger()).toBeNull();

    const outcome = await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger });
    expect(outcome).toMatchObject({ status: 'sent', target: { channel: 'console', chatId } });
    expect(await ledger()).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await deliverOutboxItem(ctx, { console: sender }, item, { ledger: deliveryLedger })).toEqual({ status: 'duplicate' });
    expect(sender.sent).toHaveLength(1);
  });

  it('takes a folded notice that has no row yet, and records it coalesced into the message that carried it', async () => {
    const { item: base, ledger } = await setup();
    const item: OutboxItem = { ...base, notice: { name: 'Ivan', snippet: 'hello', locale: 'en' } };
    const waiting = `${item.dedupeKey}-waiting`;
    const sender = new RecordingSender();
    const outcome = await deliverOutboxItem(ctx, { console: sender }, item, {
      ledger: deliveryLedger,
      beforeSend: async () => ({ folded: [{ dedupeKey: waiting, text: 'waiting notice', notice: { name: 'Anna', snippet: 'price?', locale: 'en' } }] }),
    });
    expect(outcome).toMatchObject({ status: 'sent', folded: [waiting] });
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]!.text).toContain('Anna');
    expect(await ledger()).toMatchObject({ status: 'sent' });
    expect(await db.outboundDelivery.findUnique({ where: { dedupeKey: waiting } })).toMatchObject({
      status: 'coalesced',
      coalescedInto: item.dedupeKey,
      workspaceId: item.workspaceId,
      identityId: item.identityId,
    });
    // its own job, run later, finds it done
    expect(await deliverOutboxItem(ctx, { console: sender }, { ...item, dedupeKey: waiting }, { ledger: deliveryLedger })).toEqual({ status: 'duplicate' });
    expect(sender.sent).toHaveLength(1);
  });

  it('leaves a notice whose key another worker took while it waited, and gives back the notices it was handed', async () => {
    const { item: base } = await setup();
    const item: OutboxItem = { ...base, notice: { name: 'Ivan', snippet: 'hello', locale: 'en' } };
    const handed = { dedupeKey: `${item.dedupeKey}-handed`, text: 'waiting notice', notice: { name: 'Anna', snippet: 'price?', locale: 'en' as const } };
    const sender = new RecordingSender();
    const givenBack: string[] = [];
    const outcome = await deliverOutboxItem(ctx, { console: sender }, item, {
      ledger: deliveryLedger,
      sendingStaleMs: 60_000,
      beforeSend: async () => {
        // another worker's run of the same item took the send meanwhile
        await db.outboundDelivery.create({
          data: { dedupeKey: item.dedupeKey!, workspaceId: item.workspaceId, identityId: item.identityId, status: 'sending' },
        });
        return { folded: [handed] };
      },
      unfold: async (_, notices) => {
        givenBack.push(...notices.map((n) => n.dedupeKey));
      },
    });
    expect(outcome).toEqual({ status: 'busy' });
    expect(givenBack).toEqual([handed.dedupeKey]);
    expect(sender.sent).toHaveLength(0);
    expect(await db.outboundDelivery.findUnique({ where: { dedupeKey: handed.dedupeKey } })).toBeNull();
  });

  it('plans the key-list statements for their list, and keeps the plain record of a send a named statement', async () => {
    const { item: base, ledger } = await setup();
    const item: OutboxItem = { ...base, notice: { name: 'Ivan', snippet: 'hello', locale: 'en' } };
    const folded = { ...item, dedupeKey: `${item.dedupeKey}-folded` };
    await db.outboundDelivery.create({ data: { dedupeKey: folded.dedupeKey, workspaceId: item.workspaceId, identityId: item.identityId, status: 'retrying' } });
    const pool = poolOf(db)!.pool;
    const query = vi.spyOn(pool, 'query');
    try {
      const sender = new RecordingSender();
      const plain = { ...base, dedupeKey: `${base.dedupeKey}-plain` };
      expect(await deliverOutboxItem(ctx, { console: sender }, plain, { ledger: deliveryLedger })).toMatchObject({ status: 'sent' });
      const outcome = await deliverOutboxItem(ctx, { console: sender }, item, {
        ledger: deliveryLedger,
        beforeSend: async () => ({
          folded: [{ dedupeKey: folded.dedupeKey, text: 'waiting notice', notice: { name: 'Anna', snippet: 'price?', locale: 'en' } }],
        }),
      });
      expect(outcome).toMatchObject({ status: 'sent', folded: [folded.dedupeKey] });
      const calls = query.mock.calls.map((c) => c[0] as unknown as { text: string; name?: string });
      const byList = calls.filter((c) => /= ANY\(\$\d+::text\[\]\) AND status/.test(c.text));
      expect(byList.length).toBeGreaterThanOrEqual(1);
      for (const c of byList) expect(c.name).toBeUndefined();
      const plainRecord = calls.find((c) => c.text.includes('INSERT INTO "NotificationRef"') && !c.text.includes('ANY('));
      expect(plainRecord?.name).toMatch(/^ll_/);
    } finally {
      query.mockRestore();
    }
    expect(await ledger()).toMatchObject({ status: 'sent' });
    expect(await db.outboundDelivery.findUnique({ where: { dedupeKey: folded.dedupeKey } })).toMatchObject({
      status: 'coalesced',
      coalescedInto: item.dedupeKey,
    });
  });
});
