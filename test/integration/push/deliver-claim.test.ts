// deliverOutboxItem's ledger claim, taken in the same statement as the identity look-up:
// a postponed send hands the claim back, a process without the channel's sender claims
// nothing, a send in progress elsewhere is "busy" until its mark goes stale, and a final
// key is never sent again.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender } from '../../support/push.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { deliverOutboxItem, MissingSenderError } from '../../../core/outbound/deliver.js';
import type { OutboxItem } from '../../../core/ports.js';
import { deliveryLedger } from '../../../connectors/db/delivery-ledger.js';

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
});
