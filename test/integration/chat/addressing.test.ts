// Whom a message is for, decided by the engine (the Slack edge reads no database): a team
// member's chatter in a shared chat, a stranger's mention or slash command, the message
// shortcut. What is dropped leaves no row behind.
import { describe, expect, it } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

describe('addressing', () => {
  it("drops a team member's chatter in a shared chat, and answers them when they address Leadline", async () => {
    const f = await chatFixture('en');
    const before = await f.db.inboundEvent.count();
    expect(await f.asManager('see you at the standup', { isGroup: true })).toEqual([]);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id } })).toBe(0);
    const replies = await f.asManager('/help', { isGroup: true, origin: 'mention' });
    expect(replies[0]!.text).toContain('/leads');
    expect(await f.db.inboundEvent.count()).toBeGreaterThan(before);
  });

  it("drops a customer's mention (its message event carries the message)", async () => {
    const f = await chatFixture('en');
    expect(await f.send(f.msg({ id: nextId(), name: 'Ivan' }, 'hi @Leadline', { origin: 'mention' }))).toEqual([]);
    expect(await f.db.contact.count({ where: { workspaceId: f.ws.id } })).toBe(0);
  });

  it('tells a stranger who used a team command that they are not linked, and writes no contact or lead', async () => {
    const f = await chatFixture('ru');
    const replies = await f.send(f.msg({ id: nextId(), name: 'Иван', lang: 'ru' }, '/leads', { origin: 'command' }));
    expect(replies.map((r) => r.text)).toEqual(['Эта команда — для отдела продаж. Если вы в команде, сначала привяжите аккаунт кодом приглашения.']);
    expect(await f.db.contact.count({ where: { workspaceId: f.ws.id } })).toBe(0);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(0);
  });

  it('the shortcut: a member turns a customer message into a lead; a stranger cannot; a member message is no customer', async () => {
    const f = await chatFixture('en');
    const customer = { id: nextId(), name: 'Sam' };
    // a stranger asked: dropped
    expect(await f.send(f.msg(customer, 'pricing for 20 seats?', { origin: 'shortcut', requestedBy: 'nobody-we-know' }))).toEqual([]);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(0);
    // the manager asked: a lead
    await f.send(f.msg(customer, 'pricing for 20 seats?', { origin: 'shortcut', requestedBy: f.managerFrom.id }));
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    f.outbox.take();
    // the manager's own message: the manager is told it is no customer's
    expect(await f.asManager('internal remark', { origin: 'shortcut', requestedBy: f.managerFrom.id })).toEqual([]);
    expect(f.outbox.take().map((i) => [i.identityId, i.text])).toEqual([
      [f.managerIdentity.id, 'That message is from a team member or a bot, not a customer.'],
    ]);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
  });
});
