// Moving a deal to another pipeline. Its stage is mapped when the other pipeline has one of
// the same name (or, for a won/lost deal, the stage of that kind); otherwise the person is
// asked, and names the stage. Who may move a deal: whoever may change it (its owner, heads, admins).
import type { Deal, Stage } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { changeDeal } from './change-deal.js';
import { loadDeal } from './deal-access.js';
import { stageNames } from './stage-match.js';

/** The stage a deal keeps in `target`: the same name, else the same closed kind; null = ask. */
export function mapStage<S extends Pick<Stage, 'id' | 'name' | 'kind'>>(from: Pick<Stage, 'name' | 'kind'>, target: readonly S[]): S | null {
  const names = new Set(stageNames(from));
  const same = target.find((s) => s.kind === from.kind && stageNames(s).some((n) => names.has(n)));
  if (same) return same;
  if (from.kind !== 'open') return target.find((s) => s.kind === from.kind) ?? null;
  return null;
}

export type PipelineMove = { moved: Deal } | { ask: Stage[] };

/**
 * Moves the deal to pipeline `pipelineId`, into `stageId` when given (a stage of that
 * pipeline, of the deal's open/closed kind), else the mapped stage; `ask` lists the stages to
 * choose from when there is no mapping.
 */
export async function moveDealToPipeline(ctx: CoreContext, actor: Actor, dealId: number, pipelineId: number, stageId?: number | null): Promise<PipelineMove> {
  const deal = await loadDeal(ctx.db, actor, dealId);
  const target = await ctx.db.pipeline.findFirst({
    where: { id: pipelineId, workspaceId: actor.workspaceId },
    include: { stages: { orderBy: { position: 'asc' } } },
  });
  if (!target) throw notFound('what.pipeline', { id: pipelineId });
  const choices = target.stages.filter((s) => (deal.status === 'open' ? s.kind === 'open' : s.kind === deal.status));
  let stage: Stage | null | undefined;
  if (stageId) {
    stage = target.stages.find((s) => s.id === stageId);
    if (!stage) throw notFound('what.stage', { name: `#${stageId}` });
    if (!choices.includes(stage)) throw invalid('pipelines.stage_wrong_kind', { name: stage.name, stageNames: 'name' });
  } else {
    const current = await ctx.db.stage.findUniqueOrThrow({ where: { id: deal.stageId } });
    stage = mapStage(current, target.stages);
    if (!stage) return { ask: choices };
  }
  if (deal.pipelineId === target.id && deal.stageId === stage.id) return { moved: deal };
  const to = stage;
  // on the timeline (and to webhooks) a stage change like any other (deal.stage_moved ->
  // deal.stage_changed), with the pipelines named; audited as deal.pipeline_moved
  const moved = await changeDeal(ctx, actor, dealId, 'pipeline_moved', async (before, tx) => ({
    type: 'deal.stage_moved',
    data: { pipelineId: target.id, stageId: to.id },
    activity: {
      fromStageId: before.stageId,
      from: (await tx.stage.findUnique({ where: { id: before.stageId }, select: { name: true } }))?.name ?? null,
      to: to.name,
      fromPipelineId: before.pipelineId,
      toPipelineId: target.id,
      pipeline: target.name,
    },
  }));
  return { moved };
}
