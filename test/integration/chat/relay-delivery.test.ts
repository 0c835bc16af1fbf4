// An answer to a customer counts as the lead's first response only once the customer got it
// (issue 20.2): an answer that cannot be delivered is refused at once and changes nothing.
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId, type ChatFixture } from './chat-fixture.js';
import { deliverOutboxItem } from '../../../core/outbound/deliver.js';
import { PermanentSendError, type ChannelSender, type OutboundMessage } from '../../../core/ports.js';
import { deliveryLedger } from '../../../connectors/db/delivery-ledger.js';

const texts = (r: { text: string }[]) => r.map((x) => x.text).join('\n');

async function emailLead(f: ChatFixture) {
  const address = `olga.${nextId()}@example.com`;
  await f.send(
    f.msg({ id: address, name: 'Olga Petrova' }, 'Добрый день!\nНужен расчёт на 20 мест.', {
      channel: 'email',
      externalChatId: address,
      email: { from: address, subject: 'Запрос цены', messageId: `<${nextId()}@example.com>` },
    }),
  );
  f.outbox.take();
  return f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, orderBy: { id: 'desc' } });
}

function sender(fail?: PermanentSendError): ChannelSender & { sent: OutboundMessage[] } {
  const sent: OutboundMessage[] = [];
  return {
    sent,
    async send(m) {
      if (fail) throw fail;
      sent.push(m);
      return { externalMessageId: `x${nextId()}` };
    },
  };
}

describe('answering a customer (en)', () => {
  it('an email lead with no mailbox to answer from: refused at once, the lead stays unanswered', async () => {
    const f = await chatFixture('en');
    const lead = await emailLead(f);
    const r = await f.asManager(`/reply ${lead.id} We will call you`);
    expect(texts(r)).toBe('Not sent: there is no mailbox to answer email from. Add one with `leadline mailbox add`, then send the answer again.');
    expect(f.outbox.take()).toEqual([]);
    const after = await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect([after.status, after.firstResponseAt]).toEqual(['new', null]);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id, direction: 'outbound' } })).toBe(0);
  });

  it('a reply the platform refuses for good does not stop the SLA clock; a delivered one does, at the time it was written', async () => {
    const f = await chatFixture('en');
    await f.send(f.msg({ id: nextId(), name: 'Ivan' }, 'I want to buy'));
    f.outbox.take();
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });

    f.setNow(new Date('2026-03-10T09:05:00Z'));
    expect(texts(await f.asManager(`/reply ${lead.id} Hello!`))).toBe('Sent to Ivan:\nHello!');
    const [refused] = f.outbox.take();
    // queued is not answered
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).firstResponseAt).toBeNull();
    const blocked = sender(new PermanentSendError('Forbidden: bot was blocked by the user', 'blocked'));
    expect((await deliverOutboxItem(f.deps, { telegram: blocked }, refused!, { ledger: deliveryLedger })).status).toBe('failed');
    const unanswered = await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect([unanswered.status, unanswered.firstResponseAt]).toEqual(['new', null]);
    // the customer is unreachable now: the next answer is refused at once
    expect(texts(await f.asManager(`/reply ${lead.id} Hello again`))).toMatch(/^⚠️ Not sent: Ivan blocked the bot/);
    expect(f.outbox.take()).toEqual([]);

    // the customer writes again (reachable again), the next answer is delivered
    await f.db.identity.updateMany({ where: { workspaceId: f.ws.id, userId: null }, data: { unreachable: false } });
    f.setNow(new Date('2026-03-10T09:20:00Z'));
    await f.asManager(`/reply ${lead.id} Here is the quote`);
    const [delivered] = f.outbox.take();
    f.setNow(new Date('2026-03-10T09:21:00Z'));
    const ok = sender();
    expect((await deliverOutboxItem(f.deps, { telegram: ok }, delivered!, { ledger: deliveryLedger })).status).toBe('sent');
    expect(ok.sent.map((m) => m.text)).toEqual(['Here is the quote']);
    const answered = await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect([answered.status, answered.firstResponseAt?.toISOString()]).toEqual(['in_progress', '2026-03-10T09:20:00.000Z']);
  });
});
