// Pipelines and automation rules from chat, end to end through the Bot API emulator (real
// Postgres, Redis, BullMQ queues, grammY long polling, the reminder worker):
// - an admin adds a second pipeline with custom stages by command and buttons; a manager's
//   /deal is asked which pipeline, the deal goes there (its stage asked) and on to won, and the
//   digest shows it;
// - an admin adds a "call back new leads" rule by buttons and sets it to fire at once; a
//   customer writes, the manager's automatic task is created and its reminder arrives;
// - a manager trying to edit a pipeline or a rule is refused and nothing changes.
import { describe, it, expect, afterAll } from 'vitest';
import { waitFor } from '../support/wait.js';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import type { BotMessage } from '../support/telegram-emulator.js';
import { addUser } from '../../core/users/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';
import { composeDigest } from '../../core/digests/compose-digest.js';
import { renderDigestText } from '../../core/digests/render-text.js';

const stacks: TelegramEmulatorStack[] = [];
afterAll(async () => {
  for (const s of stacks.reverse()) await s.close();
});

const text = (m: BotMessage) => m.message.text ?? '';
const buttonData = (m: BotMessage) => (m.message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data);

describe('pipelines and automation rules from chat (Telegram emulator)', () => {
  it('a second pipeline carries a deal to won and into the digest; a new lead gets its automatic task and reminder; a manager is refused', async () => {
    const stack = await telegramEmulatorStack({ slug: 'tgpl', timezone: 'UTC' });
    stacks.push(stack);
    const { db, ws } = stack;
    const ctx = dbContext(db);
    const { user: admin, inviteCode: adminCode } = await addUser(ctx, systemActor(ws), { name: 'Ada', role: 'admin', locale: 'en' });
    const { user: manager, inviteCode: managerCode } = await addUser(ctx, systemActor(ws), { name: 'Max', role: 'manager', locale: 'en' });
    const adminChat = stack.tg.chat(31_001, { firstName: 'Ada', languageCode: 'en' });
    const managerChat = stack.tg.chat(31_002, { firstName: 'Max', languageCode: 'en' });
    const customerChat = stack.tg.chat(31_003, { firstName: 'Olga', languageCode: 'en' });
    await adminChat.send(`/start ${adminCode}`);
    await adminChat.next('admin welcome');
    await managerChat.send(`/start ${managerCode}`);
    await managerChat.next('manager welcome');

    // an admin adds a pipeline with its stages, then edits it with buttons
    await adminChat.send('/pipelines add Partners: Intro, Pilot');
    const added = await adminChat.next('pipeline added');
    expect(text(added)).toBe(
      'Pipeline #' +
        (await db.pipeline.findFirstOrThrow({ where: { workspaceId: ws.id, name: 'Partners' } })).id +
        ' Partners added: Intro → Pilot → Won → Lost.',
    );
    const card = await adminChat.next('pipeline card');
    const partners = await db.pipeline.findFirstOrThrow({
      where: { workspaceId: ws.id, name: 'Partners' },
      include: { stages: { orderBy: { position: 'asc' } } },
    });
    const pilot = partners.stages.find((s) => s.name === 'Pilot')!;
    expect(buttonData(card)).toEqual([...partners.stages.map((s) => `pl:stage:${s.id}`), `pl:addstage:${partners.id}`, `pl:rmpipe:${partners.id}`]);
    await adminChat.press(`pl:stage:${pilot.id}`, card);
    const stageCard = await adminChat.next('stage card');
    expect(text(stageCard)).toBe('Stage Pilot of Partners. What should change?');
    expect(buttonData(stageCard)).toEqual([
      `pl:up:${pilot.id}`,
      `pl:down:${pilot.id}`,
      `pl:won:${pilot.id}`,
      `pl:lost:${pilot.id}`,
      `pl:remove:${pilot.id}`,
      `pl:show:${partners.id}`,
    ]);
    await adminChat.press(`pl:up:${pilot.id}`, stageCard);
    const reordered = await adminChat.next('card after the move');
    expect(text(reordered)).toContain('1. Pilot\n2. Intro\n3. Won — won\n4. Lost — lost');
    await adminChat.send(`/pipelines ${partners.id} add Contract`);
    expect(text(await adminChat.next('stage added'))).toBe('Stage Contract added to Partners.');
    await adminChat.next('card after the add');
    await adminChat.send(`/pipelines Partners rename Intro = Introduction`);
    expect(text(await adminChat.next('stage renamed'))).toBe('Stage Intro is now called Introduction.');
    await adminChat.next('card after the rename');
    expect((await db.stage.findMany({ where: { pipelineId: partners.id }, orderBy: { position: 'asc' } })).map((s) => s.name)).toEqual([
      'Pilot',
      'Introduction',
      'Contract',
      'Won',
      'Lost',
    ]);

    // an admin removes a stage with its buttons (asked first); the last won stage stays, said why
    const contract = await db.stage.findFirstOrThrow({ where: { pipelineId: partners.id, name: 'Contract' } });
    await adminChat.send(`/pipelines ${partners.id}`);
    const cardNow = await adminChat.next('the card before the removal');
    await adminChat.press(`pl:stage:${contract.id}`, cardNow);
    const contractCard = await adminChat.next('the stage card of Contract');
    expect(buttonData(contractCard)).toContain(`pl:remove:${contract.id}`);
    await adminChat.press(`pl:remove:${contract.id}`, contractCard);
    const ask = await adminChat.next('removal asked first');
    expect(text(ask)).toBe('Remove stage Contract from Partners? It holds no deals; its automation rules go with it.');
    expect(buttonData(ask)).toEqual([`pl:rmyes:${contract.id}`, `pl:show:${partners.id}`]);
    await adminChat.press(`pl:rmyes:${contract.id}`, ask);
    expect(text(await adminChat.next('stage removed'))).toBe('Stage Contract removed from Partners.');
    expect(text(await adminChat.next('the card after the removal'))).toContain('1. Pilot\n2. Introduction\n3. Won — won\n4. Lost — lost');
    await adminChat.send('/pipelines Partners remove Won');
    expect(text(await adminChat.next('the last won stage stays'))).toContain('Stage Won is the last of its kind in its pipeline');
    expect((await db.stage.findMany({ where: { pipelineId: partners.id }, orderBy: { position: 'asc' } })).map((s) => s.name)).toEqual([
      'Pilot',
      'Introduction',
      'Won',
      'Lost',
    ]);

    // a manager may look but not change: a clear refusal and nothing changes
    const stagesBefore = await db.stage.findMany({ where: { pipelineId: partners.id }, orderBy: { position: 'asc' } });
    await managerChat.send('/pipelines Partners add Hack');
    expect(text(await managerChat.next('refusal to add a stage'))).toBe(
      'Could not do that: Only an admin can change pipelines and automation rules. Nothing was changed.',
    );
    await managerChat.send('/pipelines');
    const managerList = await managerChat.next('the pipelines, read only');
    expect(buttonData(managerList)).not.toContain('pl:new:1');
    await managerChat.press(`pl:won:${pilot.id}`, managerList);
    expect(text(await managerChat.next('refusal to mark a stage'))).toBe(
      'Could not do that: Only an admin can change pipelines and automation rules. Nothing was changed.',
    );
    await managerChat.send('/rules add lead 5m');
    expect(text(await managerChat.next('refusal to add a rule'))).toBe(
      'Could not do that: Only an admin can change pipelines and automation rules. Nothing was changed.',
    );
    expect(await db.stage.findMany({ where: { pipelineId: partners.id }, orderBy: { position: 'asc' } })).toEqual(stagesBefore);
    expect(await db.automationRule.count({ where: { workspaceId: ws.id } })).toBe(0);

    // /deal with two pipelines: asked which; the deal goes to Partners, its stage asked, then won
    await managerChat.send('/deal Globex 5000 USD');
    const created = await managerChat.next('deal created with the pipeline question');
    const deal = await db.deal.findFirstOrThrow({ where: { workspaceId: ws.id, title: 'Globex' } });
    expect(text(created)).toContain(`Deal #${deal.id} "Globex" created`);
    expect(text(created)).toContain('Pipeline: Sales. Tap another to move the deal there.');
    expect(buttonData(created)).toContain(`deal:pipe:${deal.id}:${partners.id}`);
    await managerChat.press(`deal:pipe:${deal.id}:${partners.id}`, created);
    const askStage = await managerChat.next('which stage of Partners');
    expect(text(askStage)).toBe(`Which stage of Partners should deal #${deal.id} go to?`);
    expect(buttonData(askStage)).toEqual(stagesBefore.filter((s) => s.kind === 'open').map((s) => `deal:pstage:${deal.id}:${s.id}`));
    await managerChat.press(`deal:pstage:${deal.id}:${pilot.id}`, askStage);
    expect(text(await managerChat.next('moved to Partners'))).toBe(`Deal #${deal.id} "Globex" moved to Partners, stage Pilot.`);
    await managerChat.send(`/won ${deal.id}`);
    expect(text(await managerChat.next('won'))).toContain(`Deal #${deal.id} "Globex"`);
    const won = await db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } });
    expect([won.status, won.pipelineId, won.stage.pipelineId, won.stage.kind]).toEqual(['won', partners.id, partners.id, 'won']);
    // the team digest of the day after: Partners with its deal won
    const digest = renderDigestText(await composeDigest(ctx, admin.id, 'team_daily', new Date(Date.now() + 24 * 3600_000)), 'en');
    expect(digest).toContain('Partners, open deals: 0; won in the period: 1');

    // a pipeline holding a deal, even a won one, goes only with it moved to another: asked where
    await adminChat.send('/pipelines');
    const list = await adminChat.next('the pipelines');
    await adminChat.press(`pl:show:${partners.id}`, list);
    const partnersCard = await adminChat.next('the Partners card');
    await adminChat.press(`pl:rmpipe:${partners.id}`, partnersCard);
    const askPipeline = await adminChat.next('pipeline removal asked first');
    expect(text(askPipeline)).toMatch(/^Pipeline Partners holds 1 deal \(open or closed\)\. Move it to which pipeline, and remove Partners\?/);
    const sales = await db.pipeline.findFirstOrThrow({ where: { workspaceId: ws.id, isDefault: true } });
    expect(buttonData(askPipeline)).toEqual([`pl:rmpipeto:${partners.id}:${sales.id}`, `pl:show:${partners.id}`]);
    await adminChat.send('/pipelines remove Partners');
    // (the emulator keeps the text as sent, in HTML: Telegram shows &gt; as >)
    expect(text(await adminChat.next('refused: a deal is in it'))).toBe(
      'Could not do that: Pipeline Partners holds 1 deal (open or closed); remove the pipeline with it moved to another one: /pipelines remove Partners &gt; PIPELINE',
    );
    expect(await db.pipeline.count({ where: { id: partners.id } })).toBe(1);

    // an admin adds a "call back new leads" rule with buttons, then makes it due at once
    await adminChat.send('/rules');
    const rules = await adminChat.next('the rules');
    expect(text(rules)).toContain('No automation rules yet.');
    expect(buttonData(rules)).toEqual(['rule:addlead:1', 'rule:stages:1', 'rule:addstale:1']);
    await adminChat.press('rule:addlead:1', rules);
    const offsets = await adminChat.next('delays offered');
    expect(buttonData(offsets)).toEqual(['rule:newlead:15', 'rule:newlead:30', 'rule:newlead:60', 'rule:newlead:120']);
    await adminChat.press('rule:newlead:15', offsets);
    const rule = await waitFor(() => db.automationRule.findFirst({ where: { workspaceId: ws.id } }), 'the rule');
    expect(text(await adminChat.next('rule added'))).toBe(`Rule added: #${rule.id} New lead → task for its assignee, due in 15 minutes`);
    await adminChat.send(`/rules ${rule.id} 0`);
    expect(text(await adminChat.next('rule changed'))).toBe(`Rule changed: #${rule.id} New lead → task for its assignee, due at once`);

    // a customer writes: the lead goes to the manager, with its automatic task, whose reminder fires
    await customerChat.send('Hello, I need 20 desks');
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id } }), 'the lead');
    expect(lead.assigneeId).toBe(manager.id);
    const task = await waitFor(() => db.task.findFirst({ where: { leadId: lead.id } }), 'the automatic task');
    expect([task.title, task.assigneeId, task.creatorId]).toEqual([`Call back lead #${lead.id}: Hello, I need 20 desks`, manager.id, null]);
    const reminder = await waitFor(
      () => managerChat.received().find((m) => text(m).includes(`Call back lead #${lead.id}`)),
      'the reminder of the automatic task',
      30_000,
    );
    expect(buttonData(reminder)).toContain(`task:done:${task.id}`);
    expect(await db.reminderDelivery.count({ where: { taskId: task.id } })).toBe(1);
    expect(await db.automationRun.findMany({ where: { ruleId: rule.id }, select: { key: true, taskId: true } })).toEqual([
      { key: `lead:${lead.id}`, taskId: task.id },
    ]);

    // every change audited, none by the manager
    const audited = await db.auditLog.findMany({
      where: { workspaceId: ws.id, entity: { in: ['pipeline', 'stage', 'automation_rule'] } },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((a) => a.action)).toEqual([
      'pipeline.create',
      'stage.reorder',
      'stage.create',
      'stage.rename',
      'stage.remove',
      'rule.create',
      'rule.edit',
    ]);
    expect(new Set(audited.map((a) => a.actorUserId))).toEqual(new Set([admin.id]));
  }, 180_000);
});
