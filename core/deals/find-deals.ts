// Reading deals: one by id, lists, and lookup by title ("move Acme to negotiation").
import type { DealStatus } from '../../prisma/generated/enums.js';
import type { Prisma } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { assertCanActFor, seesWholeTeam } from '../actor.js';
import type { CoreContext } from '../context.js';
import { defaultPipeline } from '../workspaces/default-pipeline.js';
import { dealTitleKey } from './create-deal.js';
import { loadDeal } from './deal-access.js';
import { matchStage } from './stage-match.js';

const dealInclude = {
  stage: true,
  owner: { select: { id: true, name: true } },
  contact: { select: { id: true, name: true } },
  company: { select: { id: true, name: true } },
} satisfies Prisma.DealInclude;

export type DealView = Prisma.DealGetPayload<{ include: typeof dealInclude }>;

function visibleTo(actor: Actor): Prisma.DealWhereInput {
  return seesWholeTeam(actor) ? { workspaceId: actor.workspaceId } : { workspaceId: actor.workspaceId, ownerId: actor.userId };
}

export async function getDeal(ctx: CoreContext, actor: Actor, dealId: number): Promise<DealView> {
  await loadDeal(ctx.db, actor, dealId);
  return ctx.db.deal.findUniqueOrThrow({ where: { id: dealId }, include: dealInclude });
}

export interface ListDealsOptions {
  status?: DealStatus;
  /** stage name in any form matchStage accepts */
  stage?: string;
  /** a head's view of one owner; managers always see their own */
  ownerId?: number;
  limit?: number;
}

/** Deals the actor may see, most recently active first. */
export async function listDeals(ctx: CoreContext, actor: Actor, options: ListDealsOptions = {}): Promise<DealView[]> {
  const where: Prisma.DealWhereInput = visibleTo(actor);
  if (options.ownerId !== undefined) {
    assertCanActFor(actor, options.ownerId);
    where.ownerId = options.ownerId;
  }
  if (options.status) where.status = options.status;
  if (options.stage) {
    const pipeline = await defaultPipeline(ctx.db, actor.workspaceId);
    where.stageId = matchStage(pipeline.stages, options.stage).id;
  }
  return ctx.db.deal.findMany({
    where,
    include: dealInclude,
    orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
  });
}

/**
 * Deals whose title matches the query: exact (case-insensitive) titles if any, otherwise
 * titles containing it; open deals first. Only deals the actor may see.
 */
export async function findDeals(ctx: CoreContext, actor: Actor, query: string, options: { limit?: number } = {}): Promise<DealView[]> {
  const q = dealTitleKey(query ?? '');
  if (!q) return [];
  const take = Math.min(Math.max(options.limit ?? 10, 1), 100);
  const orderBy: Prisma.DealOrderByWithRelationInput[] = [{ status: 'asc' }, { lastActivityAt: 'desc' }];
  const base = visibleTo(actor);
  const exact = await ctx.db.deal.findMany({ where: { ...base, titleKey: q }, include: dealInclude, orderBy, take });
  if (exact.length) return exact;
  return ctx.db.deal.findMany({ where: { ...base, titleKey: { contains: q } }, include: dealInclude, orderBy, take });
}

export interface DealSearch {
  /** words matched against the deal's title, its contact's name, emails and phones, its company */
  text?: string;
  /** amount range, inclusive (in the deal's own currency) */
  minAmount?: number;
  maxAmount?: number;
  /** stage name in any form matchStage accepts */
  stage?: string;
  status?: DealStatus;
  limit?: number;
}

/** Deals the actor may see that match every given filter; open first, then most recently active. */
export async function searchDeals(ctx: CoreContext, actor: Actor, search: DealSearch): Promise<DealView[]> {
  const and: Prisma.DealWhereInput[] = [visibleTo(actor)];
  const q = (search.text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  if (q) {
    const digits = q.replace(/\D/g, '');
    const or: Prisma.DealWhereInput[] = [
      { titleKey: { contains: dealTitleKey(q) } },
      { contact: { nameKey: { contains: q } } },
      { contact: { emails: { some: { email: { contains: q } } } } },
      { company: { nameKey: { contains: q } } },
      { contact: { company: { nameKey: { contains: q } } } },
    ];
    if (digits.length >= 5 && digits.length >= q.replace(/[\s()+-]/g, '').length) or.push({ contact: { phones: { some: { phone: { contains: digits } } } } });
    and.push({ OR: or });
  }
  if (search.minAmount !== undefined) and.push({ amount: { gte: search.minAmount } });
  if (search.maxAmount !== undefined) and.push({ amount: { lte: search.maxAmount } });
  if (search.status) and.push({ status: search.status });
  if (search.stage) {
    const pipeline = await defaultPipeline(ctx.db, actor.workspaceId);
    and.push({ stageId: matchStage(pipeline.stages, search.stage).id });
  }
  return ctx.db.deal.findMany({
    where: { AND: and },
    include: dealInclude,
    orderBy: [{ status: 'asc' }, { lastActivityAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(search.limit ?? 20, 1), 200),
  });
}
