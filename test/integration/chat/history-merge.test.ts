// One customer across channels (issue 16): a customer writes by email, then on Telegram and
// shares the same phone; the older record's owner is asked (both cards side by side), the
// merge moves identities, conversations and leads and folds the two open leads; /history
// shows the merged timeline newest first, paged; undo puts back exactly what moved.
// Notes on contacts, leads and deals read back; /find by phone, amount range and stage.
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

const texts = (r: { text: string }[]) => r.map((x) => x.text).join('\n');

describe('one customer across channels, history, notes and search', () => {
  it('email then Telegram with the same phone: proposed, merged, shown in one history, undone', async () => {
    const f = await chatFixture('en');
    const address = `anna.${nextId()}@example.com`;
    const at = (minutes: number) => new Date(Date.UTC(2026, 2, 10, 9, minutes));

    // 1. by email, the signature carries her phone
    f.setNow(at(0));
    await f.send(
      f.msg({ id: address, name: 'Anna Smirnova' }, 'Hello, we need 20 seats. Anna, +7 916 555-01-02', {
        channel: 'email',
        externalChatId: address,
        email: { from: address, subject: 'Seats for our team', messageId: `<${nextId()}@example.com>` },
        sender: { name: 'Anna Smirnova', phone: '+7 916 555-01-02' },
      }),
    );
    const older = await f.db.contact.findFirstOrThrow({ where: { workspaceId: f.ws.id, emails: { some: { email: address } } } });
    f.outbox.take();

    // 2. on Telegram, a new contact and a second lead
    const tg = { id: nextId(), name: 'Anna' };
    f.setNow(at(5));
    await f.send(f.msg(tg, 'Hi, it is Anna again, about the seats'));
    const newer = await f.db.contact.findFirstOrThrow({ where: { workspaceId: f.ws.id, identities: { some: { channel: 'telegram', externalId: tg.id } } } });
    expect(newer.id).not.toBe(older.id);
    expect(f.outbox.take().some((i) => i.text.includes('One customer?'))).toBe(false);

    // 3. she shares her phone on Telegram: the owner of the older record is asked
    f.setNow(at(7));
    await f.send(f.msg(tg, '', { sender: { phone: '+79165550102', name: 'Anna' }, sharedContact: { phone: '+79165550102', name: 'Anna' } }));
    const question = f.outbox.take().find((i) => i.text.includes('One customer?'));
    expect(question).toBeDefined();
    expect(question!.identityId).toBe(f.managerIdentity.id);
    expect(question!.text).toContain(`A phone (+79165550102) of contact #${newer.id} matches your contact #${older.id}`);
    // both cards side by side, field by field
    expect(question!.text).toContain(`Record: older #${older.id} | newer #${newer.id}`);
    expect(question!.text).toContain(`Email: ${address} | —`);
    expect(question!.text).toContain('Channels: email | Telegram');
    const proposal = await f.db.contactMerge.findFirstOrThrow({ where: { workspaceId: f.ws.id, keepId: older.id, mergeId: newer.id } });
    expect(proposal.status).toBe('proposed');
    expect(question!.buttons?.flat().map((b) => b.data)).toEqual([`merge:do:${proposal.id}`, `merge:keep:${proposal.id}`]);
    // the same key again does not ask twice
    f.setNow(at(8));
    await f.send(f.msg(tg, '', { sender: { phone: '+79165550102' } }));
    expect(f.outbox.take().some((i) => i.text.includes('One customer?'))).toBe(false);

    // 4. Merge (the Telegram lead is Olga's: she is told too)
    const [leadA, leadB] = await f.db.lead.findMany({ where: { workspaceId: f.ws.id }, orderBy: { id: 'asc' } });
    const olga = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Olga', role: 'manager', locale: 'ru' } });
    const olgaTg = nextId();
    const olgaIdentity = await f.db.identity.create({
      data: { workspaceId: f.ws.id, channel: 'telegram', externalId: olgaTg, chatId: olgaTg, userId: olga.id },
    });
    await f.db.lead.update({ where: { id: leadB!.id }, data: { assigneeId: olga.id } });
    f.outbox.take();
    const done = texts(await f.press(`merge:do:${proposal.id}`));
    expect(done).toContain(`Merged contact #${newer.id} into #${older.id}: 1 identities, 1 conversations, 1 leads`);
    expect(done).toContain(`lead #${leadB!.id} (Anna Smirnova, was Olga) was merged into lead #${leadA!.id} (Mary)`);
    const toOlga = f.outbox.take().filter((i) => i.identityId === olgaIdentity.id);
    expect(toOlga.map((i) => i.text)).toEqual([
      `Один клиент — один лид: лид #${leadB!.id} (Anna Smirnova, вёл(а) Olga) объединён с лидом #${leadA!.id} (Mary). Его сообщения — в /history lead ${leadA!.id}.`,
    ]);
    expect((await f.db.contact.findUniqueOrThrow({ where: { id: newer.id } })).mergedIntoId).toBe(older.id);
    const ids = await f.db.identity.findMany({ where: { contactId: older.id }, orderBy: { channel: 'asc' } });
    expect(ids.map((i) => i.channel).sort()).toEqual(['email', 'telegram']);
    expect(await f.db.conversation.count({ where: { contactId: older.id } })).toBe(2);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: leadB!.id } })).status).toBe('merged');
    expect(await f.db.auditLog.count({ where: { workspaceId: f.ws.id, action: 'contact.merge', entityId: String(older.id) } })).toBe(1);
    // pressing again is answered, not merged twice
    expect(texts(await f.press(`merge:do:${proposal.id}`))).toContain('has already been answered');

    // 5. one timeline, newest first, across channels (the newer record's id leads to it too)
    const history = await f.asManager(`/history contact ${newer.id}`);
    const lines = history[0]!.text.split('\n');
    expect(lines[0]).toBe(`🕘 History of contact #${older.id} Anna Smirnova (page 1, newest first):`);
    const idx = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(idx('Contact #' + newer.id + ' merged into this one')).toBeGreaterThan(0);
    expect(idx('Telegram · customer: Hi, it is Anna again')).toBeGreaterThan(idx('merged into this one'));
    // page 2 holds the older entries; the email is the oldest message of all
    const older2 = history[0]!.buttons?.flat().find((b) => b.label === 'Older ▶');
    expect(older2?.data).toBe(`hist:c:${older.id}:1`);
    let all = lines.slice(1);
    for (let page = 1, data = older2?.data; data; page++) {
      const next = await f.press(data);
      all = all.concat(next[0]!.text.split('\n').slice(1));
      data = next[0]!.buttons?.flat().find((b) => b.label === 'Older ▶')?.data;
      expect(page).toBeLessThan(10);
    }
    const emailAt = all.findIndex((l) => l.includes('email · customer: Hello, we need 20 seats'));
    const tgAt = all.findIndex((l) => l.includes('Telegram · customer: Hi, it is Anna again'));
    expect(emailAt).toBeGreaterThan(tgAt);
    expect(tgAt).toBeGreaterThanOrEqual(0);

    // 6. undo puts the two back, each with its own
    const undone = texts(await f.press(`merge:undo:${proposal.id}`));
    expect(undone).toBe(`Merge ${proposal.id} undone: contacts #${older.id} and #${newer.id} are separate again, with what was theirs.`);
    expect((await f.db.contact.findUniqueOrThrow({ where: { id: newer.id } })).mergedIntoId).toBeNull();
    expect((await f.db.identity.findMany({ where: { contactId: newer.id } })).map((i) => i.channel)).toEqual(['telegram']);
    expect((await f.db.identity.findMany({ where: { contactId: older.id } })).map((i) => i.channel)).toEqual(['email']);
    expect(await f.db.conversation.count({ where: { contactId: newer.id } })).toBe(1);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: leadB!.id } })).status).toBe('new');
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: leadB!.id } })).contactId).toBe(newer.id);
    expect((await f.db.contactMerge.findUniqueOrThrow({ where: { id: proposal.id } })).status).toBe('undone');
    // a 7-day window
    f.setNow(new Date(at(10).getTime() + 8 * 86_400_000));
    // by hand, a manager must see both records (the Telegram lead is Olga's)
    expect(texts(await f.asManager(`/merge ${older.id} ${newer.id}`))).toContain(`You do not have access to contact #${newer.id}.`);
    await f.db.lead.update({ where: { id: leadB!.id }, data: { assigneeId: f.manager.id } });
    const again = texts(await f.asManager(`/merge ${older.id} ${newer.id}`));
    const record = Number(/\/merge undo (\d+)/.exec(again)![1]);
    f.setNow(new Date(at(10).getTime() + 16 * 86_400_000));
    expect(texts(await f.asManager(`/merge undo ${record}`))).toContain('can no longer be undone: undo is possible for 7 days');
  });

  it('keep separate is never asked again; notes on contacts, leads and deals read back; /find filters', async () => {
    const f = await chatFixture('ru');
    const a = { id: nextId(), name: 'Олег' };
    await f.send(f.msg(a, 'Здравствуйте', { sender: { phone: '+79035550000', name: 'Олег Котов', company: 'Ромашка' } }));
    const b = { id: nextId(), name: 'Олег К' };
    await f.send(f.msg(b, 'Добрый день', { sender: { name: 'Олег Котов', company: 'Ромашка' } }));
    const ask = f.outbox.take().find((i) => i.text.includes('Возможно, один клиент'));
    expect(ask?.text).toContain('Имя: Олег Котов | Олег Котов');
    const p = await f.db.contactMerge.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(p.reason).toBe('name_company');
    expect(texts(await f.press(`merge:keep:${p.id}`))).toContain('остаются раздельными');
    await f.send(f.msg(b, 'Ещё вопрос', { sender: { name: 'Олег Котов', company: 'Ромашка' } }));
    expect(f.outbox.take().some((i) => i.text.includes('один клиент'))).toBe(false);

    // notes on a contact, a lead and a deal
    const contact = await f.db.contact.findFirstOrThrow({ where: { id: p.keepId } });
    const lead = await f.db.lead.findFirstOrThrow({ where: { contactId: contact.id } });
    expect(texts(await f.asManager(`/заметка контакт ${contact.id} любит звонки утром`))).toContain('Заметка добавлена');
    expect(texts(await f.asManager(`/note ${lead.id} перезвонить`))).toBe(`Заметка к лиду #${lead.id} добавлена. Клиент её не видит.`);
    await f.asManager(`/сделка ${lead.id} 250000 RUB`);
    const deal = await f.db.deal.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(texts(await f.asManager(`/note deal ${deal.id} ждут счёт`))).toContain(`сделки #${deal.id}`);
    const notes = texts(await f.asManager(`/заметки контакт ${contact.id}`));
    expect(notes).toContain('любит звонки утром');
    expect(notes).toContain('перезвонить');
    expect(notes).toContain('ждут счёт');
    expect(notes).not.toContain('Здравствуйте');
    expect(texts(await f.asManager(`/notes deal ${deal.id}`))).toContain('ждут счёт');
    expect(await f.db.auditLog.count({ where: { workspaceId: f.ws.id, action: 'note.add' } })).toBe(3);

    // search: by phone, by company with an amount range, by stage
    expect(texts(await f.asManager('/find 5550000'))).toContain(`#${contact.id} Олег Котов`);
    const byAmount = texts(await f.asManager('/найти ромашка сумма 200000-300000'));
    expect(byAmount).toContain(`#${deal.id} `);
    expect(texts(await f.asManager('/найти ромашка сумма >300000'))).toContain('ничего не найдено');
    expect(texts(await f.asManager('/find amount 100k-1m stage new'))).toContain(`#${deal.id} `);
    expect(texts(await f.asManager('/find ромашка сумма abc'))).toContain('Не удалось прочитать диапазон суммы');
  });

  it('another manager cannot read a history that is not theirs', async () => {
    const f = await chatFixture('en');
    const c = { id: nextId(), name: 'Pavel' };
    await f.send(f.msg(c, 'hello'));
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const other = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Olga', role: 'manager', locale: 'en' } });
    const otherTg = nextId();
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'telegram', externalId: otherTg, chatId: otherTg, userId: other.id } });
    const r = texts(await f.send(f.msg({ id: otherTg, name: 'Olga' }, `/history lead ${lead.id}`)));
    expect(r).toContain(`You do not have access to lead #${lead.id}.`);
    expect(texts(await f.asManager(`/history ${lead.id}`))).toContain('📩');
  });
});
