// /воронки, /воронка and /правила in Russian through the chat engine (real Postgres): an admin
// adds a pipeline and a "call back new leads" rule with buttons, a new customer's lead (the
// one-statement capture) gets its task in the same turn, a deal is moved between pipelines,
// and a manager is refused in Russian with nothing changed.
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

const texts = (r: { text: string }[]) => r.map((x) => x.text).join('\n');
const data = (r: { buttons?: { data: string }[][] }[]) => r.flatMap((x) => (x.buttons ?? []).flat().map((b) => b.data));

describe('pipelines and rules in Russian', () => {
  it('an admin edits, a new lead gets its task, a deal changes pipeline; a manager is refused', async () => {
    const f = await chatFixture('ru');
    await f.db.user.update({ where: { id: f.manager.id }, data: { role: 'admin' } });

    const added = await f.asManager('/воронки добавить Партнёры: Знакомство, Пилот');
    const partners = await f.db.pipeline.findFirstOrThrow({
      where: { workspaceId: f.ws.id, name: 'Партнёры' },
      include: { stages: { orderBy: { position: 'asc' } } },
    });
    expect(texts(added)).toContain(`Воронка #${partners.id} «Партнёры» добавлена: Знакомство → Пилот → Выиграна → Проиграна.`);
    expect(data(added)).toContain(`pl:addstage:${partners.id}`);
    expect(texts(await f.asManager(`/воронки ${partners.id} добавить Договор`))).toContain('Этап «Договор» добавлен в воронку «Партнёры».');

    const rules = await f.asManager('/правила');
    expect(texts(rules)).toContain('Правил автоматизации пока нет.');
    expect(data(await f.press('rule:addlead:1'))).toEqual(['rule:newlead:15', 'rule:newlead:30', 'rule:newlead:60', 'rule:newlead:120']);
    const rule = texts(await f.press('rule:newlead:30'));
    expect(rule).toMatch(/^Правило добавлено: #\d+ Новый лид → задача ответственному, срок через 30 минут$/);

    // a new customer: the one-statement capture, and the rule's task in the same turn
    await f.db.user.update({ where: { id: f.manager.id }, data: { onDuty: true } });
    await f.send(f.msg({ id: nextId(), name: 'Иван' }, 'Нужны 10 стульев'));
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const task = await f.db.task.findFirstOrThrow({ where: { leadId: lead.id } });
    expect([task.title, task.assigneeId]).toEqual([`Перезвонить по лиду #${lead.id}: Нужны 10 стульев`, lead.assigneeId]);

    // a deal: the pipeline is asked, a stage of the same name is kept
    const created = await f.asManager('/сделка Ромашка 50000 RUB');
    const deal = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id, title: 'Ромашка' } });
    expect(texts(created)).toContain('Воронка: «Sales». Нажмите другую, чтобы перенести сделку туда.');
    expect(texts(await f.press(`deal:pipe:${deal.id}:${partners.id}`))).toBe(`На какой этап воронки «Партнёры» перенести сделку #${deal.id}?`);
    expect(texts(await f.asManager(`/воронка ${deal.id} Партнёры`))).toBe(`На какой этап воронки «Партнёры» перенести сделку #${deal.id}?`);
    const pilot = partners.stages.find((s) => s.name === 'Пилот')!;
    expect(texts(await f.press(`deal:pstage:${deal.id}:${pilot.id}`))).toBe(`Сделка #${deal.id} «Ромашка» перенесена в воронку «Партнёры», этап «Пилот».`);

    // a stage holding the deal goes with the deal moved to another open stage: asked where,
    // refused without a target (saying how) and to a stage of another kind
    const contract = await f.db.stage.findFirstOrThrow({ where: { pipelineId: partners.id, name: 'Договор' } });
    const intro = partners.stages.find((s) => s.name === 'Знакомство')!;
    const won = partners.stages.find((s) => s.kind === 'won')!;
    const ask = await f.press(`pl:remove:${pilot.id}`);
    expect(texts(ask)).toBe(
      'На этапе «Пилот» воронки «Партнёры» 1 сделка. На какой этап её перенести, удалив «Пилот»? Его правила автоматизации удалятся вместе с ним; правила этапа, куда она перейдёт, не сработают.',
    );
    expect(data(ask)).toEqual([`pl:rmto:${pilot.id}:${intro.id}`, `pl:rmto:${pilot.id}:${contract.id}`, `pl:show:${partners.id}`]);
    expect(texts(await f.asManager('/воронки Партнёры удалить Пилот'))).toBe(
      `Не получилось: На этапе «Пилот» 1 сделка; удалите этап, перенеся её на другой этап того же вида: /pipelines ${partners.id} remove Пилот > ЭТАП`,
    );
    expect(texts(await f.asManager('/воронки Партнёры удалить Пилот > Выиграна'))).toBe(
      'Не получилось: Этап «Выиграна» другого вида, чем «Пилот» (сделки сменили бы статус); выберите этап того же вида.',
    );
    expect(texts(await f.press(`pl:rmto:${pilot.id}:${won.id}`))).toContain('другого вида');
    // a default stage is named as the chat shows it, in Russian
    expect(texts(await f.asManager('/воронки Партнёры удалить Выиграна'))).toBe(
      'Не получилось: Этап «Выиграна» — последний такого вида в воронке (в каждой воронке есть открытый этап, выигрыш и проигрыш).',
    );
    const removed = await f.press(`pl:rmto:${pilot.id}:${contract.id}`);
    expect(texts(removed)).toContain('Этап «Пилот» удалён из воронки «Партнёры»; его 1 сделка перенесена на «Договор».');
    expect((await f.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).stageId).toBe(contract.id);
    expect(await f.db.stage.count({ where: { id: pilot.id } })).toBe(0);
    // typed, with the target named: the next stage goes with the deal moved back
    expect(texts(await f.asManager('/воронки Партнёры удалить Договор > Знакомство'))).toContain(
      'Этап «Договор» удалён из воронки «Партнёры»; его 1 сделка перенесена на «Знакомство».',
    );
    expect((await f.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).stageId).toBe(intro.id);

    // a manager: a clear refusal, nothing changes
    await f.db.user.update({ where: { id: f.manager.id }, data: { role: 'manager' } });
    const refusal = 'Не получилось: Менять воронки и правила автоматизации может только администратор. Ничего не изменено.';
    expect(texts(await f.asManager(`/воронки ${partners.id} добавить Хак`))).toBe(refusal);
    expect(texts(await f.press(`pl:lost:${intro.id}`))).toBe(refusal);
    expect(texts(await f.asManager('/правила добавить застряла'))).toBe(refusal);
    expect(await f.db.stage.count({ where: { pipelineId: partners.id } })).toBe(3);
    expect(await f.db.automationRule.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    // the manager sees the pipelines without the edit buttons
    expect(data(await f.asManager('/воронки'))).toEqual([
      `pl:show:${(await f.db.pipeline.findFirstOrThrow({ where: { workspaceId: f.ws.id, isDefault: true } })).id}`,
      `pl:show:${partners.id}`,
    ]);

    // the pipeline goes with its deal moved to the default one: asked where by buttons
    await f.db.user.update({ where: { id: f.manager.id }, data: { role: 'admin' } });
    const sales = await f.db.pipeline.findFirstOrThrow({ where: { workspaceId: f.ws.id, isDefault: true } });
    expect(texts(await f.asManager('/воронки удалить Партнёры'))).toBe(
      'Не получилось: В воронке «Партнёры» 1 сделка (открытая или закрытая); удалите воронку, перенеся её в другую: /pipelines remove Партнёры > ВОРОНКА',
    );
    const askPipeline = await f.press(`pl:rmpipe:${partners.id}`);
    expect(texts(askPipeline)).toMatch(/^В воронке «Партнёры» 1 сделка \(открытая или закрытая\)\. В какую воронку её перенести, удалив «Партнёры»\?/);
    expect(data(askPipeline)).toEqual([`pl:rmpipeto:${partners.id}:${sales.id}`, `pl:show:${partners.id}`]);
    expect(texts(await f.press(`pl:rmpipeto:${partners.id}:${sales.id}`))).toContain(
      `Воронка #${partners.id} «Партнёры» удалена; её 1 сделка перенесена в «Sales».`,
    );
    const moved = await f.db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } });
    expect([moved.pipelineId, moved.stage.name]).toEqual([sales.id, 'New']);
  });
});
