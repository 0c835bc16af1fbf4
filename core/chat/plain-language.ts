// Plain language from a manager ("remind me tomorrow at 10 to call Ivan", "move Acme to
// negotiation", "сделка Ромашка 50 000 руб") through the IntentParser. A time that is
// missing or ambiguous is asked back with buttons; nothing is guessed silently.
import type { Actor } from '../actor.js';
import { t } from '../i18n/index.js';
import type { Turn } from './turn.js';
import { reply, buttonRows, type Reply } from './reply.js';
import type { Intent, PartialTask } from './parse/intent.js';
import { remindAbout } from './commands/tasks.js';
import { moveDeal, wonDeal, lostDeal, newDeal, withDeal, stageButtons, dealFromLead, dealAmount } from './commands/deals.js';
import { findMemberByName } from './lookups.js';
import { localParts } from '../tasks/local-time.js';
import { say } from './commands/command.js';
import { handOffUnknownText } from '../ai/chat-actions.js';

export const CLARIFY_TTL_SECONDS = 24 * 3600;

export async function handlePlainText(turn: Turn, actor: Actor, text: string, opts: { onlyTasks?: boolean } = {}): Promise<Reply[]> {
  const parser = turn.deps.parser;
  if (!parser) return say(actor, 'chat.not_understood');
  const intent = await parser.parse(text, { now: turn.now, timezone: actor.timezone, locale: actor.locale });
  if (opts.onlyTasks && intent.intent !== 'create_task' && intent.intent !== 'clarify') return say(actor, 'chat.not_understood');
  if (intent.intent === 'unknown') return (await handOffUnknownText(turn, actor, text)) ?? say(actor, 'chat.not_understood');
  return actOnIntent(turn, actor, intent);
}

async function assigneeFor(turn: Turn, actor: Actor, name: string | undefined): Promise<number | undefined | null> {
  if (!name) return undefined;
  const user = await findMemberByName(turn.ctx, actor, name);
  return user ? user.id : null;
}

export async function actOnIntent(turn: Turn, actor: Actor, intent: Intent): Promise<Reply[]> {
  switch (intent.intent) {
    case 'create_task': {
      const assigneeId = await assigneeFor(turn, actor, intent.assignee);
      if (assigneeId === null) return say(actor, 'chat.not_understood');
      return remindAbout(turn, actor, { title: intent.title, dueAt: new Date(intent.dueAt), rrule: intent.recurrence, assigneeId });
    }
    case 'create_deal':
      if (intent.leadId !== undefined) return dealFromLead(turn, actor, intent.leadId, { amount: intent.amount, currency: intent.currency });
      return newDeal(turn, actor, intent.title, intent.amount, intent.currency);
    case 'set_deal_amount':
      return withDeal(
        turn,
        actor,
        intent.deal,
        (d) => `deal:amount:${d.id}:${intent.amount}:${intent.currency ?? ''}`,
        (d) => dealAmount(turn, actor, d.id, intent.amount, intent.currency),
      );
    case 'move_deal':
      return withDeal(
        turn,
        actor,
        intent.deal,
        (d) => `deal:stage:${d.id}:${intent.stage}`,
        (d) => moveDeal(turn, actor, d.id, intent.stage),
      );
    case 'won_deal':
      return withDeal(
        turn,
        actor,
        intent.deal,
        (d) => `deal:won:${d.id}`,
        (d) => wonDeal(turn, actor, d.id),
      );
    case 'lost_deal':
      if (!intent.reason)
        return withDeal(
          turn,
          actor,
          intent.deal,
          (d) => `deal:stages:${d.id}`,
          (d) => stageButtons(turn, actor, d),
        );
      return withDeal(
        turn,
        actor,
        intent.deal,
        (d) => `deal:stages:${d.id}`,
        (d) => lostDeal(turn, actor, d.id, intent.reason!),
      );
    case 'clarify':
      return clarify(turn, actor, intent.question, intent.options, intent.partial);
    case 'unknown':
    default:
      return say(actor, 'chat.not_understood');
  }
}

async function clarify(turn: Turn, actor: Actor, question: string, options: Array<{ label: string; value: string }>, partial: PartialTask): Promise<Reply[]> {
  const store = turn.deps.clarify;
  if (!store || options.length === 0) return [reply(question)];
  const token = await store.put({ userId: actor.userId, partial, options }, CLARIFY_TTL_SECONDS);
  const buttons = options.map((o, i) => ({ label: o.label, data: `clarify:${token}:${i}` }));
  buttons.push({ label: t(actor.locale, 'chat.clarify.cancel'), data: `clarify:${token}:x` });
  return [reply(question, buttonRows(buttons, 2))];
}

/** Completes a clarified reminder: the chosen time, and the recurrence pinned to that time of day. */
export function completeClarifiedTask(partial: PartialTask, value: string, timezone: string): Intent {
  let recurrence = partial.recurrence;
  if (recurrence) {
    const local = localParts(new Date(value), timezone);
    recurrence = recurrence.replace(/;?BYHOUR=[^;]*|;?BYMINUTE=[^;]*/g, '') + `;BYHOUR=${local.hour};BYMINUTE=${local.minute}`;
  }
  return { intent: 'create_task', title: partial.title, dueAt: value, recurrence, ...(partial.assignee ? { assignee: partial.assignee } : {}) };
}
