// Pipelines and automation rules through the core use cases on the real test database:
// admin-only edits (a manager is refused and nothing changes), stage order and kinds, deals
// moved between pipelines, the rules' tasks made once per event, the stale-deal sweep, and
// every change audited.
import { describe, it, expect, beforeAll } from 'vitest';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection, type ManualClock, type RecordingScheduler } from '../../support/team.js';
import type { Actor } from '../../../core/actor.js';
import type { CoreContext } from '../../../core/context.js';
import {
  addPipeline,
  addStage,
  moveStage,
  removePipeline,
  removeStage,
  renameStage,
  setStageKind,
  listPipelines,
} from '../../../core/pipelines/manage-pipelines.js';
import { addRule, editRule, parseOffsetMinutes } from '../../../core/automation/rules.js';
import { addWebhook } from '../../../core/webhooks/endpoints.js';
import { runNewLeadRules, sweepStaleDeals } from '../../../core/automation/run-rules.js';
import { createDeal, markDealWon, moveDealToPipeline, moveDealToStage } from '../../../core/deals/index.js';
import { captureLead } from '../../../core/leads/index.js';
import { findOrCreateContact } from '../../../core/contacts/index.js';
import { composeDigest } from '../../../core/digests/compose-digest.js';
import { renderDigestText } from '../../../core/digests/render-text.js';

const db = testDb();
let ctx: CoreContext;
let admin: Actor, manager: Actor, system: Actor;
let clock: ManualClock;
let scheduler: RecordingScheduler;
let workspaceId: number;

beforeAll(async () => {
  const team = await makeTeam(db, {
    timezone: 'UTC',
    members: [
      { name: 'Ada Admin', role: 'admin' },
      { name: 'Max Manager', role: 'manager' },
    ],
  });
  ({ ctx, clock, scheduler, workspaceId, system } = team);
  [admin, manager] = team.actors as [Actor, Actor];
});

/** An admin and a manager in a workspace of their own (for tests that count its rules and audit rows). */
async function ownTeam() {
  const team = await makeTeam(db, {
    timezone: 'UTC',
    members: [
      { name: 'Ada Admin', role: 'admin' },
      { name: 'Max Manager', role: 'manager' },
    ],
  });
  const [admin, manager] = team.actors as [Actor, Actor];
  return { team, ctx: team.ctx, workspaceId: team.workspaceId, admin, manager };
}

const stagesOf = async (pipelineId: number) => db.stage.findMany({ where: { pipelineId }, orderBy: { position: 'asc' } });

describe('pipelines', () => {
  it('an admin adds a pipeline, adds, renames and reorders stages and marks them; a manager is refused and nothing changes', async () => {
    const p = await addPipeline(ctx, admin, { name: 'Partners', stages: ['Intro', 'Pilot'] });
    expect(p.stages.map((s) => [s.name, s.kind])).toEqual([
      ['Intro', 'open'],
      ['Pilot', 'open'],
      ['Won', 'won'],
      ['Lost', 'lost'],
    ]);
    const contract = await addStage(ctx, admin, p.id, 'Contract');
    expect((await stagesOf(p.id)).map((s) => s.name)).toEqual(['Intro', 'Pilot', 'Contract', 'Won', 'Lost']);
    await moveStage(ctx, admin, contract.id, 'up');
    expect((await stagesOf(p.id)).map((s) => s.name)).toEqual(['Intro', 'Contract', 'Pilot', 'Won', 'Lost']);
    await renameStage(ctx, admin, contract.id, 'Agreement');
    const signed = await addStage(ctx, admin, p.id, 'Signed');
    await setStageKind(ctx, admin, signed.id, 'won');
    expect((await stagesOf(p.id)).map((s) => `${s.name}:${s.kind}`)).toEqual([
      'Intro:open',
      'Agreement:open',
      'Pilot:open',
      'Signed:won',
      'Won:won',
      'Lost:lost',
    ]);
    // won/lost stay after the open ones; every pipeline keeps a stage of each kind
    expect((await rejection(() => moveStage(ctx, admin, signed.id, 'up'))).key).toBe('pipelines.stage_cannot_move');
    const lost = (await stagesOf(p.id)).find((s) => s.kind === 'lost')!;
    expect((await rejection(() => setStageKind(ctx, admin, lost.id, 'open'))).key).toBe('pipelines.last_of_kind');

    // "Won" among the names is the closing stage, not a second one
    const other = await addPipeline(ctx, admin, { name: 'Resellers', stages: ['Talk', 'won'] });
    expect(other.stages.map((s) => `${s.name}:${s.kind}`)).toEqual(['Talk:open', 'Won:won', 'Lost:lost']);

    const before = await stagesOf(p.id);
    const auditsBefore = await db.auditLog.count({ where: { workspaceId } });
    for (const attempt of [
      () => addPipeline(ctx, manager, { name: 'Mine' }),
      () => addStage(ctx, manager, p.id, 'Hack'),
      () => renameStage(ctx, manager, contract.id, 'Hack'),
      () => moveStage(ctx, manager, contract.id, 'down'),
      () => setStageKind(ctx, manager, contract.id, 'lost'),
    ]) {
      const r = await rejection(attempt);
      expect(r.code).toBe('forbidden');
      expect(r.key).toBe('pipelines.admin_only');
    }
    expect(await stagesOf(p.id)).toEqual(before);
    expect(await db.pipeline.count({ where: { workspaceId } })).toBe(3);
    expect(await db.auditLog.count({ where: { workspaceId } })).toBe(auditsBefore);

    const actions = (await db.auditLog.findMany({ where: { workspaceId, entity: { in: ['pipeline', 'stage'] } }, orderBy: { id: 'asc' } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(['pipeline.create', 'stage.create', 'stage.reorder', 'stage.rename', 'stage.create', 'stage.kind', 'pipeline.create']);
  });

  it('moves a deal to another pipeline: a stage of the same name is kept, otherwise the stage is asked; a won deal shows in the digest', async () => {
    const [sales, partners] = await listPipelines(db, workspaceId); // default first, then by id
    const deal = await createDeal(ctx, manager, { title: 'Globex', amount: '5000', currency: 'USD' });
    expect(deal.pipelineId).toBe(sales!.id);
    const asked = await moveDealToPipeline(ctx, manager, deal.id, partners!.id);
    expect('ask' in asked && asked.ask.map((s) => s.name)).toEqual(['Intro', 'Agreement', 'Pilot']);
    const pilot = partners!.stages.find((s) => s.name === 'Pilot')!;
    const moved = await moveDealToPipeline(ctx, manager, deal.id, partners!.id, pilot.id);
    expect('moved' in moved && [moved.moved.pipelineId, moved.moved.stageId]).toEqual([partners!.id, pilot.id]);
    // a stage change on the timeline (webhooks: deal.stage_changed), audited as a pipeline move
    const activity = await db.activity.findFirstOrThrow({ where: { dealId: deal.id, type: 'deal.stage_moved' }, orderBy: { id: 'desc' } });
    expect(activity.data).toMatchObject({ from: 'New', to: 'Pilot', fromPipelineId: sales!.id, toPipelineId: partners!.id, pipeline: 'Partners' });
    expect(await db.auditLog.count({ where: { workspaceId, entity: 'deal', entityId: String(deal.id), action: 'deal.pipeline_moved' } })).toBe(1);
    await markDealWon(ctx, manager, deal.id);
    const won = await db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } });
    expect([won.status, won.stage.pipelineId, won.stage.kind]).toEqual(['won', partners!.id, 'won']);
    // an open one in Partners too
    const open = await createDeal(ctx, manager, { title: 'Initech', pipelineId: partners!.id });
    expect((await db.stage.findUniqueOrThrow({ where: { id: open.stageId } })).name).toBe('Intro');

    // the next day's team digest: each pipeline with its open deals and its deals won
    const digest = await composeDigest(ctx, admin.userId, 'team_daily', new Date(clock.now().getTime() + 24 * 3600_000));
    const text = renderDigestText(digest, 'en');
    expect(text).toContain('Partners, open deals: 1; won in the period: 1');
    expect(text).toContain('Sales, open deals: 0; won in the period: 0');
  });

  it('an admin removes a stage: not while a deal sits in it, never the last of its kind; its rules go with it, audited', async () => {
    // a workspace of its own: the rule tests below count their workspace's rules and audit rows
    const { team, ctx, workspaceId, admin, manager } = await ownTeam();
    const p = await addPipeline(ctx, admin, { name: 'Events', stages: ['Call', 'Demo', 'Trial'] });
    const [call, demo] = p.stages as [(typeof p.stages)[0], (typeof p.stages)[0]];
    expect((await rejection(() => removeStage(ctx, manager, demo.id))).key).toBe('pipelines.admin_only');
    // a deal in the stage (its first open one): refused until the deal moves on
    const deal = await createDeal(ctx, manager, { title: 'Expo', pipelineId: p.id });
    expect(deal.stageId).toBe(call.id);
    expect(await rejection(() => removeStage(ctx, admin, call.id))).toMatchObject({ code: 'conflict', key: 'pipelines.stage_has_deals_remove' });
    // the pipeline keeps a won and a lost stage
    const won = p.stages.find((s) => s.kind === 'won')!;
    expect((await rejection(() => removeStage(ctx, admin, won.id))).key).toBe('pipelines.last_of_kind');
    expect((await stagesOf(p.id)).map((s) => s.name)).toEqual(['Call', 'Demo', 'Trial', 'Won', 'Lost']);

    // a stage with a rule on it: removed with its rule; the stages after it move up
    const rule = await addRule(ctx, admin, { trigger: 'stage_entered', stageId: demo.id, offsetMinutes: 60 });
    const removed = await removeStage(ctx, admin, demo.id);
    expect([removed.stage.name, removed.pipeline.name, removed.rules]).toEqual(['Demo', 'Events', 1]);
    expect((await stagesOf(p.id)).map((s) => [s.name, s.position])).toEqual([
      ['Call', 1],
      ['Trial', 2],
      ['Won', 3],
      ['Lost', 4],
    ]);
    expect(await db.automationRule.count({ where: { id: rule.id } })).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'stage.remove', entityId: String(demo.id) } });
    expect(audit.before).toMatchObject({ name: 'Demo', pipelineId: p.id, rules: [expect.objectContaining({ id: rule.id, trigger: 'stage_entered' })] });

    // the first stage goes with its deals moved to another open stage, all at once: not to a
    // stage of another kind (the deals' status would not match), not to itself
    const trialId = (await stagesOf(p.id)).find((s) => s.name === 'Trial')!.id;
    const second = await createDeal(ctx, manager, { title: 'Fair', pipelineId: p.id });
    expect(second.stageId).toBe(call.id);
    expect((await rejection(() => removeStage(ctx, admin, call.id, won.id))).key).toBe('pipelines.move_to_other_kind');
    expect((await rejection(() => removeStage(ctx, admin, call.id, call.id))).key).toBe('pipelines.move_to_itself');
    // the target's own stage-entered rule does not run for deals moved by a removal
    const trialRule = await addRule(ctx, admin, { trigger: 'stage_entered', stageId: trialId, offsetMinutes: 15 });
    const tasksBefore = await db.task.count({ where: { workspaceId, dealId: { in: [deal.id, second.id] } } });
    await addWebhook(ctx, team.system, { url: 'https://hooks.example.com/leadline', events: ['deal.stage_changed'] });
    const merged = await removeStage(ctx, admin, call.id, trialId);
    expect([merged.stage.name, merged.moved, merged.movedTo?.name]).toEqual(['Call', 2, 'Trial']);
    expect((await stagesOf(p.id)).map((s) => s.name)).toEqual(['Trial', 'Won', 'Lost']);
    const moved = await db.deal.findMany({ where: { id: { in: [deal.id, second.id] } }, include: { stage: true }, orderBy: { id: 'asc' } });
    expect(moved.map((d) => [d.stage.name, d.status])).toEqual([
      ['Trial', 'open'],
      ['Trial', 'open'],
    ]);
    // each deal's history shows the move, marked as the stage's removal; the removal's audit names them
    const activities = await db.activity.findMany({
      where: { workspaceId, type: 'deal.stage_moved', dealId: { in: [deal.id, second.id] } },
      orderBy: { id: 'asc' },
    });
    expect(activities.map((a) => [a.dealId, a.actorUserId, a.data])).toEqual([
      [deal.id, admin.userId, { title: 'Expo', fromStageId: call.id, from: 'Call', to: 'Trial', reason: 'stage_removed' }],
      [second.id, admin.userId, { title: 'Fair', fromStageId: call.id, from: 'Call', to: 'Trial', reason: 'stage_removed' }],
    ]);
    const mergeAudit = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'stage.remove', entityId: String(call.id) } });
    expect(mergeAudit.after).toEqual({ movedTo: trialId, movedDeals: [deal.id, second.id] });
    expect(await db.task.count({ where: { workspaceId, dealId: { in: [deal.id, second.id] } } })).toBe(tasksBefore);
    // and a deal.stage_changed webhook each, saying why
    const hooks = await db.webhookEvent.findMany({ where: { workspaceId, type: 'deal.stage_changed' }, orderBy: { id: 'asc' } });
    expect(hooks.map((h) => h.data)).toEqual([
      expect.objectContaining({ deal: expect.objectContaining({ id: deal.id }), change: expect.objectContaining({ to: 'Trial', reason: 'stage_removed' }) }),
      expect.objectContaining({ deal: expect.objectContaining({ id: second.id }), change: expect.objectContaining({ to: 'Trial', reason: 'stage_removed' }) }),
    ]);
    await db.automationRule.delete({ where: { id: trialRule.id } });
    await db.deal.delete({ where: { id: second.id } });

    // a pipeline: never the default one, not while a deal is in it; then with its stages and their rules
    const [sales] = await listPipelines(db, workspaceId);
    expect(sales!.isDefault).toBe(true);
    expect((await rejection(() => removePipeline(ctx, admin, sales!.id))).key).toBe('pipelines.default_stays');
    expect((await rejection(() => removePipeline(ctx, manager, p.id))).key).toBe('pipelines.admin_only');
    expect(await rejection(() => removePipeline(ctx, admin, p.id))).toMatchObject({ code: 'conflict', key: 'pipelines.pipeline_has_deals' });
    await moveDealToPipeline(ctx, manager, deal.id, sales!.id, sales!.stages[0]!.id);
    const trial = (await stagesOf(p.id))[0]!;
    await addRule(ctx, admin, { trigger: 'stage_entered', stageId: trial.id, offsetMinutes: 30 });
    const gone = await removePipeline(ctx, admin, p.id);
    expect([gone.pipeline.name, gone.rules]).toEqual(['Events', 1]);
    expect(await db.pipeline.count({ where: { id: p.id } })).toBe(0);
    expect(await db.stage.count({ where: { pipelineId: p.id } })).toBe(0);
    expect(await db.automationRule.count({ where: { workspaceId } })).toBe(0);
    const audit2 = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'pipeline.remove', entityId: String(p.id) } });
    expect(audit2.before).toMatchObject({ name: 'Events', stages: [{ name: 'Trial' }, { name: 'Won' }, { name: 'Lost' }], rules: [{ stageId: trial.id }] });
  });

  it('an admin removes a pipeline with its deals moved to another: a stage of the same name kept, else by kind, audited', async () => {
    const { ctx, workspaceId, admin, manager } = await ownTeam();
    const expos = await addPipeline(ctx, admin, { name: 'Expos', stages: ['Booth', 'Proposal'] });
    const [sales] = await listPipelines(db, workspaceId);
    const stage = (p: { stages: Array<{ id: number; name: string }> }, name: string) => p.stages.find((s) => s.name === name)!.id;
    // one deal in each of Booth (no such stage in Sales), Proposal (kept by name) and Won
    const booth = await createDeal(ctx, manager, { title: 'Booth deal', pipelineId: expos.id });
    const proposal = await createDeal(ctx, manager, { title: 'Proposal deal', pipelineId: expos.id });
    await moveDealToStage(ctx, manager, proposal.id, 'Proposal');
    const won = await createDeal(ctx, manager, { title: 'Won deal', pipelineId: expos.id });
    await markDealWon(ctx, manager, won.id);
    expect(await rejection(() => removePipeline(ctx, admin, expos.id))).toMatchObject({ code: 'conflict', key: 'pipelines.pipeline_has_deals' });
    expect((await rejection(() => removePipeline(ctx, admin, expos.id, expos.id))).key).toBe('pipelines.pipeline_move_to_itself');
    expect((await rejection(() => removePipeline(ctx, manager, expos.id, sales!.id))).key).toBe('pipelines.admin_only');
    const rule = await addRule(ctx, admin, { trigger: 'stage_entered', stageId: stage(sales!, 'New'), offsetMinutes: 5 });

    const gone = await removePipeline(ctx, admin, expos.id, sales!.id);
    expect([gone.pipeline.name, gone.moved, gone.movedTo?.name]).toEqual(['Expos', 3, 'Sales']);
    const deals = await db.deal.findMany({ where: { id: { in: [booth.id, proposal.id, won.id] } }, include: { stage: true }, orderBy: { id: 'asc' } });
    expect(deals.map((d) => [d.title, d.pipelineId, d.stage.name, d.status])).toEqual([
      ['Booth deal', sales!.id, 'New', 'open'],
      ['Proposal deal', sales!.id, 'Proposal', 'open'],
      ['Won deal', sales!.id, 'Won', 'won'],
    ]);
    expect(await db.pipeline.count({ where: { id: expos.id } })).toBe(0);
    // each on its timeline with the pipelines named; no rule task for the deal that landed in New
    const moves = await db.activity.findMany({
      where: { workspaceId, type: 'deal.stage_moved', dealId: { in: [booth.id, proposal.id, won.id] }, data: { path: ['reason'], equals: 'pipeline_removed' } },
      orderBy: { dealId: 'asc' },
    });
    expect(
      moves.map((a) => [a.dealId, (a.data as { from: string }).from, (a.data as { to: string }).to, (a.data as { toPipelineId: number }).toPipelineId]),
    ).toEqual([
      [booth.id, 'Booth', 'New', sales!.id],
      [proposal.id, 'Proposal', 'Proposal', sales!.id],
      [won.id, 'Won', 'Won', sales!.id],
    ]);
    expect(await db.task.count({ where: { workspaceId, dealId: booth.id } })).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'pipeline.remove', entityId: String(expos.id) } });
    expect(audit.after).toEqual({
      movedTo: sales!.id,
      movedDeals: expect.arrayContaining([
        { id: booth.id, stageId: stage(sales!, 'New') },
        { id: proposal.id, stageId: stage(sales!, 'Proposal') },
        { id: won.id, stageId: stage(sales!, 'Won') },
      ]),
    });
    await db.automationRule.delete({ where: { id: rule.id } });
  });
});

describe('automation rules', () => {
  it('parses delays', () => {
    expect([parseOffsetMinutes('15'), parseOffsetMinutes('15m'), parseOffsetMinutes('2h'), parseOffsetMinutes('1d'), parseOffsetMinutes('2 ч')]).toEqual([
      15, 15, 120, 1440, 120,
    ]);
    expect(parseOffsetMinutes('soon')).toBeNull();
    expect(parseOffsetMinutes('400d')).toBeNull();
  });

  it('a new lead gets one task per rule for its assignee, once even when handled again; a disabled rule does nothing', async () => {
    expect((await rejection(() => addRule(ctx, manager, { trigger: 'new_lead', offsetMinutes: 15 }))).key).toBe('pipelines.admin_only');
    expect(await db.automationRule.count({ where: { workspaceId } })).toBe(0);
    const rule = await addRule(ctx, admin, { trigger: 'new_lead', offsetMinutes: 15 });
    const { contact } = await findOrCreateContact(ctx, system, { name: 'Olga', email: 'olga@example.com' });
    scheduler.calls = [];
    const lead = await captureLead(ctx, system, { contactId: contact.id, source: 'telegram', text: 'Need a quote', assigneeId: manager.userId });
    const tasks = await db.task.findMany({ where: { leadId: lead.id } });
    expect(tasks.map((t) => [t.title, t.assigneeId, t.dueAt.toISOString()])).toEqual([
      [`Call back lead #${lead.id}: Need a quote`, manager.userId, new Date(clock.now().getTime() + 15 * 60_000).toISOString()],
    ]);
    // its reminder goes the usual way
    expect(scheduler.calls).toContainEqual(['scheduleReminder', tasks[0]!.id, tasks[0]!.dueAt]);
    // the same event again: nothing new
    expect(await runNewLeadRules(ctx, lead)).toEqual([]);
    expect(await db.task.count({ where: { leadId: lead.id } })).toBe(1);

    await editRule(ctx, admin, rule.id, { enabled: false });
    const second = await captureLead(ctx, system, { contactId: contact.id, source: 'telegram', text: 'Another', assigneeId: manager.userId });
    expect(await db.task.count({ where: { leadId: second.id } })).toBe(0);
    const actions = (await db.auditLog.findMany({ where: { workspaceId, entity: 'automation_rule' }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['rule.create', 'rule.disable']);
  });

  it('a deal entering a stage gets the stage rule task with its offset; a stale deal reminds its owner once per quiet spell', async () => {
    const [sales] = await listPipelines(db, workspaceId);
    const proposal = sales!.stages.find((s) => s.name === 'Proposal')!;
    await addRule(ctx, admin, { trigger: 'stage_entered', stageId: proposal.id, offsetMinutes: 24 * 60, title: 'Send the contract' });
    const deal = await createDeal(ctx, manager, { title: 'Umbrella' });
    await moveDealToStage(ctx, manager, deal.id, 'Proposal');
    const staged = await db.task.findMany({ where: { dealId: deal.id } });
    expect(staged.map((t) => [t.title, t.assigneeId, t.dueAt.getTime() - clock.now().getTime()])).toEqual([
      ['Send the contract', manager.userId, 24 * 3600_000],
    ]);

    await addRule(ctx, admin, { trigger: 'stale_deal' });
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(await sweepStaleDeals(ctx, { workspaceId }).then((made) => made.filter((t) => t.dealId === deal.id))).toEqual([]);
    clock.advance((ws.staleDealDays + 1) * 24 * 3600_000);
    const reminded = (await sweepStaleDeals(ctx, { workspaceId })).filter((t) => t.dealId === deal.id);
    expect(reminded.map((t) => [t.title, t.assigneeId])).toEqual([
      [`Deal #${deal.id} "Umbrella" has been quiet for ${ws.staleDealDays} days: follow up`, manager.userId],
    ]);
    // the next sweep finds it reminded already
    expect((await sweepStaleDeals(ctx, { workspaceId })).filter((t) => t.dealId === deal.id)).toEqual([]);
  });
});
