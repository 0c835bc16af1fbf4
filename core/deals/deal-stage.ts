// Moving a deal through the pipeline; a won/lost stage closes it, reopening puts it back.
import type { Deal, Stage } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import type { Tx } from '../db.js';
import { invalid, conflict, notFound } from '../errors.js';
import { changeDeal, type DealChange } from './change-deal.js';
import { assertDealOpen } from './deal-access.js';
import { matchStage } from './stage-match.js';

async function stagesOf(tx: Tx, pipelineId: number): Promise<Stage[]> {
  return tx.stage.findMany({ where: { pipelineId }, orderBy: { position: 'asc' } });
}

function closingChange(deal: Deal, stages: Stage[], target: Stage, now: Date, reason: string | null): DealChange {
  const from = stages.find((s) => s.id === deal.stageId);
  const base = { fromStageId: deal.stageId, from: from?.name ?? null, to: target.name };
  if (target.kind === 'won') {
    return { type: 'deal.won', data: { stageId: target.id, status: 'won', closedAt: now, lostReason: null }, activity: base };
  }
  if (target.kind === 'lost') {
    return { type: 'deal.lost', data: { stageId: target.id, status: 'lost', closedAt: now, lostReason: reason }, activity: { ...base, reason } };
  }
  return { type: 'deal.stage_moved', data: { stageId: target.id }, activity: base };
}

/** Moves an open deal to the stage named (en/ru name, any case, or an unambiguous prefix). */
export async function moveDealToStage(ctx: CoreContext, actor: Actor, dealId: number, stage: string): Promise<Deal> {
  return changeDeal(ctx, actor, dealId, 'stage_moved', async (deal, tx) => {
    assertDealOpen(deal, actor);
    const stages = await stagesOf(tx, deal.pipelineId);
    const target = matchStage(stages, stage);
    if (target.id === deal.stageId) return null;
    return closingChange(deal, stages, target, ctx.clock.now(), null);
  });
}

async function closeAs(ctx: CoreContext, actor: Actor, dealId: number, kind: 'won' | 'lost', reason: string | null): Promise<Deal> {
  return changeDeal(ctx, actor, dealId, kind, async (deal, tx) => {
    assertDealOpen(deal, actor);
    const stages = await stagesOf(tx, deal.pipelineId);
    const target = stages.find((s) => s.kind === kind);
    if (!target) throw notFound('what.stage', { name: kind });
    return closingChange(deal, stages, target, ctx.clock.now(), reason);
  });
}

export async function markDealWon(ctx: CoreContext, actor: Actor, dealId: number): Promise<Deal> {
  return closeAs(ctx, actor, dealId, 'won', null);
}

export async function markDealLost(ctx: CoreContext, actor: Actor, dealId: number, reason: string): Promise<Deal> {
  const clean = reason?.trim();
  if (!clean) throw invalid('invalid.lost_reason_empty');
  return closeAs(ctx, actor, dealId, 'lost', clean);
}

/**
 * Reopens a won/lost deal into the given open stage, or else the stage it was closed from
 * (from its timeline), or else the last open stage.
 */
export async function reopenDeal(ctx: CoreContext, actor: Actor, dealId: number, stage?: string | null): Promise<Deal> {
  return changeDeal(ctx, actor, dealId, 'reopened', async (deal, tx) => {
    if (deal.status === 'open') throw conflict('invalid.deal_not_closed', { id: deal.id });
    const stages = await stagesOf(tx, deal.pipelineId);
    const open = stages.filter((s) => s.kind === 'open');
    let target: Stage | undefined;
    if (stage?.trim()) {
      target = matchStage(stages, stage);
      if (target.kind !== 'open') throw invalid('invalid.reopen_stage', { name: target.name });
    } else {
      const closing = await tx.activity.findFirst({
        where: { dealId, type: { in: ['deal.won', 'deal.lost'] } },
        orderBy: { id: 'desc' },
      });
      const fromId = (closing?.data as { fromStageId?: number } | null)?.fromStageId;
      target = open.find((s) => s.id === fromId) ?? open[open.length - 1];
    }
    if (!target) throw notFound('what.stage', { name: stage ?? '' });
    return {
      data: { stageId: target.id, status: 'open', closedAt: null, lostReason: null },
      activity: { from: stages.find((s) => s.id === deal.stageId)?.name ?? null, to: target.name, previousStatus: deal.status },
    };
  });
}
