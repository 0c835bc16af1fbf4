// Create a deal in the default pipeline (stage New unless given), owned by the actor unless
// a head/admin names another owner. Amounts are exact decimals with an ISO 4217 currency.
import type { Deal } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { assertCanActFor, isSystemActor } from '../actor.js';
import { recordChange } from '../audit.js';
import { withTx, type CoreContext } from '../context.js';
import { inTx, type Tx } from '../db.js';
import { forbidden, invalid, notFound } from '../errors.js';
import { loadActiveMember } from '../users/load-member.js';
import { canSeeLead } from '../leads/lead-access.js';
import { defaultPipeline } from '../workspaces/default-pipeline.js';
import { dealSnapshot } from './deal-access.js';
import { defaultCurrency, normalizeCurrency, parseAmount } from './money.js';
import { matchStage } from './stage-match.js';
import { runStageRules } from '../automation/run-rules.js';

export interface CreateDealInput {
  title: string;
  amount?: string | number | null;
  currency?: string | null;
  contactId?: number | null;
  companyId?: number | null;
  /** defaults to the actor; managers may only create deals for themselves */
  ownerId?: number | null;
  /** stage name in any form matchStage accepts; defaults to the first stage (New) */
  stageName?: string | null;
  leadId?: number | null;
  expectedCloseAt?: Date | null;
  /** a pipeline of the workspace; defaults to the default pipeline */
  pipelineId?: number | null;
}

export function dealTitleKey(title: string): string {
  return title.trim().toLocaleLowerCase('ru').replace(/\s+/g, ' ');
}

/** Amount and currency from user input: the workspace default currency when only an amount is given. */
export async function resolveMoney(tx: Tx, workspaceId: number, amount: string | number | null | undefined, currency: string | null | undefined) {
  const hasAmount = amount !== undefined && amount !== null && String(amount).trim() !== '';
  const value = hasAmount ? parseAmount(amount) : null;
  let code = currency?.trim() ? normalizeCurrency(currency) : null;
  if (value && !code) {
    const ws = await tx.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { locale: true } });
    code = defaultCurrency(ws.locale);
  }
  return { amount: value, currency: code };
}

async function pipelineOf(tx: Tx, workspaceId: number, id: number) {
  const found = await tx.pipeline.findFirst({ where: { id, workspaceId }, include: { stages: { orderBy: { position: 'asc' } } } });
  if (!found) throw notFound('what.pipeline', { id });
  return found;
}

export async function createDealInTx(tx: Tx, ctx: CoreContext, actor: Actor, input: CreateDealInput): Promise<Deal> {
  const title = input.title?.trim();
  if (!title) throw invalid('invalid.deal_title_empty');
  const ownerId = input.ownerId ?? (isSystemActor(actor) ? null : actor.userId);
  if (!ownerId) throw invalid('invalid.deal_owner_required');
  assertCanActFor(actor, ownerId);
  await loadActiveMember(tx, actor.workspaceId, ownerId);
  const money = await resolveMoney(tx, actor.workspaceId, input.amount, input.currency);

  const pipeline = input.pipelineId ? await pipelineOf(tx, actor.workspaceId, input.pipelineId) : await defaultPipeline(tx, actor.workspaceId);
  const stage = input.stageName?.trim() ? matchStage(pipeline.stages, input.stageName) : pipeline.stages[0];
  if (!stage) throw notFound('what.stage', { name: input.stageName ?? '' });

  let companyId = input.companyId ?? null;
  if (input.contactId) {
    const contact = await tx.contact.findFirst({ where: { id: input.contactId, workspaceId: actor.workspaceId } });
    if (!contact) throw notFound('what.contact', { id: input.contactId });
    companyId ??= contact.companyId;
  }
  if (input.companyId) {
    const company = await tx.company.findFirst({ where: { id: input.companyId, workspaceId: actor.workspaceId }, select: { id: true } });
    if (!company) throw notFound('what.company', { id: input.companyId });
  }
  if (input.leadId) {
    const lead = await tx.lead.findFirst({ where: { id: input.leadId, workspaceId: actor.workspaceId }, include: { deal: { select: { id: true } } } });
    if (!lead) throw notFound('what.lead', { id: input.leadId });
    if (!canSeeLead(actor, lead)) throw forbidden('what.lead', { id: input.leadId });
    if (lead.deal) throw invalid('invalid.lead_has_deal', { id: input.leadId, dealId: lead.deal.id });
  }

  const now = ctx.clock.now();
  const closed = stage.kind !== 'open';
  const deal = await tx.deal.create({
    data: {
      workspaceId: actor.workspaceId,
      pipelineId: pipeline.id,
      stageId: stage.id,
      title,
      titleKey: dealTitleKey(title),
      amount: money.amount,
      currency: money.currency,
      status: stage.kind,
      closedAt: closed ? now : null,
      ownerId,
      contactId: input.contactId ?? null,
      companyId,
      leadId: input.leadId ?? null,
      expectedCloseAt: input.expectedCloseAt ?? null,
      lastActivityAt: now,
    },
  });
  await recordChange(
    tx,
    actor,
    {
      type: 'deal.created',
      dealId: deal.id,
      contactId: deal.contactId,
      leadId: deal.leadId,
      data: { title, amount: money.amount?.toFixed(2) ?? null, currency: money.currency, stage: stage.name },
    },
    { action: 'deal.create', entity: 'deal', entityId: deal.id, after: dealSnapshot(deal) },
  );
  await runStageRules(withTx(ctx, tx), deal);
  return deal;
}

export async function createDeal(ctx: CoreContext, actor: Actor, input: CreateDealInput): Promise<Deal> {
  return inTx(ctx.db, (tx) => createDealInTx(tx, ctx, actor, input));
}
