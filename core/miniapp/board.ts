// The Mini App's deal board: one pipeline's stages in order, each with the deals the actor
// may see (a manager their own, heads and admins the team's: the same rule as chat), and the
// move of a deal to another stage of its pipeline through the same use cases as "/move".
import type { Prisma } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import type { CoreContext } from '../context.js';
import { notFound } from '../errors.js';
import { moveDealToStage, reopenDeal } from '../deals/index.js';
import { loadDeal } from '../deals/deal-access.js';
import { defaultPipeline } from '../workspaces/default-pipeline.js';

/** Closed (won/lost) deals stay on the board this long after closing. */
const CLOSED_SHOWN_DAYS = 30;
/** Deals read per stage (the board says how many more there are). */
const PER_STAGE = 100;

export interface BoardDeal {
  id: number;
  title: string;
  amount: string | null;
  currency: string | null;
  status: string;
  owner: { id: number; name: string };
  contact: { id: number; name: string } | null;
  company: string | null;
  lastActivityAt: string;
}

export interface BoardStage {
  id: number;
  name: string;
  kind: string;
  position: number;
  total: number;
  deals: BoardDeal[];
}

export interface Board {
  pipelines: Array<{ id: number; name: string; isDefault: boolean }>;
  pipeline: { id: number; name: string };
  stages: BoardStage[];
}

const boardInclude = {
  owner: { select: { id: true, name: true } },
  contact: { select: { id: true, name: true } },
  company: { select: { name: true } },
} satisfies Prisma.DealInclude;

export async function loadBoard(ctx: CoreContext, actor: Actor, pipelineId?: number): Promise<Board> {
  const fallback = await defaultPipeline(ctx.db, actor.workspaceId);
  const pipelines = await ctx.db.pipeline.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: [{ isDefault: 'desc' }, { id: 'asc' }] });
  const chosen = pipelineId === undefined ? fallback : pipelines.find((p) => p.id === pipelineId);
  if (!chosen) throw notFound('miniapp.what_pipeline', { id: pipelineId ?? 0 });
  const stages = await ctx.db.stage.findMany({ where: { pipelineId: chosen.id }, orderBy: { position: 'asc' } });
  const closedSince = new Date(ctx.clock.now().getTime() - CLOSED_SHOWN_DAYS * 86_400_000);
  const visible: Prisma.DealWhereInput = seesWholeTeam(actor)
    ? { workspaceId: actor.workspaceId, pipelineId: chosen.id }
    : { workspaceId: actor.workspaceId, pipelineId: chosen.id, ownerId: actor.userId };
  const columns = await Promise.all(
    stages.map(async (stage) => {
      const where: Prisma.DealWhereInput =
        stage.kind === 'open' ? { ...visible, stageId: stage.id, status: 'open' } : { ...visible, stageId: stage.id, closedAt: { gte: closedSince } };
      const [deals, total] = await Promise.all([
        ctx.db.deal.findMany({ where, include: boardInclude, orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }], take: PER_STAGE }),
        ctx.db.deal.count({ where }),
      ]);
      return {
        id: stage.id,
        name: stage.name,
        kind: stage.kind,
        position: stage.position,
        total,
        deals: deals.map((d): BoardDeal => ({
          id: d.id,
          title: d.title,
          amount: d.amount?.toFixed(2) ?? null,
          currency: d.currency,
          status: d.status,
          owner: d.owner,
          contact: d.contact,
          company: d.company?.name ?? null,
          lastActivityAt: d.lastActivityAt.toISOString(),
        })),
      };
    }),
  );
  return {
    pipelines: pipelines.map((p) => ({ id: p.id, name: p.name, isDefault: p.isDefault })),
    pipeline: { id: chosen.id, name: chosen.name },
    stages: columns,
  };
}

/**
 * Moves a deal to a stage of its own pipeline, given by id: an open deal through
 * moveDealToStage (a won/lost stage closes it), a closed one back into an open stage through
 * reopenDeal. Permissions, the audit row and the timeline entry are those use cases'.
 */
export async function moveDealOnBoard(ctx: CoreContext, actor: Actor, dealId: number, stageId: number) {
  const deal = await loadDeal(ctx.db, actor, dealId);
  const stage = await ctx.db.stage.findFirst({ where: { id: stageId, pipelineId: deal.pipelineId } });
  if (!stage) throw notFound('what.stage', { name: String(stageId) });
  if (deal.status !== 'open' && stage.kind === 'open') return reopenDeal(ctx, actor, dealId, stage.name);
  return moveDealToStage(ctx, actor, dealId, stage.name);
}
