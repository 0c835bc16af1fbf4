import { describe, it, expect } from 'vitest';
import { deliverOutboxItem } from '../../../core/outbound/deliver.js';
import { chatFixture, nextId } from './chat-fixture.js';
import { addUser } from '../../../core/users/index.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { deliveryLedger } from '../../../connectors/db/delivery-ledger.js';

describe.each(['en', 'ru'] as const)('customer flow and relay (%s)', (locale) => {
  it('a customer message becomes an assigned lead, acknowledged once, pushed to the manager with buttons', async () => {
    const f = await chatFixture(locale);
    const customer = { id: nextId(), name: locale === 'ru' ? 'Иван Петров' : 'Ivan Petrov', lang: locale };
    const replies = await f.send(f.msg(customer, locale === 'ru' ? 'Здравствуйте, сколько стоит доставка?' : 'Hi, how much is delivery?'));
    expect(replies).toEqual([]);

    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { contact: true, conversation: true } });
    expect(lead.assigneeId).toBe(f.manager.id);
    expect(lead.source).toBe('telegram');
    expect(lead.firstResponseDueAt).not.toBeNull();
    expect(lead.contact.name).toBe(customer.name);
    expect(lead.conversation?.identityId).not.toBeNull();

    const pushed = f.outbox.take();
    expect(pushed).toHaveLength(2);
    const [ack, notify] = pushed;
    expect(ack!.identityId).toBe(lead.conversation!.identityId);
    expect(ack!.text).toBe(
      locale === 'ru'
        ? 'Спасибо! Мы получили ваше сообщение, менеджер скоро ответит.'
        : 'Thank you! We have received your message and a manager will reply shortly.',
    );
    expect(notify!.identityId).toBe(f.managerIdentity.id);
    expect(notify!.text).toContain(customer.name);
    expect(notify!.text).toContain(locale === 'ru' ? `Новый лид #${lead.id}` : `New lead #${lead.id}`);
    expect(notify!.buttons!.flat().map((b) => b.data)).toEqual([
      `lead:reply:${lead.id}`,
      `lead:take:${lead.id}`,
      `lead:deal:${lead.id}`,
      `lead:junk:${lead.id}`,
      `lead:remind:${lead.id}`,
    ]);
    expect(notify!.ref).toEqual({ userId: f.manager.id, conversationId: lead.conversationId, leadId: lead.id });

    // a second message: appended and forwarded, no new lead, no second acknowledgement
    await f.send(f.msg(customer, locale === 'ru' ? 'И ещё вопрос' : 'One more question'));
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    expect(await f.db.message.count({ where: { conversationId: lead.conversationId! } })).toBe(2);
    const second = f.outbox.take();
    expect(second).toHaveLength(1);
    expect(second[0]!.identityId).toBe(f.managerIdentity.id);
    expect(second[0]!.ref?.conversationId).toBe(lead.conversationId);
    expect(second[0]!.text).toContain(locale === 'ru' ? 'И ещё вопрос' : 'One more question');
  });

  it('the same update delivered twice is handled once', async () => {
    const f = await chatFixture(locale);
    const m = f.msg({ id: nextId(), name: 'Dup' }, 'hello');
    await f.send(m);
    expect(await f.send(m)).toEqual([]);
    const contact = await f.db.contact.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    expect(await f.db.lead.count({ where: { contactId: contact.id } })).toBe(1);
    expect(f.outbox.take()).toHaveLength(2);
  });

  it('two messages from a new customer handled at once make one contact, one conversation and one lead', async () => {
    const f = await chatFixture(locale);
    const who = { id: nextId(), name: 'Twin' };
    await Promise.all([f.send(f.msg(who, 'first')), f.send(f.msg(who, 'second')), f.send(f.msg(who, 'third'))]);
    expect(await f.db.contact.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    expect(await f.db.conversation.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id } })).toBe(3);
    const pushed = f.outbox.take();
    expect(pushed.filter((p) => p.ref?.leadId && p.buttons)).toHaveLength(1); // one new-lead notification
    expect(pushed).toHaveLength(4); // + one acknowledgement + two forwards
  });

  it('replying to the pushed message relays to the customer, stores it and marks the first response', async () => {
    const f = await chatFixture(locale);
    const customer = { id: nextId(), name: 'Olga' };
    await f.send(f.msg(customer, 'Need a quote'));
    const [, notify] = f.outbox.take();
    // what the outbound worker stores once the notification is sent
    await f.db.notificationRef.create({
      data: { workspaceId: f.ws.id, channel: 'telegram', chatId: f.managerFrom.id, externalMessageId: '9001', ...notify!.ref },
    });
    f.setNow(new Date('2026-03-10T09:05:00Z'));
    const replies = await f.asManager('We will send it today', { replyToExternalId: '9001' });
    // the member sees exactly what went to the customer
    expect(replies.map((r) => r.text)).toEqual([
      locale === 'ru' ? 'Отправлено клиенту (Olga):\nWe will send it today' : 'Sent to Olga:\nWe will send it today',
    ]);
    const [relayed] = f.outbox.take();
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { conversation: true } });
    expect(relayed!.identityId).toBe(lead.conversation!.identityId);
    expect(relayed!.text).toBe('We will send it today');
    const out = await f.db.message.findUniqueOrThrow({ where: { id: relayed!.messageId! } });
    expect(out).toMatchObject({ direction: 'outbound', authorUserId: f.manager.id, text: 'We will send it today' });
    // the first response counts once the customer got it (issue 20.2)
    expect(lead.firstResponseAt).toBeNull();
    await deliverOutboxItem(f.deps, { telegram: { send: async () => ({ externalMessageId: nextId() }) } }, relayed!, { ledger: deliveryLedger });
    const answered = await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(answered.firstResponseAt?.toISOString()).toBe('2026-03-10T09:05:00.000Z');

    // console style: /reply N text
    const r2 = await f.asManager(`/reply ${lead.id} And a discount`);
    expect(r2).toHaveLength(1);
    expect(f.outbox.take()[0]!.text).toBe('And a discount');
  });

  it('after business hours the acknowledgement says when the customer will hear back', async () => {
    // Tuesday 21:00 Moscow
    const f = await chatFixture(locale, { now: new Date('2026-03-10T18:00:00Z'), businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } });
    await f.send(f.msg({ id: nextId(), name: 'Late' }, 'hello?'));
    const [ack] = f.outbox.take();
    expect(ack!.text).toContain(locale === 'ru' ? 'Сейчас мы не работаем' : 'We are closed right now');
    expect(ack!.text).toMatch(/09:00/);
  });

  it('with start "9:00" the acknowledgement and the SLA deadline both point at the next morning', async () => {
    // Tuesday 21:00 Moscow; the workspace answers within 15 minutes of opening
    const f = await chatFixture(locale, { now: new Date('2026-03-10T18:00:00Z'), businessHours: { days: [1, 2, 3, 4, 5], start: '9:00', end: '18:00' } });
    await f.send(f.msg({ id: nextId(), name: 'Night owl' }, 'still there?'));
    const [ack] = f.outbox.take();
    expect(ack!.text).toContain(locale === 'ru' ? 'Сейчас мы не работаем' : 'We are closed right now');
    expect(ack!.text).toMatch(/09:00/);
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    // Wednesday 09:15 Moscow, not 21:15 tonight
    expect(lead.firstResponseDueAt?.toISOString()).toBe('2026-03-11T06:15:00.000Z');
  });

  it('a customer can never reach manager commands; a wrong invite code links nothing', async () => {
    const f = await chatFixture(locale);
    const customer = { id: nextId(), name: 'Mallory' };
    const r1 = await f.send(f.msg(customer, '/leads'));
    expect(r1).toEqual([]);
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(lead.firstMessage).toBe('/leads'); // just a message to the team
    f.outbox.take();

    const r2 = await f.send(f.msg(customer, '/start WRONGCODE123'));
    expect(r2.map((r) => r.text)).toEqual([
      locale === 'ru'
        ? 'Извините, этот код приглашения недействителен или уже использован. Попросите администратора выдать новый командой «leadline user add».'
        : 'Sorry, this invite code is not valid or has already been used. Ask your admin for a new one with "leadline user add".',
    ]);
    const identity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: customer.id } });
    expect(identity.userId).toBeNull();
    const r3 = await f.send(f.msg(customer, '', { callbackData: `lead:take:${lead.id}` }));
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('new');
    expect(r3).toHaveLength(1);
  });

  it('a valid invite code links the account once; reusing it is refused', async () => {
    const f = await chatFixture(locale);
    const ctx = dbContext(f.db);
    const added = await addUser(ctx, systemActor(f.ws), { name: 'Pavel', role: 'manager', locale });
    const who = { id: nextId(), name: 'Pavel T' };
    const r = await f.send(f.msg(who, `/start ${added.inviteCode}`));
    expect(r[0]!.text).toContain('Pavel');
    const identity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: who.id } });
    expect(identity.userId).toBe(added.user.id);
    // now a member: /help answers
    const help = await f.send(f.msg(who, '/help'));
    expect(help[0]!.text).toContain(locale === 'ru' ? '/лиды' : '/leads');
    const other = { id: nextId(), name: 'Eve' };
    const r2 = await f.send(f.msg(other, `/start ${added.inviteCode}`));
    expect(r2[0]!.text).toMatch(/invite|приглашения/);
    expect((await f.db.identity.findFirst({ where: { workspaceId: f.ws.id, externalId: other.id } }))?.userId ?? null).toBeNull();
  });
});
