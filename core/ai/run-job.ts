// What the ai queue's worker does with one job: run the model (or the deterministic path),
// keep any proposal server-side as a card, and push the card to the manager through the
// Outbox. Every job acts as a specific team member (the one who asked, or the lead's
// assignee) and reads only what that member may see.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import type { Outbox, Button } from '../ports.js';
import { t, type Locale } from '../i18n/index.js';
import { memberActor } from '../users/member-actor.js';
import { loadTeamRecipient } from '../outbound/recipient.js';
import { LlmIntentParser } from './llm-intent-parser.js';
import { MAX_ACTIONS_PER_CARD, type LeadExtraction } from './schemas.js';
import { createCard } from './cards.js';
import { extractLead } from './extract-lead.js';
import { leadTimeline, dealTimeline, summarizeTimeline } from './summarize.js';
import { draftReply } from './draft-reply.js';
import { NotYetVisibleError, type AiJob } from './jobs.js';
import { describeIntent } from '../parse/describe-intent.js';

export interface AiEnv {
  ctx: CoreContext;
  outbox: Outbox;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export type AiJobOutcome = 'sent' | 'nothing' | 'no_recipient';

/** The team member a job acts as, with where to reach them; null when gone or unreachable. */
async function member(ctx: CoreContext, workspaceId: number, userId: number): Promise<{ actor: Actor; identityId: number } | null> {
  const user = await ctx.db.user.findFirst({ where: { id: userId, workspaceId, active: true }, include: { workspace: true } });
  if (!user) return null;
  const to = await loadTeamRecipient(ctx, userId);
  if (!to?.identityId) return null;
  const identity = await ctx.db.identity.findUnique({ where: { id: to.identityId }, select: { languageCode: true } });
  return { actor: memberActor(user.workspace, user, identity), identityId: to.identityId };
}

export function extractionLines(locale: Locale, leadId: number, x: LeadExtraction): string {
  const lines = [t(locale, 'ai.extract.title', { leadId })];
  for (const f of ['name', 'company', 'phone', 'email', 'need', 'budget'] as const) if (x[f]) lines.push(t(locale, `ai.extract.${f}`, { value: x[f] }));
  if (x.urgency) lines.push(t(locale, 'ai.extract.urgency', { value: t(locale, `ai.urgency.${x.urgency}`) }));
  return lines.join('\n');
}

export function draftButtonRow(locale: Locale, leadId: number): Button[] {
  return [{ label: t(locale, 'ai.button.draft'), data: `ai:draft:${leadId}` }];
}

async function proposeIntents(env: AiEnv, job: Extract<AiJob, { kind: 'intents' }>): Promise<AiJobOutcome> {
  const { ctx } = env;
  const who = await member(ctx, job.workspaceId, job.userId);
  if (!who) return 'no_recipient';
  const { actor, identityId } = who;
  const intents = await new LlmIntentParser(ctx.llm, job.workspaceId).parseMany(job.text, {
    now: new Date(job.atMs),
    timezone: actor.timezone,
    locale: actor.locale,
  });
  if (!intents || intents.length === 0) {
    await env.outbox.enqueue({
      workspaceId: job.workspaceId,
      identityId,
      text: t(actor.locale, 'ai.not_understood'),
      ref: { userId: actor.userId },
      dedupeKey: `ai:${job.key}`,
    });
    return 'nothing';
  }
  const kept = intents.slice(0, MAX_ACTIONS_PER_CARD);
  const token = await createCard(ctx.db, job.workspaceId, actor.userId, { kind: 'intents', intents: kept }, ctx.clock.now());
  const lines = [
    t(actor.locale, 'ai.proposal.title'),
    ...kept.map((i, n) => t(actor.locale, 'ai.proposal.line', { n: n + 1, action: describeIntent(actor.locale, actor.timezone, i) })),
  ];
  await env.outbox.enqueue({
    workspaceId: job.workspaceId,
    identityId,
    text: lines.join('\n'),
    buttons: [
      [
        { label: t(actor.locale, 'ai.button.apply'), data: `ai:apply:${token}` },
        { label: t(actor.locale, 'ai.button.edit'), data: `ai:edit:${token}` },
        { label: t(actor.locale, 'ai.button.cancel'), data: `ai:cancel:${token}` },
      ],
    ],
    ref: { userId: actor.userId },
    dedupeKey: `ai:${job.key}`,
  });
  return 'sent';
}

async function extractionCard(env: AiEnv, job: Extract<AiJob, { kind: 'extract' }>): Promise<AiJobOutcome> {
  const { ctx } = env;
  const lead = await ctx.db.lead.findFirst({ where: { id: job.leadId, workspaceId: job.workspaceId } });
  if (!lead) throw new NotYetVisibleError(`lead ${job.leadId}`);
  if (!lead.assigneeId) return 'no_recipient';
  const who = await member(ctx, job.workspaceId, lead.assigneeId);
  if (!who) return 'no_recipient';
  const found = await extractLead(ctx, job.workspaceId, job.leadId);
  if (!found) return 'nothing';
  const { actor, identityId } = who;
  const token = await createCard(ctx.db, job.workspaceId, actor.userId, { kind: 'extract', leadId: job.leadId, fields: found.fields }, ctx.clock.now(), {
    leadId: job.leadId,
    contactId: lead.contactId,
  });
  await env.outbox.enqueue({
    workspaceId: job.workspaceId,
    identityId,
    text: extractionLines(actor.locale, job.leadId, found.fields),
    buttons: [[{ label: t(actor.locale, 'ai.button.extract'), data: `ai:extract:${token}` }], draftButtonRow(actor.locale, job.leadId)],
    ref: { userId: actor.userId, leadId: job.leadId, conversationId: lead.conversationId ?? undefined },
    dedupeKey: `ai:extract:${job.workspaceId}:${job.leadId}`,
  });
  return 'sent';
}

async function summaryMessage(env: AiEnv, job: Extract<AiJob, { kind: 'summary' }>): Promise<AiJobOutcome> {
  const { ctx } = env;
  const who = await member(ctx, job.workspaceId, job.userId);
  if (!who) return 'no_recipient';
  const { actor, identityId } = who;
  let head: string;
  let tl;
  if (job.dealId) {
    tl = await dealTimeline(ctx, actor, job.dealId);
    head = t(actor.locale, 'ai.summary.deal', { id: job.dealId, title: tl.heading.title ?? '' });
  } else if (job.leadId) {
    tl = await leadTimeline(ctx, actor, job.leadId);
    head = t(actor.locale, job.reason === 'reassigned' ? 'ai.summary.reassigned' : 'ai.summary.lead', { id: job.leadId, name: tl.heading.customer ?? '' });
  } else return 'nothing';
  const { text } = await summarizeTimeline(ctx, actor, tl);
  await env.outbox.enqueue({
    workspaceId: job.workspaceId,
    identityId,
    text: `${head}\n${text}`,
    ref: { userId: actor.userId, leadId: job.leadId, dealId: job.dealId },
    dedupeKey: `ai:${job.key}`,
  });
  return 'sent';
}

/** The draft card: replying to it relays (ref carries the conversation); "Send as is" is a tap. */
export async function draftCard(ctx: CoreContext, actor: Actor, leadId: number) {
  const draft = await draftReply(ctx, actor, leadId);
  const token = await createCard(ctx.db, actor.workspaceId, actor.userId, { kind: 'draft', leadId, text: draft.text }, ctx.clock.now(), {
    leadId,
    contactId: draft.contactId,
  });
  return {
    text: `${t(actor.locale, 'ai.draft.title', { id: leadId, name: draft.customerName })}\n\n${draft.text}`,
    buttons: [[{ label: t(actor.locale, 'ai.button.send_draft'), data: `ai:send:${token}` }]],
    conversationId: draft.conversationId,
  };
}

async function draftMessage(env: AiEnv, job: Extract<AiJob, { kind: 'draft' }>): Promise<AiJobOutcome> {
  const who = await member(env.ctx, job.workspaceId, job.userId);
  if (!who) return 'no_recipient';
  const card = await draftCard(env.ctx, who.actor, job.leadId);
  await env.outbox.enqueue({
    workspaceId: job.workspaceId,
    identityId: who.identityId,
    text: card.text,
    buttons: card.buttons,
    ref: { userId: who.actor.userId, leadId: job.leadId, conversationId: card.conversationId ?? undefined },
    dedupeKey: `ai:${job.key}`,
  });
  return 'sent';
}

export async function runAiJob(env: AiEnv, job: AiJob): Promise<AiJobOutcome> {
  switch (job.kind) {
    case 'intents':
      return proposeIntents(env, job);
    case 'extract':
      return extractionCard(env, job);
    case 'summary':
      return summaryMessage(env, job);
    case 'draft':
      return draftMessage(env, job);
  }
}
