// Pipelines and their stages, as an admin edits them from chat: add and remove a pipeline,
// add, rename, reorder and remove stages, mark a stage won/lost/open. Admins only; every
// change is audited.
// Won and lost stages stay after the open ones (a deal's funnel reads left to right).
import type { Pipeline, Stage, StageKind } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx, type DbOrTx, type Tx } from '../db.js';
import { DomainError, conflict, invalid, notFound } from '../errors.js';
import { defaultPipeline } from '../workspaces/default-pipeline.js';
import { mapStage } from '../deals/deal-pipeline.js';

export type PipelineWithStages = Pipeline & { stages: Stage[] };

const NAME_MAX = 60;

/** Editing pipelines and automation rules is an admin's: anyone else gets this refusal. */
export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new DomainError('forbidden', 'pipelines.admin_only');
}

function cleanName(name: string | null | undefined): string {
  const clean = (name ?? '').trim().replace(/\s+/g, ' ');
  if (!clean) throw invalid('pipelines.name_empty');
  if (clean.length > NAME_MAX) throw invalid('pipelines.name_too_long', { max: NAME_MAX });
  return clean;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase('ru') === b.trim().toLocaleLowerCase('ru');
}

/** Every pipeline of the workspace with its stages in order; the default one first (created when missing). */
export async function listPipelines(db: DbOrTx, workspaceId: number): Promise<PipelineWithStages[]> {
  await defaultPipeline(db, workspaceId);
  return db.pipeline.findMany({
    where: { workspaceId },
    include: { stages: { orderBy: { position: 'asc' } } },
    orderBy: [{ isDefault: 'desc' }, { id: 'asc' }],
  });
}

export async function getPipeline(db: DbOrTx, workspaceId: number, pipelineId: number): Promise<PipelineWithStages> {
  const p = await db.pipeline.findFirst({ where: { id: pipelineId, workspaceId }, include: { stages: { orderBy: { position: 'asc' } } } });
  if (!p) throw notFound('what.pipeline', { id: pipelineId });
  return p;
}

/** A pipeline by number or name (exact, case-insensitive, then an unambiguous prefix). */
export async function findPipeline(db: DbOrTx, workspaceId: number, query: string): Promise<PipelineWithStages> {
  const all = await listPipelines(db, workspaceId);
  const id = /^#?(\d{1,9})$/.exec(query.trim());
  const byId = id ? all.find((p) => p.id === Number(id[1])) : undefined;
  if (byId) return byId;
  const exact = all.filter((p) => sameName(p.name, query));
  if (exact.length === 1) return exact[0]!;
  const q = query.trim().toLocaleLowerCase('ru');
  const prefixed = q ? all.filter((p) => p.name.toLocaleLowerCase('ru').startsWith(q)) : [];
  if (prefixed.length === 1) return prefixed[0]!;
  throw notFound('what.pipeline_named', { name: query });
}

async function loadStage(tx: DbOrTx, actor: Actor, stageId: number): Promise<Stage & { pipeline: Pipeline }> {
  const stage = await tx.stage.findFirst({ where: { id: stageId, pipeline: { workspaceId: actor.workspaceId } }, include: { pipeline: true } });
  if (!stage) throw notFound('what.stage', { name: `#${stageId}` });
  return stage;
}

/** Writes positions 1..n in the order given (through negative positions: (pipelineId, position) is unique). */
async function writeOrder(tx: Tx, stages: Array<Pick<Stage, 'id'>>): Promise<void> {
  for (const [i, s] of stages.entries()) await tx.stage.update({ where: { id: s.id }, data: { position: -(i + 1) } });
  for (const [i, s] of stages.entries()) await tx.stage.update({ where: { id: s.id }, data: { position: i + 1 } });
}

/** Open stages first, then won, then lost; the order within each kept. */
function funnelOrder<S extends Pick<Stage, 'kind'>>(stages: S[]): S[] {
  const rank: Record<StageKind, number> = { open: 0, won: 1, lost: 2 };
  return stages
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank[a.s.kind] - rank[b.s.kind] || a.i - b.i)
    .map((x) => x.s);
}

/**
 * A new pipeline with the open stages named (at least "New") and a Won and a Lost stage.
 * Names are unique per workspace; stage names per pipeline.
 */
export async function addPipeline(ctx: CoreContext, actor: Actor, input: { name: string; stages?: string[] }): Promise<PipelineWithStages> {
  assertAdmin(actor);
  const name = cleanName(input.name);
  // "Won" and "Lost" among the names are the closing stages every pipeline gets anyway
  const open = (input.stages ?? []).map(cleanName).filter((n) => !sameName(n, 'Won') && !sameName(n, 'Lost'));
  const names = open.length ? open : ['New'];
  if (new Set(names.map((n) => n.toLocaleLowerCase('ru'))).size !== names.length) throw invalid('pipelines.stage_duplicate', { name: names.join(', ') });
  const stages = [
    ...names.map((n) => ({ name: n, kind: 'open' as const })),
    { name: 'Won', kind: 'won' as const },
    { name: 'Lost', kind: 'lost' as const },
  ].filter((s, i, all) => all.findIndex((o) => sameName(o.name, s.name)) === i);
  return inTx(ctx.db, async (tx) => {
    const existing = await listPipelines(tx, actor.workspaceId);
    if (existing.some((p) => sameName(p.name, name))) throw conflict('pipelines.pipeline_exists', { name });
    const created = await tx.pipeline.create({
      data: { workspaceId: actor.workspaceId, name, isDefault: false, stages: { create: stages.map((s, i) => ({ ...s, position: i + 1 })) } },
      include: { stages: { orderBy: { position: 'asc' } } },
    });
    await recordAudit(tx, actor, { action: 'pipeline.create', entity: 'pipeline', entityId: created.id, after: created });
    return created;
  });
}

export async function renamePipeline(ctx: CoreContext, actor: Actor, pipelineId: number, newName: string): Promise<PipelineWithStages> {
  assertAdmin(actor);
  const name = cleanName(newName);
  return inTx(ctx.db, async (tx) => {
    const before = await getPipeline(tx, actor.workspaceId, pipelineId);
    const others = await tx.pipeline.findMany({ where: { workspaceId: actor.workspaceId, id: { not: pipelineId } }, select: { name: true } });
    if (others.some((p) => sameName(p.name, name))) throw conflict('pipelines.pipeline_exists', { name });
    await tx.pipeline.update({ where: { id: pipelineId }, data: { name } });
    await recordAudit(tx, actor, { action: 'pipeline.rename', entity: 'pipeline', entityId: pipelineId, before: { name: before.name }, after: { name } });
    return getPipeline(tx, actor.workspaceId, pipelineId);
  });
}

/** Adds a stage; an open one goes after the last open stage, a won/lost one at the end. */
export async function addStage(ctx: CoreContext, actor: Actor, pipelineId: number, stageName: string, kind: StageKind = 'open'): Promise<Stage> {
  assertAdmin(actor);
  const name = cleanName(stageName);
  return inTx(ctx.db, async (tx) => {
    const pipeline = await getPipeline(tx, actor.workspaceId, pipelineId);
    if (pipeline.stages.some((s) => sameName(s.name, name))) throw conflict('pipelines.stage_duplicate', { name });
    const created = await tx.stage.create({ data: { pipelineId, name, kind, position: -1_000_000 } });
    await writeOrder(tx, funnelOrder([...pipeline.stages, created]));
    const stage = await tx.stage.findUniqueOrThrow({ where: { id: created.id } });
    await recordAudit(tx, actor, { action: 'stage.create', entity: 'stage', entityId: stage.id, after: stage });
    return stage;
  });
}

export async function renameStage(ctx: CoreContext, actor: Actor, stageId: number, newName: string): Promise<Stage> {
  assertAdmin(actor);
  const name = cleanName(newName);
  return inTx(ctx.db, async (tx) => {
    const before = await loadStage(tx, actor, stageId);
    const siblings = await tx.stage.findMany({ where: { pipelineId: before.pipelineId, id: { not: stageId } }, select: { name: true } });
    if (siblings.some((s) => sameName(s.name, name))) throw conflict('pipelines.stage_duplicate', { name });
    const stage = await tx.stage.update({ where: { id: stageId }, data: { name } });
    await recordAudit(tx, actor, { action: 'stage.rename', entity: 'stage', entityId: stageId, before: { name: before.name }, after: { name } });
    return stage;
  });
}

/** Moves a stage one place up or down among the stages of its kind (won/lost stay last). */
export async function moveStage(ctx: CoreContext, actor: Actor, stageId: number, direction: 'up' | 'down'): Promise<Stage[]> {
  assertAdmin(actor);
  return inTx(ctx.db, async (tx) => {
    const stage = await loadStage(tx, actor, stageId);
    const stages = await tx.stage.findMany({ where: { pipelineId: stage.pipelineId }, orderBy: { position: 'asc' } });
    const i = stages.findIndex((s) => s.id === stageId);
    const j = direction === 'up' ? i - 1 : i + 1;
    const other = stages[j];
    if (!other || other.kind !== stage.kind) throw invalid('pipelines.stage_cannot_move', { name: stage.name, stageNames: 'name' });
    [stages[i], stages[j]] = [other, stages[i]!];
    await writeOrder(tx, stages);
    await recordAudit(tx, actor, {
      action: 'stage.reorder',
      entity: 'stage',
      entityId: stageId,
      before: { position: stage.position },
      after: { position: j + 1, order: stages.map((s) => s.name) },
    });
    return tx.stage.findMany({ where: { pipelineId: stage.pipelineId }, orderBy: { position: 'asc' } });
  });
}

/**
 * The stages of a stage's pipeline in order, when the stage may change kind or go: refused
 * while deals, open or closed, sit in it (their status would no longer match their stage) and
 * when it is the last of its kind (a pipeline keeps an open, a won and a lost stage: /won and
 * /lost need theirs).
 */
async function stagesIfFree(tx: Tx, stage: Stage): Promise<Stage[]> {
  const deals = await tx.deal.count({ where: { stageId: stage.id } });
  if (deals > 0) throw conflict('pipelines.stage_has_deals', { name: stage.name, count: deals, stageNames: 'name' });
  const stages = await tx.stage.findMany({ where: { pipelineId: stage.pipelineId }, orderBy: { position: 'asc' } });
  if (stages.filter((s) => s.kind === stage.kind).length === 1) throw invalid('pipelines.last_of_kind', { name: stage.name, stageNames: 'name' });
  return stages;
}

/**
 * Marks a stage open, won or lost. Refused while deals sit in it (their status would no
 * longer match their stage) and when it would leave the pipeline without an open stage.
 */
export async function setStageKind(ctx: CoreContext, actor: Actor, stageId: number, kind: StageKind): Promise<Stage> {
  assertAdmin(actor);
  return inTx(ctx.db, async (tx) => {
    const before = await loadStage(tx, actor, stageId);
    if (before.kind === kind) return before;
    const stages = await stagesIfFree(tx, before);
    const stage = await tx.stage.update({ where: { id: stageId }, data: { kind } });
    await writeOrder(tx, funnelOrder(stages.map((s) => (s.id === stageId ? stage : s))));
    await recordAudit(tx, actor, { action: 'stage.kind', entity: 'stage', entityId: stageId, before: { kind: before.kind }, after: { kind } });
    return tx.stage.findUniqueOrThrow({ where: { id: stageId } });
  });
}

/** Where the deals of a stage being removed may go: the other stages of its pipeline of the same kind. */
export function moveTargets(stages: Stage[], stage: Pick<Stage, 'id' | 'kind'>): Stage[] {
  return stages.filter((s) => s.id !== stage.id && s.kind === stage.kind);
}

/** A stage before its removal: how many deals sit in it and where they may be moved (moveTargets). */
export async function stageRemoval(
  ctx: CoreContext,
  actor: Actor,
  stageId: number,
): Promise<{ stage: Stage & { pipeline: Pipeline }; deals: number; targets: Stage[] }> {
  assertAdmin(actor);
  const stage = await loadStage(ctx.db, actor, stageId);
  const [deals, stages] = await Promise.all([
    ctx.db.deal.count({ where: { stageId } }),
    ctx.db.stage.findMany({ where: { pipelineId: stage.pipelineId }, orderBy: { position: 'asc' } }),
  ]);
  return { stage, deals, targets: moveTargets(stages, stage) };
}

export interface StageRemoved {
  stage: Stage;
  pipeline: Pipeline;
  /** its automation rules, removed with it */
  rules: number;
  /** deals moved out of it (to `movedTo`) */
  moved: number;
  movedTo?: Stage;
}

/**
 * Removes a stage, and refuses when it is the last of its kind. Deals in it, open or closed,
 * are moved to `moveTo` first, all at once: another stage of the same pipeline and kind (so a
 * deal's status still matches its stage); without one, a stage holding deals is refused. Each
 * moved deal gets its deal.stage_moved activity (so its history and deal.stage_changed
 * webhooks show the move, marked as the stage's removal); the target stage's automation rules
 * do not run for them, as the deals did not advance. Its own stage-entered rules go with it
 * (counted in the answer and kept in the audit row, with the deals moved); the stages after it
 * move up.
 */
export async function removeStage(ctx: CoreContext, actor: Actor, stageId: number, moveTo?: number): Promise<StageRemoved> {
  assertAdmin(actor);
  return inTx(ctx.db, async (tx) => {
    const { pipeline, ...stage } = await loadStage(tx, actor, stageId);
    const stages = await tx.stage.findMany({ where: { pipelineId: stage.pipelineId }, orderBy: { position: 'asc' } });
    const targets = moveTargets(stages, stage);
    if (targets.length === 0) throw invalid('pipelines.last_of_kind', { name: stage.name, stageNames: 'name' });
    let movedTo: Stage | undefined;
    if (moveTo !== undefined) {
      movedTo = targets.find((s) => s.id === moveTo);
      if (!movedTo) {
        const other = stages.find((s) => s.id === moveTo);
        if (!other) throw notFound('what.stage', { name: `#${moveTo}` });
        throw invalid(other.id === stage.id ? 'pipelines.move_to_itself' : 'pipelines.move_to_other_kind', {
          name: other.name,
          from: stage.name,
          stageNames: 'name,from',
        });
      }
    }
    const deals = await tx.deal.findMany({ where: { stageId }, select: { id: true, title: true, contactId: true, leadId: true }, orderBy: { id: 'asc' } });
    if (deals.length > 0 && !movedTo)
      throw conflict('pipelines.stage_has_deals_remove', { name: stage.name, count: deals.length, pipeline: pipeline.id, stageNames: 'name' });
    if (deals.length > 0 && movedTo) {
      // exactly the deals read (each gets its activity); one added meanwhile keeps the stage
      // from being deleted (Restrict), so the removal fails rather than loses it
      await tx.deal.updateMany({ where: { id: { in: deals.map((d) => d.id) } }, data: { stageId: movedTo.id, lastActivityAt: ctx.clock.now() } });
      const change = { fromStageId: stage.id, from: stage.name, to: movedTo.name, reason: 'stage_removed' };
      await tx.activity.createMany({ data: deals.map((d) => movedActivity(actor, d, change)) });
    }
    const rules = await tx.automationRule.findMany({ where: { stageId } });
    await tx.stage.delete({ where: { id: stageId } });
    await writeOrder(
      tx,
      stages.filter((s) => s.id !== stageId),
    );
    const moved = movedTo ? { after: { movedTo: movedTo.id, movedDeals: deals.map((d) => d.id) } } : {};
    await recordAudit(tx, actor, { action: 'stage.remove', entity: 'stage', entityId: stageId, before: { ...stage, rules }, ...moved });
    return { stage, pipeline, rules: rules.length, moved: movedTo ? deals.length : 0, ...(movedTo ? { movedTo } : {}) };
  });
}

/** A pipeline before its removal: how many deals are in it and the pipelines they may be moved to. */
export async function pipelineRemoval(
  ctx: CoreContext,
  actor: Actor,
  pipelineId: number,
): Promise<{ pipeline: PipelineWithStages; deals: number; targets: PipelineWithStages[] }> {
  assertAdmin(actor);
  const [all, deals] = await Promise.all([
    listPipelines(ctx.db, actor.workspaceId),
    ctx.db.deal.count({ where: { pipelineId, workspaceId: actor.workspaceId } }),
  ]);
  const pipeline = all.find((p) => p.id === pipelineId);
  if (!pipeline) throw notFound('what.pipeline', { id: pipelineId });
  return { pipeline, deals, targets: all.filter((p) => p.id !== pipelineId) };
}

export interface PipelineRemoved {
  pipeline: PipelineWithStages;
  /** the automation rules on its stages, removed with it */
  rules: number;
  /** deals moved out of it (to `movedTo`) */
  moved: number;
  movedTo?: Pipeline;
}

/** Where a stage's deals go when its pipeline is removed into `target`: mapStage, else (open) its first open stage. */
function stageFor(stage: Stage, target: Stage[]): Stage {
  const mapped = mapStage(stage, target) ?? target.find((s) => s.kind === stage.kind);
  // every pipeline keeps an open, a won and a lost stage (last_of_kind)
  if (!mapped) throw invalid('pipelines.last_of_kind', { name: stage.name, stageNames: 'name' });
  return mapped;
}

/**
 * Removes a pipeline with its stages. Never the default one (new deals go there). Deals in it,
 * open or closed, are moved to pipeline `moveTo` first, all at once: each into the stage of the
 * same name there (as /pipeline maps it), else, by kind, into its first open stage, or its won
 * or lost stage. Each moved deal gets its deal.stage_moved activity with the pipelines named,
 * marked as the pipeline's removal; the target stages' automation rules do not run for them.
 * Without `moveTo`, a pipeline holding deals is refused. The automation rules on its stages go
 * with it (counted in the answer and kept in the pipeline.remove audit row, with the deals moved).
 */
export async function removePipeline(ctx: CoreContext, actor: Actor, pipelineId: number, moveTo?: number): Promise<PipelineRemoved> {
  assertAdmin(actor);
  return inTx(ctx.db, async (tx) => {
    const pipeline = await getPipeline(tx, actor.workspaceId, pipelineId);
    if (pipeline.isDefault) throw invalid('pipelines.default_stays', { name: pipeline.name });
    let target: PipelineWithStages | undefined;
    if (moveTo !== undefined) {
      if (moveTo === pipelineId) throw invalid('pipelines.pipeline_move_to_itself', { name: pipeline.name });
      target = await getPipeline(tx, actor.workspaceId, moveTo);
    }
    const deals = await tx.deal.findMany({
      where: { pipelineId },
      select: { id: true, title: true, contactId: true, leadId: true, stageId: true },
      orderBy: { id: 'asc' },
    });
    if (deals.length > 0 && !target) throw conflict('pipelines.pipeline_has_deals', { name: pipeline.name, count: deals.length });
    const movedDeals: Array<{ id: number; stageId: number }> = [];
    if (deals.length > 0 && target) {
      const now = ctx.clock.now();
      for (const stage of pipeline.stages) {
        const inStage = deals.filter((d) => d.stageId === stage.id);
        if (inStage.length === 0) continue;
        const to = stageFor(stage, target.stages);
        await tx.deal.updateMany({ where: { id: { in: inStage.map((d) => d.id) } }, data: { pipelineId: target.id, stageId: to.id, lastActivityAt: now } });
        const change = {
          fromStageId: stage.id,
          from: stage.name,
          to: to.name,
          fromPipelineId: pipeline.id,
          toPipelineId: target.id,
          pipeline: target.name,
          reason: 'pipeline_removed',
        };
        await tx.activity.createMany({ data: inStage.map((d) => movedActivity(actor, d, change)) });
        movedDeals.push(...inStage.map((d) => ({ id: d.id, stageId: to.id })));
      }
    }
    const rules = await tx.automationRule.findMany({ where: { stageId: { in: pipeline.stages.map((s) => s.id) } } });
    // its stages and their rules go with it (cascades)
    await tx.pipeline.delete({ where: { id: pipelineId } });
    const moved = target ? { after: { movedTo: target.id, movedDeals } } : {};
    await recordAudit(tx, actor, { action: 'pipeline.remove', entity: 'pipeline', entityId: pipelineId, before: { ...pipeline, rules }, ...moved });
    return { pipeline, rules: rules.length, moved: movedDeals.length, ...(target ? { movedTo: target } : {}) };
  });
}

/** The deal.stage_moved activity of a deal moved by a stage's or a pipeline's removal (its history, deal.stage_changed webhooks). */
function movedActivity(
  actor: Actor,
  deal: { id: number; title: string; contactId: number | null; leadId: number | null },
  change: Record<string, string | number>,
) {
  return {
    workspaceId: actor.workspaceId,
    actorUserId: actor.userId || null,
    type: 'deal.stage_moved',
    dealId: deal.id,
    contactId: deal.contactId,
    leadId: deal.leadId,
    data: { title: deal.title, ...change },
  };
}
