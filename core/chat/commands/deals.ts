// Deal commands: /deal N (from lead N) or /deal Acme 120000 RUB, /deals, /stage, /won, /lost.
import { t, formatMoney } from '../../i18n/index.js';
import type { Actor } from '../../actor.js';
import type { MessageKey } from '../../i18n/index.js';
import {
  createDeal,
  convertLeadToDeal,
  moveDealToStage,
  markDealWon,
  markDealLost,
  listDeals,
  getDeal,
  setDealAmount,
  type DealView,
} from '../../deals/index.js';
import { defaultPipeline } from '../../workspaces/default-pipeline.js';
import { getPipeline, listPipelines } from '../../pipelines/manage-pipelines.js';
import { dealPipelineButtons } from './pipelines.js';
import { dealArgs, parseDealPhrase } from '../../parse/deal-phrases.js';
import type { Turn } from '../turn.js';
import { reply, buttonRows, type Reply } from '../reply.js';
import { lookupDeal } from '../lookups.js';
import type { Command } from './command.js';
import { parseId, say, usage } from './command.js';
import { assignButtonRow } from './team.js';

export function stageLabel(actor: Actor, name: string): string {
  const key = `stage.${name}` as MessageKey;
  const text = t(actor.locale, key);
  return text === key ? name : text;
}

function amountText(actor: Actor, deal: { amount: { toString(): string } | null; currency: string | null }): string {
  return deal.amount !== null && deal.currency ? `, ${formatMoney(actor.locale, deal.amount.toString(), deal.currency)}` : '';
}

async function dealView(turn: Turn, actor: Actor, id: number): Promise<DealView> {
  return getDeal(turn.ctx, actor, id);
}

export async function dealCreatedReply(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  const d = await dealView(turn, actor, id);
  const text = t(actor.locale, 'chat.deal.created', { id: d.id, title: d.title, amount: amountText(actor, d), stage: stageLabel(actor, d.stage.name) });
  const assign = assignButtonRow(actor, 'deal', d.id);
  // several pipelines: which one (the deal starts in the default one; a tap moves it)
  const pipelines = await dealPipelineButtons(turn, actor, d);
  return pipelines ? [reply(`${text}\n${pipelines.text}`, [...pipelines.buttons, ...assign])] : [reply(text, assign)];
}

export async function dealFromLead(turn: Turn, actor: Actor, leadId: number, money: { amount?: string; currency?: string | null } = {}): Promise<Reply[]> {
  if (money.amount !== undefined) {
    // "/deal 12 1700000 RUB" after "/deal 12": the lead's deal gets the amount
    const existing = await turn.ctx.db.deal.findFirst({ where: { workspaceId: actor.workspaceId, leadId }, select: { id: true } });
    if (existing) return dealAmount(turn, actor, existing.id, money.amount, money.currency ?? null);
  }
  const deal = await convertLeadToDeal(turn.ctx, actor, leadId, money);
  return dealCreatedReply(turn, actor, deal.id);
}

/** "Acme 120000 RUB", "Ромашка 50 000 руб" -> title + money. */
export async function newDeal(turn: Turn, actor: Actor, title: string, amount?: string | null, currency?: string | null): Promise<Reply[]> {
  const deal = await createDeal(turn.ctx, actor, { title, amount: amount ?? null, currency: currency ?? null });
  return dealCreatedReply(turn, actor, deal.id);
}

/** Sets or changes a deal's amount; a currency of null keeps the deal's. */
export async function dealAmount(turn: Turn, actor: Actor, dealId: number, amount: string, currency: string | null): Promise<Reply[]> {
  const changed = await setDealAmount(turn.ctx, actor, dealId, amount, currency);
  const d = await dealView(turn, actor, changed.id);
  return say(actor, 'chat.deal.amount_set', { id: d.id, title: d.title, amount: amountText(actor, d).replace(/^, /, '') });
}

/** Buttons to pick one of several deals matching a name, each carrying the follow-up action. */
function chooseDeal(actor: Actor, query: string, deals: DealView[], action: (d: DealView) => string): Reply[] {
  const buttons = deals.map((d) => ({ label: `#${d.id} ${d.title}`.slice(0, 40), data: action(d) }));
  return [reply(t(actor.locale, 'chat.deal.ambiguous', { query }), buttonRows(buttons, 1))];
}

/** The stages of the deal's own pipeline. */
async function pipelineOfDeal(turn: Turn, actor: Actor, dealId: number) {
  const deal = await turn.ctx.db.deal.findFirst({ where: { id: dealId, workspaceId: actor.workspaceId }, select: { pipelineId: true } });
  if (!deal) return defaultPipeline(turn.ctx.db, actor.workspaceId);
  return getPipeline(turn.ctx.db, actor.workspaceId, deal.pipelineId);
}

export async function stageButtons(turn: Turn, actor: Actor, deal: DealView): Promise<Reply[]> {
  const pipeline = await pipelineOfDeal(turn, actor, deal.id);
  const buttons = pipeline.stages
    .filter((s) => s.id !== deal.stageId)
    .map((s) => ({ label: stageLabel(actor, s.name), data: `deal:stage:${deal.id}:${s.name}`.slice(0, 64) }));
  return [reply(t(actor.locale, 'chat.deal.choose_stage', { id: deal.id, title: deal.title }), buttonRows(buttons, 2))];
}

export async function moveDeal(turn: Turn, actor: Actor, dealId: number, stage: string): Promise<Reply[]> {
  const pipeline = await pipelineOfDeal(turn, actor, dealId);
  const target = pipeline.stages.find((s) => s.name.toLowerCase() === stage.toLowerCase());
  if (target?.kind === 'won') return wonDeal(turn, actor, dealId);
  if (target?.kind === 'lost') return usage(actor, `/lost ${dealId} REASON`);
  const moved = await moveDealToStage(turn.ctx, actor, dealId, stage);
  const d = await dealView(turn, actor, moved.id);
  return say(actor, 'chat.deal.moved', { id: d.id, title: d.title, stage: stageLabel(actor, d.stage.name) });
}

export async function wonDeal(turn: Turn, actor: Actor, dealId: number): Promise<Reply[]> {
  const won = await markDealWon(turn.ctx, actor, dealId);
  const d = await dealView(turn, actor, won.id);
  return say(actor, 'chat.deal.won', { id: d.id, title: d.title, amount: amountText(actor, d) });
}

export async function lostDeal(turn: Turn, actor: Actor, dealId: number, reason: string): Promise<Reply[]> {
  const lost = await markDealLost(turn.ctx, actor, dealId, reason);
  const d = await dealView(turn, actor, lost.id);
  return say(actor, 'chat.deal.lost', { id: d.id, title: d.title, reason });
}

/** Resolves a deal by number or name, then runs `then`; asks with buttons when several match. */
export async function withDeal(
  turn: Turn,
  actor: Actor,
  query: string,
  choiceData: (d: DealView) => string,
  then: (deal: DealView) => Promise<Reply[]>,
): Promise<Reply[]> {
  const found = await lookupDeal(turn.ctx, actor, query);
  if (found.kind === 'none') return say(actor, 'chat.deal.not_found', { query });
  if (found.kind === 'many') return chooseDeal(actor, query, found.deals, choiceData);
  return then(found.deal);
}

export async function dealList(turn: Turn, actor: Actor): Promise<Reply[]> {
  const deals = await listDeals(turn.ctx, actor, { status: 'open', limit: 30 });
  if (deals.length === 0) return say(actor, 'chat.deals.empty');
  const lines = deals.map((d) =>
    t(actor.locale, 'chat.deals.line', { id: d.id, title: d.title, stage: stageLabel(actor, d.stage.name), amount: amountText(actor, d) }),
  );
  return [reply([t(actor.locale, 'chat.deals.title', { count: deals.length }), ...lines].join('\n'))];
}

/** Splits "Big Acme deal negotiation" into deal "Big Acme deal" + stage "negotiation" when the tail is a stage. */
async function splitDealAndStage(turn: Turn, actor: Actor, args: string): Promise<{ deal: string; stage: string | null }> {
  // the stages of every pipeline: the deal's own pipeline decides when it moves
  const stages = (await listPipelines(turn.ctx.db, actor.workspaceId)).flatMap((p) => p.stages);
  const words = args.trim().split(/\s+/);
  if (words.length < 2) return { deal: args.trim(), stage: null };
  const tail = words[words.length - 1]!.toLowerCase();
  const hit = stages.find((s) =>
    [s.name, t('en', `stage.${s.name}` as MessageKey), t('ru', `stage.${s.name}` as MessageKey)].some(
      (n) => n.toLowerCase().startsWith(tail) && tail.length >= 3,
    ),
  );
  return hit ? { deal: words.slice(0, -1).join(' '), stage: hit.name } : { deal: args.trim(), stage: null };
}

export const dealCommands: Command[] = [
  {
    names: ['deal', 'сделка'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/deal N | /deal Acme 120000 RUB');
      const leadId = parseId(args);
      if (leadId !== null) return dealFromLead(turn, actor, leadId);
      // "/deal 12 1700000 RUB" (lead #12 with an amount), "/deal Acme 120 000 RUB"
      const parsed = dealArgs(args, null);
      if (parsed?.leadId !== undefined) return dealFromLead(turn, actor, parsed.leadId, { amount: parsed.amount, currency: parsed.currency });
      if (parsed) return newDeal(turn, actor, parsed.title, parsed.amount, parsed.currency);
      if (/^#?\d+$/.test(args.split(/\s+/)[0]!)) return usage(actor, '/deal N 120000 RUB | /deal Acme 120000 RUB');
      return newDeal(turn, actor, args);
    },
  },
  { names: ['deals', 'сделки'], run: async ({ turn, actor }) => dealList(turn, actor) },
  {
    names: ['amount', 'сумма'],
    run: async ({ turn, actor, args }) => {
      const intent = args ? parseDealPhrase(`/amount ${args}`, actor.locale === 'ru' ? 'RUB' : 'USD') : null;
      if (intent?.intent !== 'set_deal_amount') return usage(actor, '/amount DEAL 120000 RUB');
      return withDeal(
        turn,
        actor,
        intent.deal,
        (d) => `deal:amount:${d.id}:${intent.amount}:${intent.currency ?? ''}`,
        (d) => dealAmount(turn, actor, d.id, intent.amount, intent.currency),
      );
    },
  },
  {
    names: ['stage', 'этап'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/stage DEAL STAGE');
      const { deal, stage } = await splitDealAndStage(turn, actor, args);
      return withDeal(
        turn,
        actor,
        deal,
        (d) => (stage ? `deal:stage:${d.id}:${stage}` : `deal:stages:${d.id}`),
        (d) => (stage ? moveDeal(turn, actor, d.id, stage) : stageButtons(turn, actor, d)),
      );
    },
  },
  {
    names: ['won', 'выиграна', 'выиграли'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/won DEAL');
      return withDeal(
        turn,
        actor,
        args,
        (d) => `deal:won:${d.id}`,
        (d) => wonDeal(turn, actor, d.id),
      );
    },
  },
  {
    names: ['lost', 'проиграна', 'проиграли'],
    run: async ({ turn, actor, args }) => {
      // "/lost 5 too expensive", "/lost Acme: too expensive"
      const m = /^(#?\d+|[^:]+?)(?::|\s+-\s+|\s+)([\s\S]+)$/.exec(args.trim());
      const byId = /^#?(\d+)\s+([\s\S]+)$/.exec(args.trim());
      if (byId) return lostDeal(turn, actor, Number(byId[1]), byId[2]!.trim());
      if (!m) return usage(actor, '/lost DEAL REASON');
      const query = m[1]!.trim();
      const reason = m[2]!.trim();
      return withDeal(
        turn,
        actor,
        query,
        (d) => `deal:stages:${d.id}`,
        (d) => lostDeal(turn, actor, d.id, reason),
      );
    },
  },
];
