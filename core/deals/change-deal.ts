// Changes to an existing deal: each writes an Activity and an AuditLog row (before/after)
// and bumps lastActivityAt.
import type { Deal, Prisma } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { assertCanActFor } from '../actor.js';
import { recordChange } from '../audit.js';
import { withTx, type CoreContext } from '../context.js';
import { inTx, type Tx } from '../db.js';
import { invalid } from '../errors.js';
import { loadActiveMember } from '../users/load-member.js';
import { dealTitleKey, resolveMoney } from './create-deal.js';
import { dealSnapshot, loadDeal } from './deal-access.js';
import { runStageRules } from '../automation/run-rules.js';

export interface DealChange {
  data: Prisma.DealUncheckedUpdateInput;
  activity?: Prisma.InputJsonObject;
  /** the Activity type when not deal.<action> */
  type?: string;
}

/** Loads the deal for the actor, applies the change and records it, in one transaction. */
export async function changeDeal(
  ctx: CoreContext,
  actor: Actor,
  id: number,
  action: string,
  change: (deal: Deal, tx: Tx) => Promise<DealChange | null> | DealChange | null,
): Promise<Deal> {
  return inTx(ctx.db, async (tx) => {
    const before = await loadDeal(tx, actor, id);
    const c = await change(before, tx);
    if (!c) return before;
    const deal = await tx.deal.update({ where: { id }, data: { ...c.data, lastActivityAt: ctx.clock.now() } });
    await recordChange(
      tx,
      actor,
      { type: c.type ?? `deal.${action}`, dealId: id, contactId: deal.contactId, leadId: deal.leadId, data: { title: deal.title, ...c.activity } },
      { action: `deal.${action}`, entity: 'deal', entityId: id, before: dealSnapshot(before), after: dealSnapshot(deal) },
    );
    // a deal entering a stage: that stage's automation rules, in this transaction
    if (deal.stageId !== before.stageId) await runStageRules(withTx(ctx, tx), deal);
    return deal;
  });
}

export async function renameDeal(ctx: CoreContext, actor: Actor, dealId: number, title: string): Promise<Deal> {
  const clean = title?.trim();
  if (!clean) throw invalid('invalid.deal_title_empty');
  return changeDeal(ctx, actor, dealId, 'renamed', (deal) =>
    deal.title === clean ? null : { data: { title: clean, titleKey: dealTitleKey(clean) }, activity: { from: deal.title, to: clean } },
  );
}

/** Sets the amount (exact decimal string or number); currency defaults to the deal's, then the workspace's. */
export async function setDealAmount(ctx: CoreContext, actor: Actor, dealId: number, amount: string | number, currency?: string | null): Promise<Deal> {
  return changeDeal(ctx, actor, dealId, 'amount_set', async (deal, tx) => {
    const money = await resolveMoney(tx, actor.workspaceId, amount, currency ?? deal.currency);
    return {
      data: { amount: money.amount, currency: money.currency },
      activity: {
        from: deal.amount === null ? null : `${deal.amount.toFixed(2)} ${deal.currency ?? ''}`.trim(),
        amount: money.amount?.toFixed(2) ?? null,
        currency: money.currency,
      },
    };
  });
}

/** Hands the deal to another team member (heads and admins). */
export async function reassignDeal(ctx: CoreContext, actor: Actor, dealId: number, userId: number): Promise<Deal> {
  return changeDeal(ctx, actor, dealId, 'reassigned', async (deal, tx) => {
    assertCanActFor(actor, userId);
    const user = await loadActiveMember(tx, actor.workspaceId, userId);
    if (deal.ownerId === userId) return null;
    return { data: { ownerId: userId }, activity: { fromUserId: deal.ownerId, toUserId: userId, toName: user.name } };
  });
}
