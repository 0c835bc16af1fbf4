// The REST contact upsert's merge question (core/api/upsert-contact.ts) against the real
// database: it is queued after the contact is saved, so when queueing fails the request fails,
// and its retry must ask again (the proposal exists by then) under the same dedupe key, which
// the outbound queue and its ledger turn into one message.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { pushWorkspace } from '../../support/push.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { upsertContact } from '../../../core/api/upsert-contact.js';
import type { Outbox, OutboxItem } from '../../../core/ports.js';

const db = testDb();

class RecordingOutbox implements Outbox {
  items: OutboxItem[] = [];
  async enqueue(item: OutboxItem): Promise<void> {
    this.items.push(item);
  }
}

const redisDown: Outbox = {
  enqueue: async () => {
    throw new Error('the outbound queue (Redis) is unavailable');
  },
};

describe('REST contact upsert: the merge question', () => {
  it('a retry after the question could not be queued asks again, under the same dedupe key; nothing is proposed twice', async () => {
    // a head: the addressee of a question about contacts without an owner, lead or deal
    const team = await pushWorkspace(db, [{ name: 'Hana', role: 'head' }]);
    const ctx = dbContext(db);
    const actor = systemActor(team.workspace);
    const email = `retry-${randomUUID().slice(0, 6)}@example.com`;
    const phone = `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const outbox = new RecordingOutbox();
    const older = await upsertContact(ctx, actor, { name: 'Olga', email }, outbox);
    const newer = await upsertContact(ctx, actor, { name: 'Olga N', phone }, outbox);
    expect(older.ok && newer.ok && older.contact.id !== newer.contact.id).toBe(true);
    expect(outbox.items).toEqual([]);

    // both keys at once, while the queue is away: the request fails after the proposal was made
    await expect(upsertContact(ctx, actor, { email, phone }, redisDown)).rejects.toThrow(/unavailable/);
    const proposals = await db.contactMerge.findMany({ where: { workspaceId: team.workspace.id } });
    expect(proposals).toHaveLength(1);

    // the client's retry: the question is queued, addressed to the head, keyed by the proposal
    await upsertContact(ctx, actor, { email, phone }, outbox);
    expect(outbox.items.map((i) => [i.dedupeKey, i.identityId])).toEqual([[`merge:ask:${proposals[0]!.id}`, team.members[0]!.identityId]]);
    expect(outbox.items[0]!.text).toContain('One customer?');

    // answered, the pair is not asked about again
    await db.contactMerge.update({ where: { id: proposals[0]!.id }, data: { status: 'declined' } });
    await upsertContact(ctx, actor, { email, phone }, outbox);
    expect(outbox.items).toHaveLength(1);
    expect(await db.contactMerge.count({ where: { workspaceId: team.workspace.id } })).toBe(1);
  });
});
