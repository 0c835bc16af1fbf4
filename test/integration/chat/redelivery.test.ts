// A worker that dies after its turn committed but before the turn's messages reached the
// outbound queue: BullMQ hands the job to another worker, whose dedupe claim fails. What the
// first handling meant to push must still go out, under the same dedupe keys (so a copy that
// did get out is not sent twice), for every path: a brand-new customer, a returning customer
// (one-statement path) and the ORM flow (here a customer whose chat id changed).
import { describe, expect, it } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';
import { handleInbound } from '../../../core/chat/handle-inbound.js';
import type { ChatDeps } from '../../../core/chat/turn.js';
import type { OutboxItem } from '../../../core/ports.js';

/** Dies (throws) on its first call, as a process killed between commit and queue would. */
function dyingOutbox() {
  const items: OutboxItem[] = [];
  let dead = true;
  return {
    items,
    revive: () => (dead = false),
    async enqueue(item: OutboxItem) {
      if (dead) throw new Error('worker killed before the queue got the item');
      items.push(item);
    },
  };
}

async function setup() {
  const f = await chatFixture('en');
  const outbox = dyingOutbox();
  const deps: ChatDeps = { ...f.deps, outbox };
  return { f, outbox, deps };
}

const keys = (items: OutboxItem[]) => items.map((i) => i.dedupeKey!.split(':')[0]).sort();

describe('a job redelivered after its worker died between commit and queue', () => {
  it('a new customer: the acknowledgement and the manager notification still go out, once', async () => {
    const { f, outbox, deps } = await setup();
    const m = f.msg({ id: nextId(), name: 'Pavel Lost' }, 'Do you ship to Minsk?');
    await expect(handleInbound(deps, m)).rejects.toThrow(/killed/);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    const event = await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } });
    expect(Array.isArray(event.pendingOutbox) && event.pendingOutbox.length).toBe(2);

    outbox.revive();
    expect(await handleInbound(deps, m)).toEqual([]);
    expect(keys(outbox.items)).toEqual(['ack', 'notify']);
    expect(outbox.items.find((i) => i.dedupeKey!.startsWith('notify'))!.text).toContain('Do you ship to Minsk?');
    expect((await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } })).pendingOutbox).toBeNull();
    // nothing was handled twice, and a third delivery has nothing left to queue
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    outbox.items.length = 0;
    expect(await handleInbound(deps, m)).toEqual([]);
    expect(outbox.items).toEqual([]);
  });

  it('a returning customer (one-statement path): the forward is derived again under its dedupe key', async () => {
    const { f, outbox, deps } = await setup();
    const who = { id: nextId(), name: 'Rita Returning' };
    await f.send(f.msg(who, 'first'));
    const m = f.msg(who, 'second, lost on the way');
    await expect(handleInbound(deps, m)).rejects.toThrow(/killed/);
    expect(await f.db.message.count({ where: { text: 'second, lost on the way' } })).toBe(1);

    outbox.revive();
    expect(await handleInbound(deps, m)).toEqual([]);
    expect(outbox.items.map((i) => i.dedupeKey)).toEqual([`forward:${m.dedupeKey}`]);
    expect(outbox.items[0]!.identityId).toBe(f.managerIdentity.id);
    expect(outbox.items[0]!.text).toContain('second, lost on the way');
    expect(await f.db.message.count({ where: { text: 'second, lost on the way' } })).toBe(1);
  });

  it('the ORM flow: the items kept on the event are queued by the redelivered job', async () => {
    const { f, outbox, deps } = await setup();
    const who = { id: nextId(), name: 'Mila Moved' };
    await f.send(f.msg(who, 'hello'));
    // a new chat id does not fit the one-statement path: the full customer flow handles it
    const m = f.msg(who, 'writing from my new phone', { externalChatId: `${who.id}7` });
    await expect(handleInbound(deps, m)).rejects.toThrow(/killed/);
    const pending = (await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } })).pendingOutbox as unknown as OutboxItem[];
    expect(pending.map((i) => i.dedupeKey)).toEqual([`forward:${m.dedupeKey}`]);

    outbox.revive();
    expect(await handleInbound(deps, m)).toEqual([]);
    expect(outbox.items).toEqual(pending);
    expect((await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } })).pendingOutbox).toBeNull();
  });

  it("a member's command: the answer to their own chat is kept on the event and queued by the redelivered job", async () => {
    const { f, outbox, deps } = await setup();
    const queued: ChatDeps = { ...deps, queueReplies: true };
    const m = f.msg(f.managerFrom, '/tasks today');
    await expect(handleInbound(queued, m)).rejects.toThrow(/killed/);
    const pending = (await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } })).pendingOutbox as unknown as OutboxItem[];
    expect(pending.map((i) => ({ key: i.dedupeKey, chat: i.chat }))).toEqual([
      { key: `reply:${m.dedupeKey}#0`, chat: { channel: 'telegram', chatId: m.externalChatId } },
    ]);

    outbox.revive();
    expect(await handleInbound(queued, m)).toEqual([]);
    expect(outbox.items).toEqual(pending);
    expect(outbox.items[0]!.text.length).toBeGreaterThan(0);
    expect((await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } })).pendingOutbox).toBeNull();
  });
});
