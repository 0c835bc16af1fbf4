// Summaries of one lead or deal, from that record's own timeline only: the messages of its
// conversation and its activities (never another contact's, never the AI cards). The model
// writes 2-4 sentences; without a model, or when it fails, a deterministic summary is used.
// summarizeDeals gives one line per deal for the head-of-sales digest.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { t, formatDateTime, formatMoney, type Locale, type MessageKey } from '../i18n/index.js';
import { getLead } from '../leads/index.js';
import { getDeal } from '../deals/index.js';
import { askModel } from './ask.js';
import { summarySchema, dealLinesSchema } from './schemas.js';
import { untrustedText } from './untrusted-text.js';
import { guardOutput, guardSource, oneLine } from './output-guard.js';
import { AI_CARD } from './cards.js';
import { isDomainError } from '../errors.js';

interface TimelineItem {
  at: string;
  who: 'customer' | 'team' | 'crm';
  text: string;
}

export interface RecordTimeline {
  kind: 'lead' | 'deal';
  id: number;
  heading: Record<string, string | null>;
  items: TimelineItem[];
  inbound: number;
  outbound: number;
  status: string;
}

const ACTIVITY_TEXT_KEYS = ['text', 'reason', 'stage', 'from', 'to', 'title'];

function activityText(type: string, data: unknown): string {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const parts = ACTIVITY_TEXT_KEYS.filter((k) => typeof d[k] === 'string' || typeof d[k] === 'number').map((k) => `${k}: ${String(d[k])}`);
  return untrustedText([type, ...parts].join(' · '), 400);
}

async function conversationItems(
  ctx: CoreContext,
  conversationId: number | null | undefined,
  take = 30,
): Promise<{ items: TimelineItem[]; inbound: number; outbound: number }> {
  if (!conversationId) return { items: [], inbound: 0, outbound: 0 };
  const messages = await ctx.db.message.findMany({ where: { conversationId }, orderBy: { createdAt: 'desc' }, take });
  const items = messages.reverse().map((m) => ({
    at: m.createdAt.toISOString(),
    who: m.direction === 'inbound' ? ('customer' as const) : ('team' as const),
    text: untrustedText(m.displayText ?? m.text, 1500),
  }));
  return { items, inbound: messages.filter((m) => m.direction === 'inbound').length, outbound: messages.filter((m) => m.direction === 'outbound').length };
}

async function activityItems(ctx: CoreContext, where: { leadId?: number; dealId?: number }, workspaceId: number): Promise<TimelineItem[]> {
  const acts = await ctx.db.activity.findMany({ where: { workspaceId, ...where, type: { not: AI_CARD } }, orderBy: { createdAt: 'desc' }, take: 30 });
  return acts.reverse().map((a) => ({ at: a.createdAt.toISOString(), who: 'crm' as const, text: activityText(a.type, a.data) }));
}

/** This lead's own timeline; the actor must be allowed to see the lead. */
export async function leadTimeline(ctx: CoreContext, actor: Actor, leadId: number): Promise<RecordTimeline> {
  await getLead(ctx, actor, leadId);
  const lead = await ctx.db.lead.findUniqueOrThrow({ where: { id: leadId }, include: { contact: { select: { name: true } } } });
  const conv = await conversationItems(ctx, lead.conversationId);
  const acts = await activityItems(ctx, { leadId }, actor.workspaceId);
  return {
    kind: 'lead',
    id: leadId,
    heading: {
      customer: untrustedText(lead.contact.name, 120),
      title: untrustedText(lead.title, 200),
      source: lead.source,
      status: lead.status,
      created: lead.createdAt.toISOString(),
    },
    items: [...conv.items, ...acts].sort((a, b) => a.at.localeCompare(b.at)),
    inbound: conv.inbound,
    outbound: conv.outbound,
    status: t(actor.locale, `lead.status.${lead.status}` as MessageKey),
  };
}

/** This deal's own timeline (and its lead's conversation); the actor must be allowed to see the deal. */
export async function dealTimeline(ctx: CoreContext, actor: Actor, dealId: number): Promise<RecordTimeline> {
  const deal = await getDeal(ctx, actor, dealId);
  const lead = deal.leadId ? await ctx.db.lead.findUnique({ where: { id: deal.leadId }, select: { conversationId: true } }) : null;
  const conv = await conversationItems(ctx, lead?.conversationId);
  const acts = await activityItems(ctx, { dealId }, actor.workspaceId);
  return {
    kind: 'deal',
    id: dealId,
    heading: {
      title: untrustedText(deal.title, 200),
      stage: deal.stage.name,
      status: deal.status,
      amount: deal.amount ? `${deal.amount.toString()} ${deal.currency ?? ''}`.trim() : null,
      created: deal.createdAt.toISOString(),
    },
    items: [...conv.items, ...acts].sort((a, b) => a.at.localeCompare(b.at)),
    inbound: conv.inbound,
    outbound: conv.outbound,
    status: deal.status === 'open' ? deal.stage.name : t(actor.locale, `deal.status.${deal.status}` as MessageKey),
  };
}

const SUMMARY_INSTRUCTIONS = [
  'Summarise for a sales manager what has happened so far with one CRM record (field "record" and its "timeline").',
  'Write 2 to 4 short sentences in the language given by "language": who the customer is, what they want, what was done, what is pending.',
  'Mention only what the timeline shows.',
].join('\n');

/** Deterministic summary: status, message counts, the last thing said. */
export function fallbackSummary(locale: Locale, tl: RecordTimeline): string {
  if (tl.items.length === 0) return t(locale, 'ai.summary.fallback_empty');
  const lines = [t(locale, 'ai.summary.fallback_status', { status: tl.status, inbound: tl.inbound, outbound: tl.outbound })];
  const last = [...tl.items].reverse().find((i) => i.who !== 'crm') ?? tl.items[tl.items.length - 1]!;
  lines.push(t(locale, 'ai.summary.fallback_last', { text: oneLine(last.text, 200) }));
  return lines.join('\n');
}

/** The summary text for a timeline: the model's (guarded), else the deterministic one. */
export async function summarizeTimeline(ctx: CoreContext, actor: Actor, tl: RecordTimeline): Promise<{ text: string; byModel: boolean }> {
  const answer = await askModel(ctx.llm, {
    instructions: SUMMARY_INSTRUCTIONS,
    data: { language: actor.locale, record: { kind: tl.kind, ...tl.heading }, timeline: tl.items },
    schemaName: 'summary',
    schema: summarySchema,
    workspaceId: actor.workspaceId,
  });
  if (!answer) return { text: fallbackSummary(actor.locale, tl), byModel: false };
  const source = guardSource(...Object.values(tl.heading), ...tl.items.map((i) => i.text));
  return { text: guardOutput(answer.summary, source), byModel: true };
}

const DEAL_LINES_INSTRUCTIONS = [
  'For a head of sales, write one short line (at most 15 words) per deal in "deals": where it stands and what is next.',
  'Answer with the deal\'s "deal_id" and the line, in the language given by "language". Use only what each deal\'s own data shows.',
].join('\n');

/**
 * One line per deal for the head-of-sales digest (the digest calls this for its hot deals).
 * The actor must be allowed to see each deal; ones they cannot see are left out. Deals the
 * model gives no line for get a deterministic line (stage, amount, last activity).
 */
export async function summarizeDeals(ctx: CoreContext, actor: Actor, dealIds: number[]): Promise<Map<number, string>> {
  const lines = new Map<number, string>();
  const deals: Array<{ id: number; tl: RecordTimeline; fallback: string }> = [];
  for (const id of [...new Set(dealIds)].slice(0, 20)) {
    let tl: RecordTimeline;
    try {
      tl = await dealTimeline(ctx, actor, id);
    } catch (e) {
      // a deal the actor may not see (or that is gone) is left out; a database error is not
      if (isDomainError(e) && (e.code === 'forbidden' || e.code === 'not_found')) continue;
      throw e;
    }
    const deal = await ctx.db.deal.findUniqueOrThrow({ where: { id }, include: { stage: true } });
    const amount = deal.amount && deal.currency ? formatMoney(actor.locale, deal.amount.toString(), deal.currency) : '';
    const fallback = [deal.title, deal.stage.name, amount, formatDateTime(actor.locale, deal.lastActivityAt, actor.timezone)].filter(Boolean).join(' · ');
    deals.push({ id, tl: { ...tl, items: tl.items.slice(-8) }, fallback });
  }
  const answer = deals.length
    ? await askModel(ctx.llm, {
        instructions: DEAL_LINES_INSTRUCTIONS,
        data: { language: actor.locale, deals: deals.map((d) => ({ deal_id: d.id, ...d.tl.heading, timeline: d.tl.items })) },
        schemaName: 'deal_lines',
        schema: dealLinesSchema,
        workspaceId: actor.workspaceId,
      })
    : null;
  for (const d of deals) {
    const line = answer?.lines.find((l) => l.deal_id === d.id)?.line;
    const source = guardSource(...Object.values(d.tl.heading), ...d.tl.items.map((i) => i.text));
    lines.set(d.id, line ? oneLine(guardOutput(line, source), 200) : d.fallback);
  }
  return lines;
}
