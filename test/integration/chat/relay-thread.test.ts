// A relay thread is not a pipe: in the thread of a lead notification, a command acts on that
// lead and is never sent to the customer, "!text" is an internal note, and only plain text is
// the answer, which the manager then sees as sent.
import { describe, expect, it } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

async function threadFixture() {
  const f = await chatFixture('en');
  const customer = { id: nextId(), name: 'Olga' };
  await f.send(f.msg(customer, 'Need a quote'));
  const [, notify] = f.outbox.take();
  // what the outbound worker stores once the notification is sent
  await f.db.notificationRef.create({
    data: { workspaceId: f.ws.id, channel: 'telegram', chatId: f.managerFrom.id, externalMessageId: '777', ...notify!.ref },
  });
  const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { conversation: true } });
  const inThread = (text: string) => f.asManager(text, { replyToExternalId: '777' });
  const toCustomer = () => f.outbox.items.filter((i) => i.identityId === lead.conversation!.identityId);
  return { f, lead, inThread, toCustomer };
}

describe('relay threads', () => {
  it('a command in the thread answers the manager and never reaches the customer', async () => {
    const { inThread, toCustomer } = await threadFixture();
    const replies = await inThread('/tasks today');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.text).join('\n')).not.toContain('Sent to');
    expect(toCustomer()).toEqual([]);
  });

  it("a command without a number acts on the thread's lead", async () => {
    const { f, lead, inThread, toCustomer } = await threadFixture();
    expect((await inThread('/take')).map((r) => r.text)).toEqual([`Lead #${lead.id} is yours now.`]);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(f.manager.id);
    const card = await inThread('/lead');
    expect(card[0]!.text).toContain(`Lead #${lead.id}`);
    await inThread('/junk spam from a bot');
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('junk');
    expect(toCustomer()).toEqual([]);
  });

  it("an amount in a lead's thread makes that lead's deal with it", async () => {
    const { f, lead, inThread, toCustomer } = await threadFixture();
    await inThread('/deal 1700000 RUB');
    const deal = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect({ amount: deal.amount?.toString(), currency: deal.currency, contactId: deal.contactId }).toEqual({
      amount: '1700000',
      currency: 'RUB',
      contactId: lead.contactId,
    });
    expect(toCustomer()).toEqual([]);
  });

  it("once the lead has its deal, the deal's commands in the lead's thread act on that deal", async () => {
    const { f, inThread, toCustomer } = await threadFixture();
    await inThread('/deal 1700000 RUB');
    const deal = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect((await inThread('/stage negotiation')).map((r) => r.text)).toEqual([`Deal #${deal.id} "${deal.title}" moved to Negotiation.`]);
    expect((await f.db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } })).stage.name).toBe('Negotiation');
    await inThread('/amount 1800000 RUB');
    expect((await f.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).amount?.toString()).toBe('1800000');
    await inThread('/won');
    expect((await f.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe('won');
    expect(toCustomer()).toEqual([]);
  });

  it('a slash that makes no command is not an answer: the manager is told, the customer gets nothing', async () => {
    const { f, inThread, toCustomer } = await threadFixture();
    for (const text of ['/tasks, please', '/', '/ take', '//take', '/take-it']) {
      const replies = await inThread(text);
      expect(replies.map((r) => r.text).join('\n'), text).toContain('was not sent');
    }
    expect(toCustomer()).toEqual([]);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id, direction: 'outbound' } })).toBe(0);
    // the way to send a text that starts with "/": /reply in the thread
    await inThread('/reply /docs/offer.pdf is attached');
    expect(toCustomer().map((i) => i.text)).toEqual(['/docs/offer.pdf is attached']);
  });

  it('a lone "!" is an empty note: nothing is stored or sent', async () => {
    const { f, lead, inThread, toCustomer } = await threadFixture();
    for (const text of ['!', ' ! '])
      expect((await inThread(text)).map((r) => r.text)).toEqual(['Nothing to note: write the note after the "!", e.g. "!called, no answer".']);
    expect(await f.db.activity.count({ where: { leadId: lead.id, type: 'note' } })).toBe(0);
    expect(toCustomer()).toEqual([]);
  });

  it('"!text" and "/note text" are internal notes on the lead, stored and never sent', async () => {
    const { f, lead, inThread, toCustomer } = await threadFixture();
    expect((await inThread('! called, no answer')).map((r) => r.text)).toEqual([`Note added to lead #${lead.id}. It stays internal.`]);
    await inThread('/note will call back at 5');
    const notes = await f.db.activity.findMany({ where: { leadId: lead.id, type: 'note' }, orderBy: { id: 'asc' } });
    expect(notes.map((n) => (n.data as { text: string }).text)).toEqual(['called, no answer', 'will call back at 5']);
    expect(toCustomer()).toEqual([]);
  });

  it('plain text is the answer, and the manager sees exactly what was sent', async () => {
    const { lead, inThread, toCustomer } = await threadFixture();
    const replies = await inThread('We will send it today');
    expect(replies.map((r) => r.text)).toEqual(['Sent to Olga:\nWe will send it today']);
    expect(toCustomer().map((i) => i.text)).toEqual(['We will send it today']);
    expect(toCustomer()[0]!.ref).toBeUndefined();
    expect(lead.id).toBeGreaterThan(0);
  });

  it('"!!" starts an answer with a literal "!"', async () => {
    const { inThread, toCustomer } = await threadFixture();
    await inThread('!!Great news');
    expect(toCustomer().map((i) => i.text)).toEqual(['!!Great news']);
  });
});
