// Who may see and change a deal: its owner; heads and admins every deal of the workspace.
import type { Deal } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { assertCanAccess, seesWholeTeam } from '../actor.js';
import type { DbOrTx } from '../db.js';
import { conflict, notFound } from '../errors.js';
import { t } from '../i18n/index.js';

export function canSeeDeal(actor: Actor, deal: Pick<Deal, 'ownerId'>): boolean {
  return seesWholeTeam(actor) || deal.ownerId === actor.userId;
}

/** The deal, checked against the actor; another workspace's deal is "not found". */
export async function loadDeal(db: DbOrTx, actor: Actor, id: number): Promise<Deal> {
  const deal = await db.deal.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!deal) throw notFound('what.deal', { id });
  assertCanAccess(actor, deal.ownerId, 'what.deal', id);
  return deal;
}

export function assertDealOpen(deal: Pick<Deal, 'id' | 'status'>, actor: Pick<Actor, 'locale'>): void {
  if (deal.status !== 'open') throw conflict('invalid.deal_closed', { id: deal.id, status: t(actor.locale, `deal.status.${deal.status}`) });
}

/** The fields an audit row keeps for a deal. */
export function dealSnapshot(deal: Deal) {
  return {
    title: deal.title,
    amount: deal.amount === null ? null : deal.amount.toFixed(2),
    currency: deal.currency,
    stageId: deal.stageId,
    status: deal.status,
    lostReason: deal.lostReason,
    ownerId: deal.ownerId,
    contactId: deal.contactId,
    companyId: deal.companyId,
    expectedCloseAt: deal.expectedCloseAt,
    closedAt: deal.closedAt,
  };
}
