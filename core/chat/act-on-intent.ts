// Executes an Intent (what a manager's words mean, from the rule parser, a clarify button or
// an applied AI card) with the core use cases, as the manager who asked. A leaf of the chat
// engine: it imports use cases and command helpers, and nothing imports back into it from below.
import type { Actor } from '../actor.js';
import { t, formatDateTime } from '../i18n/index.js';
import type { Turn } from './turn.js';
import { reply, buttonRows, type Reply } from './reply.js';
import type { Intent, PartialTask } from '../parse/intent.js';
import { moveDeal, wonDeal, lostDeal, newDeal, withDeal, stageButtons, dealFromLead, dealAmount } from './commands/deals.js';
import { findMemberByName } from './lookups.js';
import { localParts } from '../time/zoned.js';
import { say } from './commands/command.js';
import { createTask } from '../tasks/index.js';
import { taskButtons } from './task-buttons.js';

export const CLARIFY_TTL_SECONDS = 24 * 3600;

/** Creates the task and answers with it and its buttons. */
export async function remindAbout(
  turn: Turn,
  actor: Actor,
  input: { title: string; dueAt: Date; rrule?: string | null; leadId?: number; dealId?: number; assigneeId?: number },
): Promise<Reply[]> {
  const task = await createTask(turn.ctx, actor, input);
  const due = formatDateTime(actor.locale, task.dueAt, actor.timezone);
  return [
    reply(
      t(actor.locale, task.rrule ? 'chat.task.created_recurring' : 'chat.task.created', { id: task.id, title: task.title, due }),
      taskButtons(actor, task.id),
    ),
  ];
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
