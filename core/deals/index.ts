// Deals: create, rename, amount, stage moves, won/lost, reassign, reopen, lookups, lead conversion.
export { createDeal, dealTitleKey, type CreateDealInput } from './create-deal.js';
export { renameDeal, setDealAmount, reassignDeal } from './change-deal.js';
export { moveDealToStage, markDealWon, markDealLost, reopenDeal } from './deal-stage.js';
export { getDeal, listDeals, findDeals, type DealView, type ListDealsOptions } from './find-deals.js';
export { convertLeadToDeal, type ConvertLeadInput } from './convert-lead.js';
export { canSeeDeal } from './deal-access.js';
export { parseAmount, normalizeCurrency, isCurrency, defaultCurrency } from './money.js';
export { matchStage, stageNames } from './stage-match.js';
export { moveDealToPipeline, mapStage, type PipelineMove } from './deal-pipeline.js';
