import { describe, it, expect } from 'vitest';
import { chatFixture, nextId, type ChatFixture } from './chat-fixture.js';

const texts = (r: { text: string }[]) => r.map((x) => x.text).join('\n');

async function withLead(f: ChatFixture, name = 'Ivan') {
  await f.send(f.msg({ id: nextId(), name }, 'I want to buy'));
  f.outbox.take();
  return f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, orderBy: { id: 'desc' } });
}

describe('manager commands (en)', () => {
  it('leads: /leads, /lead, /take, /note, /junk and buttons', async () => {
    const f = await chatFixture('en');
    const lead = await withLead(f);
    const list = await f.asManager('/leads');
    expect(list[0]!.text).toContain('1 new lead:');
    expect(list[0]!.text).toContain(`#${lead.id} Ivan`);
    expect(texts(await f.asManager('/leads mine'))).toContain('You have 1 open lead:');
    const card = await f.asManager(`/lead ${lead.id}`);
    expect(card[0]!.text).toContain(`Lead #${lead.id}`);
    expect(card[0]!.buttons?.flat().length).toBe(5);
    expect(texts(await f.press(`lead:take:${lead.id}`))).toBe(`Lead #${lead.id} is yours now.`);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(f.manager.id);
    expect(texts(await f.asManager(`/note ${lead.id} called, no answer`))).toBe(`Note added to lead #${lead.id}. It stays internal.`);
    expect(await f.db.activity.count({ where: { leadId: lead.id, type: 'note' } })).toBe(1);
    expect(texts(await f.asManager(`/junk ${lead.id}`))).toBe(`Lead #${lead.id} marked as junk.`);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('junk');
    expect(texts(await f.asManager('/lead 99999999'))).toMatch(/Could not do that: Not found: lead #99999999/);
    expect(texts(await f.asManager('/frobnicate'))).toContain('I do not know the command /frobnicate');
  });

  it('deals: /deal from a lead and by name, /deals, /stage with buttons, /won, /lost', async () => {
    const f = await chatFixture('en');
    const lead = await withLead(f, 'Boris');
    expect(texts(await f.press(`lead:deal:${lead.id}`))).toMatch(/^Deal #\d+ ".*" created in stage New\.$/);
    const created = await f.asManager('/deal Acme 120000 RUB');
    expect(texts(created)).toMatch(/^Deal #(\d+) "Acme" created, RUB\s?120,000(\.00)? in stage New\.$/);
    const acme = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id, title: 'Acme' } });
    expect(acme.amount?.toString()).toBe('120000');
    expect(texts(await f.asManager('/deals'))).toContain('2 open deals:');
    const ask = await f.asManager('/stage Acme');
    expect(ask[0]!.buttons!.flat().map((b) => b.data)).toContain(`deal:stage:${acme.id}:Negotiation`);
    expect(texts(await f.press(`deal:stage:${acme.id}:Negotiation`))).toBe(`Deal #${acme.id} "Acme" moved to Negotiation.`);
    expect(texts(await f.asManager('/stage Acme proposal'))).toBe(`Deal #${acme.id} "Acme" moved to Proposal.`);
    expect(texts(await f.asManager('move Acme to negotiation'))).toBe(`Deal #${acme.id} "Acme" moved to Negotiation.`);
    expect(texts(await f.asManager(`/won ${acme.id}`))).toMatch(/won, RUB\s?120,000/);
    const other = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id, leadId: lead.id } });
    expect(texts(await f.asManager(`/lost ${other.id} too expensive`))).toBe(`Deal #${other.id} "${other.title}" marked lost: too expensive.`);
    expect((await f.db.deal.findUniqueOrThrow({ where: { id: other.id } })).lostReason).toBe('too expensive');
  });

  it('deals: /deal N with an amount, then the amount changed from chat (issue 20.1)', async () => {
    const f = await chatFixture('en');
    const say = async (text: string) => texts(await f.asManager(text)).replace(/\s/g, ' ');
    const lead = await withLead(f, 'Gleb');
    const made = await say(`/deal ${lead.id} 1700000 RUB`);
    const deal = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id, leadId: lead.id } });
    expect(made).toBe(`Deal #${deal.id} "${deal.title}" created, RUB 1,700,000.00 in stage New.`);
    expect([deal.amount?.toString(), deal.currency, deal.title]).toEqual(['1700000', 'RUB', 'Gleb']);
    // the same again sets the amount of the lead's deal instead of failing
    expect(await say(`/deal ${lead.id} 1 800 000 RUB`)).toBe(`Deal #${deal.id} "Gleb": amount set to RUB 1,800,000.00.`);
    expect(await say(`/amount ${deal.id} 2.5m`)).toBe(`Deal #${deal.id} "Gleb": amount set to RUB 2,500,000.00.`);
    expect(await say(`deal Gleb amount 120k EUR`)).toBe(`Deal #${deal.id} "Gleb": amount set to €120,000.00.`);
    const audit = await f.db.auditLog.findMany({ where: { entity: 'deal', entityId: String(deal.id), action: 'deal.amount_set' }, orderBy: { id: 'asc' } });
    expect(audit).toHaveLength(3);
    expect(await say('/amount Gleb lots')).toMatch(/\/amount DEAL 120000 RUB/);
  });

  it('tasks: plain-language reminder, /tasks, snooze buttons, /done, clarify with buttons', async () => {
    const f = await chatFixture('en');
    const r = await f.asManager('remind me tomorrow at 10 to call Ivan');
    expect(texts(r)).toMatch(/^Reminder #(\d+) set: call Ivan — Wed.*11.*10:00\.$/);
    const task = await f.db.task.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(task.dueAt.toISOString()).toBe('2026-03-11T07:00:00.000Z');
    expect(r[0]!.buttons!.flat().map((b) => b.data)).toEqual([
      `task:done:${task.id}`,
      `task:snooze:${task.id}:15m`,
      `task:snooze:${task.id}:1h`,
      `task:snooze:${task.id}:tomorrow`,
    ]);
    expect(texts(await f.asManager('/tasks upcoming'))).toContain('1 upcoming task:');
    expect(texts(await f.asManager('/tasks'))).toBe('Nothing due today.');
    // a snooze counts from the due time while that is ahead, so it never moves a task earlier (issue 20.3)
    expect(texts(await f.asManager(`/snooze ${task.id} 1h`))).toMatch(new RegExp(`^Task #${task.id} snoozed until .*11.*11:00`));
    expect((await f.db.task.findUniqueOrThrow({ where: { id: task.id } })).snoozedUntil?.toISOString()).toBe('2026-03-11T08:00:00.000Z');
    await f.press(`task:snooze:${task.id}:tomorrow`);
    // the day after the snoozed time, 09:00 Moscow = 06:00 UTC
    expect((await f.db.task.findUniqueOrThrow({ where: { id: task.id } })).snoozedUntil?.toISOString()).toBe('2026-03-12T06:00:00.000Z');
    // once due, a snooze counts from now
    f.setNow(new Date('2026-03-12T06:30:00Z'));
    await f.press(`task:snooze:${task.id}:15m`);
    expect((await f.db.task.findUniqueOrThrow({ where: { id: task.id } })).snoozedUntil?.toISOString()).toBe('2026-03-12T06:45:00.000Z');
    expect(texts(await f.asManager(`/snooze ${task.id} soon`))).toContain('I did not understand "soon"');
    expect(texts(await f.asManager(`/done ${task.id}`))).toBe(`Task #${task.id} done.`);

    const q = await f.asManager('remind me tomorrow to send the invoice');
    const options = q[0]!.buttons!.flat();
    expect(options.length).toBeGreaterThanOrEqual(2);
    for (const b of options) expect(Buffer.byteLength(b.data)).toBeLessThan(64);
    expect(await f.db.task.count({ where: { workspaceId: f.ws.id, status: 'open' } })).toBe(0);
    const chosen = await f.press(options[0]!.data);
    expect(texts(chosen)).toMatch(/^Reminder #\d+ set: send the invoice/);
    expect(await f.db.task.count({ where: { workspaceId: f.ws.id, status: 'open' } })).toBe(1);
    expect(texts(await f.press(options[0]!.data))).toBe('That choice has expired; please send the request again.');
    expect(texts(await f.asManager('/remind in 2 hours check the invoice'))).toMatch(/^Reminder #\d+ set: check the invoice/);
    expect(texts(await f.asManager('what a nice day'))).toContain('I did not understand that');
  });

  it('lead remind button, /contact, /lang, /tz, /digest', async () => {
    const f = await chatFixture('en');
    const lead = await withLead(f, 'Zoe Customer');
    const ask = await f.press(`lead:remind:${lead.id}`);
    expect(ask[0]!.buttons!.flat().map((b) => b.data)).toEqual([`lead:remind:${lead.id}:30m`, `lead:remind:${lead.id}:2h`, `lead:remind:${lead.id}:tomorrow`]);
    expect(texts(await f.press(`lead:remind:${lead.id}:30m`))).toContain(`Follow up lead #${lead.id}: Zoe Customer`);
    expect((await f.db.task.findFirstOrThrow({ where: { leadId: lead.id } })).dueAt.toISOString()).toBe('2026-03-10T09:30:00.000Z');
    expect(texts(await f.asManager('/contact zoe'))).toContain('1 contact found:');
    expect(texts(await f.asManager('/tz Asia/Tokyo'))).toMatch(/^Time zone set to Asia\/Tokyo/);
    expect(texts(await f.asManager('/tz Mars/Olympus'))).toContain('Unknown time zone');
    // every channel composes the digest in core (issue 20.8: it was a hook only bots/main.ts wired)
    const digest = texts(await f.asManager('/digest'));
    expect(digest).toMatch(/^Your day, Tue, March 10\n/);
    // the task's own number (not the lead's: they coincide only when the tables happen to hold as many rows)
    const task = await f.db.task.findFirstOrThrow({ where: { workspaceId: f.ws.id, title: { startsWith: `Follow up lead #${lead.id}` } } });
    expect(digest).toContain(`#${task.id} Follow up lead #${lead.id}: Zoe Customer — 18:30`);
    expect(texts(await f.asManager('/lang ru'))).toBe('Язык: русский.');
    expect((await f.db.user.findUniqueOrThrow({ where: { id: f.manager.id } })).locale).toBe('ru');
    expect(texts(await f.asManager('/задачи'))).toContain('Сегодня 1 задача:');
  });

  it('lead reply button pushes a prompt tied to the conversation', async () => {
    const f = await chatFixture('en');
    const lead = await withLead(f, 'Quinn');
    expect(await f.press(`lead:reply:${lead.id}`)).toEqual([]);
    const [prompt] = f.outbox.take();
    expect(prompt).toMatchObject({ identityId: f.managerIdentity.id, asksForReply: true, ref: { conversationId: lead.conversationId, leadId: lead.id } });
    expect(prompt!.text).toContain('Reply to this message');
  });

  it('sla buttons: remind in 10 min and reassign to the next on-duty manager', async () => {
    const f = await chatFixture('en');
    const lead = await withLead(f, 'Sam');
    expect(texts(await f.press(`sla:remind:${lead.id}:10m`))).toContain(`Follow up lead #${lead.id}`);
    expect(texts(await f.press(`sla:reassign:${lead.id}`))).toBe('Nobody else is on duty to take the lead: put a colleague on duty or assign it yourself.');
    const second = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Nick', role: 'manager' } });
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'telegram', externalId: nextId(), chatId: '555', userId: second.id } });
    f.outbox.take();
    expect(texts(await f.press(`sla:reassign:${lead.id}`))).toBe(`Lead #${lead.id} reassigned to Nick.`);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(second.id);
    const [pushed] = f.outbox.take();
    expect(pushed!.text).toContain(`Lead #${lead.id} (Sam) was reassigned to you.`);
  });
});

describe('manager commands (ru)', () => {
  it('reminders: an impossible time is answered; colleagues by @username, Slack id and any Russian case form (issues 13, 20.11)', async () => {
    const f = await chatFixture('ru');
    const petr = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Пётр Смирнов', role: 'manager', locale: 'ru' } });
    const tg = nextId();
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'telegram', externalId: tg, chatId: tg, userId: petr.id, username: 'petr_s' } });
    const olga = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Ольга', role: 'manager', locale: 'ru' } });
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'slack', externalId: 'T1:U0OLGA', chatId: 'D1', userId: olga.id } });

    const bad = await f.asManager('напомни в 25:00 позвонить');
    expect(texts(bad)).toBe('Времени «25:00» не бывает. Когда напомнить?');
    expect(bad[0]!.buttons!.flat().map((b) => b.label)).toContain('завтра 09:00');
    expect(await f.db.task.count({ where: { workspaceId: f.ws.id } })).toBe(0);

    const assigned = async (text: string) => {
      await f.asManager(text);
      return (await f.db.task.findFirstOrThrow({ where: { workspaceId: f.ws.id }, orderBy: { id: 'desc' } })).assigneeId;
    };
    expect(await assigned('напомни Петру завтра в 11:00 отправить договор')).toBe(petr.id);
    expect(await assigned('напомни Петра в пятницу в 16:00 позвонить в банк')).toBe(petr.id);
    expect(await assigned('remind @petr_s tomorrow at 16:00 to call Acme')).toBe(petr.id);
    expect(await assigned('напомни <@U0OLGA> завтра в 12:00 созвон')).toBe(olga.id);
    expect(await assigned('напомни Ольге завтра в 13:00 отчёт')).toBe(olga.id);
    expect(await assigned('позвонить Ивану завтра в 15:00')).toBe(f.manager.id);
  });

  it('Russian aliases and plurals', async () => {
    const f = await chatFixture('ru');
    for (const name of ['Анна', 'Борис', 'Вера', 'Глеб', 'Дина']) await withLead(f, name);
    expect(texts(await f.asManager('/лиды'))).toContain('5 новых лидов:');
    expect(texts(await f.asManager('/лиды мои'))).toContain('У вас 5 открытых лидов:');
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id }, orderBy: { id: 'asc' } });
    expect(texts(await f.asManager(`/взять ${lead.id}`))).toBe(`Лид #${lead.id} теперь ваш.`);
    expect(texts(await f.asManager('/сделка Ромашка 50 000 руб'))).toMatch(/^Сделка #\d+ «Ромашка» создана, 50\s000,00\s₽, этап «Новая»\.$/);
    expect(texts(await f.asManager('сделка Лютик 20 000 руб'))).toMatch(/«Лютик» создана/);
    expect(texts(await f.asManager('/сделки'))).toContain('2 открытые сделки:');
    const romashka = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id, title: 'Ромашка' } });
    expect(texts(await f.asManager('перенеси Ромашку в переговоры'))).toBe(`Сделка #${romashka.id} «Ромашка» перенесена на этап «Переговоры».`);
    const r = await f.asManager('напомни завтра в 10 позвонить Ивану');
    expect(texts(r)).toMatch(/^Напоминание #\d+: позвонить Ивану — /);
    expect(r[0]!.buttons![0]![0]!.label).toBe('Готово');
    const task = await f.db.task.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(texts(await f.asManager(`/отложить ${task.id} 1ч`))).toContain(`Задача #${task.id} отложена до`);
    expect(texts(await f.asManager(`/готово ${task.id}`))).toBe(`Задача #${task.id} выполнена.`);
    const weekly = await f.asManager('каждый понедельник в 9 планёрка');
    expect(texts(weekly)).toMatch(/^Повторяющееся напоминание #\d+: планёрка/);
    expect(texts(await f.asManager('/язык en'))).toBe('Language set to English.');
    expect(texts(await f.asManager('/помощь'))).toContain('/leads');
  });
});
