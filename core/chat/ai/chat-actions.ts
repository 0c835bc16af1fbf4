// The chat side of AI assist: whether it is on for a turn, the plain-language fallback that
// hands unknown text to the ai queue, and the ai:* buttons. Button data:
// ai:apply|edit|cancel:<token> (intents card), ai:extract:<token> (extraction card),
// ai:send:<token> (draft card), ai:draft:<leadId> (ask for a draft).
// Apply runs each proposed intent through the engine's normal path (actOnIntent -> core use
// cases) as the manager who taps: their permissions, their deals, nothing for anyone else.
import type { Actor } from '../../actor.js';
import { t } from '../../i18n/index.js';
import type { Turn } from '../turn.js';
import { push } from '../turn.js';
import { reply, type Reply } from '../reply.js';
import { say } from '../commands/command.js';
import { actOnIntent } from '../act-on-intent.js';
import { relayToLead } from '../relay.js';
import { getLead } from '../../leads/index.js';
import { consumeCard } from '../../ai/cards.js';
import { applyExtraction } from '../../ai/apply-extraction.js';
import { draftCard } from '../../ai/run-job.js';
import { MAX_ACTIONS_PER_CARD } from '../../ai/schemas.js';
import type { AiJob } from '../../ai/jobs.js';

/** AI assist is on for this turn: a model is configured and the ai queue is wired. */
export function aiOn(turn: Turn): boolean {
  return Boolean(turn.deps.ai && turn.ctx.llm);
}

/** A key unique to this turn's message, for job and outbox dedupe. */
export function turnKey(turn: Turn, what: string): string {
  return `${what}:${turn.message.dedupeKey}`.slice(0, 200);
}

/**
 * The plain-language fallback: text the rules did not understand goes to the model, off the
 * hot path. Returns the "thinking" reply, or null when AI assist is off (the caller says
 * "not understood" as before).
 */
export async function handOffUnknownText(turn: Turn, actor: Actor, text: string): Promise<Reply[] | null> {
  if (!aiOn(turn) || actor.userId === 0) return null;
  await turn.deps.ai!.enqueue({
    kind: 'intents',
    workspaceId: actor.workspaceId,
    userId: actor.userId,
    text: text.slice(0, 4000),
    atMs: turn.now.getTime(),
    key: turnKey(turn, 'intents'),
  });
  return say(actor, 'ai.thinking');
}

/** Asks the ai queue for something; false when AI assist is off. */
export async function enqueueAi(turn: Turn, job: AiJob): Promise<boolean> {
  if (!aiOn(turn)) return false;
  await turn.deps.ai!.enqueue(job);
  return true;
}

export async function aiAction(turn: Turn, actor: Actor, verb: string, token: string): Promise<Reply[]> {
  const db = turn.ctx.db;
  const ws = actor.workspaceId;
  switch (verb) {
    case 'apply': {
      const card = await consumeCard(db, ws, actor.userId, token, turn.now);
      if (!card || card.kind !== 'intents') return say(actor, 'ai.card.expired');
      const replies: Reply[] = [];
      for (const intent of card.intents.slice(0, MAX_ACTIONS_PER_CARD)) replies.push(...(await actOnIntent(turn, actor, intent)));
      return replies.length ? replies : say(actor, 'ai.proposal.applied');
    }
    case 'cancel': {
      const card = await consumeCard(db, ws, actor.userId, token, turn.now, 'cancelled');
      return card ? say(actor, 'ai.proposal.cancelled') : say(actor, 'ai.card.expired');
    }
    case 'edit': {
      const card = await consumeCard(db, ws, actor.userId, token, turn.now, 'cancelled');
      return card ? say(actor, 'ai.proposal.edit') : say(actor, 'ai.card.expired');
    }
    case 'extract': {
      const card = await consumeCard(db, ws, actor.userId, token, turn.now);
      if (!card || card.kind !== 'extract') return say(actor, 'ai.card.expired');
      const applied = await applyExtraction(turn.ctx, actor, card.leadId, card.fields);
      if (applied.length === 0) return say(actor, 'ai.extract.nothing', { leadId: card.leadId });
      return say(actor, 'ai.extract.applied', { leadId: card.leadId, fields: applied.map((f) => t(actor.locale, `ai.field.${f}`)).join(', ') });
    }
    case 'send': {
      const card = await consumeCard(db, ws, actor.userId, token, turn.now);
      if (!card || card.kind !== 'draft') return say(actor, 'ai.card.expired');
      return [await relayToLead(turn, actor, card.leadId, card.text)];
    }
    case 'draft': {
      const leadId = Number(token);
      if (!Number.isInteger(leadId) || leadId <= 0) return say(actor, 'chat.customer.button_ignored');
      return draftFor(turn, actor, leadId);
    }
  }
  return say(actor, 'chat.customer.button_ignored');
}

/** /draft N and the "Draft reply" button: queued when the model is on, the template at once when not. */
export async function draftFor(turn: Turn, actor: Actor, leadId: number): Promise<Reply[]> {
  await getLead(turn.ctx, actor, leadId);
  if (await enqueueAi(turn, { kind: 'draft', workspaceId: actor.workspaceId, userId: actor.userId, leadId, key: turnKey(turn, `draft:${leadId}`) }))
    return say(actor, 'ai.draft.queued');
  const card = await draftCard(turn.ctx, actor, leadId);
  if (!turn.speakerIdentityId) return [reply(card.text, card.buttons)];
  // pushed (not a plain reply) so that replying to it relays to the customer
  push(turn, {
    identityId: turn.speakerIdentityId,
    text: card.text,
    buttons: card.buttons,
    ref: { userId: actor.userId, leadId, conversationId: card.conversationId ?? undefined },
  });
  return [];
}
