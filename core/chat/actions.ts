// Button presses. Data is "<area>:<verb>:<id>[:<arg>]" (under Telegram's 64 bytes):
// lead:reply|take|deal|junk|remind|show:N[:offset], task:done:N, task:snooze:N:15m|1h|tomorrow,
// sla:reassign:N, sla:remind:N:10m, deal:stage:N:Stage, deal:stages:N, deal:won:N, deal:amount:N:AMOUNT:CUR,
// lead:assign:N[:TO], deal:assign:N[:TO], team:* (commands/team.ts),
// deal:pipe:N[:P], deal:pstage:N:S, pl:… (commands/pipelines.ts), rule:… (commands/rules.ts),
// clarify:TOKEN:INDEX|x, hist:<c|l|d>[n]:N:PAGE, merge:do|keep|undo:N, mail:seg|to|pick|send|cancel:M[:arg]
// (commands/mailings.ts), set:menu:all, set:ask:KEY, set:v:KEY:VALUE (workspace settings),
// miniapp:link:0 (a signed web-view link).
// Every action checks the presser's permissions like the command would.
import type { Actor } from '../actor.js';
import { assertCanAccess, seesWholeTeam, systemActor } from '../actor.js';
import { t } from '../i18n/index.js';
import { forbidden, notFound } from '../errors.js';
import { assignLead, pickRoundRobinAssignee } from '../leads/index.js';
import { loadTeamRecipient } from '../outbound/recipient.js';
import type { Turn } from './turn.js';
import { push } from './turn.js';
import { reply, type Reply } from './reply.js';
import { take, junk, leadCard } from './commands/leads.js';
import { dealFromLead, moveDeal, wonDeal, stageButtons, dealAmount } from './commands/deals.js';
import { doneTask, snooze } from './commands/tasks.js';
import { getDeal } from '../deals/index.js';
import { parseOffset } from './durations.js';
import { actOnIntent, completeClarifiedTask, remindAbout } from './act-on-intent.js';
import { say, usage } from './commands/command.js';
import { leadButtons } from './notify.js';
import { aiAction, enqueueAi, turnKey } from './ai/chat-actions.js';
import { historyAction } from './commands/history.js';
import { mergeAction } from './merge-offer.js';
import { settingsAction } from './commands/workspace-settings.js';
import { assignDealTo, assignLeadTo, teamAction } from './commands/team.js';
import { dealPipelineAction, pipelineAction } from './commands/pipelines.js';
import { ruleAction } from './commands/rules.js';
import { mailingAction } from './commands/mailings.js';
import { VALUE_ACTION_AREAS, valueAction } from './commands/value.js';
import { webViewLinkReply } from '../miniapp/web-link.js';

export function parseActionData(data: string): { area: string; verb: string; id: string; arg?: string } | null {
  const [area, verb, id, ...rest] = data.split(':');
  if (!area || !verb || !id) return null;
  return { area, verb, id, arg: rest.length ? rest.join(':') : undefined };
}

async function loadLead(turn: Turn, actor: Actor, id: number) {
  const lead = await turn.ctx.db.lead.findFirst({ where: { id, workspaceId: actor.workspaceId }, include: { contact: true } });
  if (!lead) throw notFound('what.lead', { id });
  return lead;
}

async function leadAction(turn: Turn, actor: Actor, verb: string, id: number, arg?: string): Promise<Reply[]> {
  switch (verb) {
    case 'take':
      return take(turn, actor, id);
    case 'junk':
      return junk(turn, actor, id);
    case 'deal':
      return dealFromLead(turn, actor, id);
    case 'show':
      return leadCard(turn, actor, id);
    case 'assign':
      return assignLeadTo(turn, actor, id, arg);
    case 'reply': {
      const lead = await loadLead(turn, actor, id);
      assertCanAccess(actor, lead.assigneeId, 'what.lead', id);
      if (!lead.conversationId || !turn.speakerIdentityId) return say(actor, 'chat.relay.no_conversation', { id });
      // the prompt is a pushed message tied to the conversation: replying to it relays
      push(turn, {
        identityId: turn.speakerIdentityId,
        text: t(actor.locale, 'chat.relay.reply_prompt', { name: lead.contact.name, leadId: id }),
        asksForReply: true,
        ref: { userId: actor.userId, conversationId: lead.conversationId, leadId: id },
      });
      return [];
    }
    case 'remind': {
      const lead = await loadLead(turn, actor, id);
      assertCanAccess(actor, lead.assigneeId, 'what.lead', id);
      if (!arg) {
        return [
          reply(t(actor.locale, 'chat.lead.remind_ask', { id }), [
            [
              { label: t(actor.locale, 'chat.button.remind_30m'), data: `lead:remind:${id}:30m` },
              { label: t(actor.locale, 'chat.button.remind_2h'), data: `lead:remind:${id}:2h` },
            ],
            [{ label: t(actor.locale, 'chat.button.remind_tomorrow'), data: `lead:remind:${id}:tomorrow` }],
          ]),
        ];
      }
      const due = parseOffset(arg, turn.now, actor.timezone);
      if (!due) return say(actor, 'chat.task.bad_duration', { value: arg });
      return remindAbout(turn, actor, { title: t(actor.locale, 'chat.lead.remind_title', { id, name: lead.contact.name }), dueAt: due, leadId: id });
    }
  }
  return say(actor, 'chat.customer.button_ignored');
}

async function slaAction(turn: Turn, actor: Actor, verb: string, id: number, arg?: string): Promise<Reply[]> {
  const lead = await loadLead(turn, actor, id);
  if (verb === 'remind') {
    const due = parseOffset(arg ?? '10m', turn.now, actor.timezone);
    if (!due) return say(actor, 'chat.task.bad_duration', { value: arg ?? '' });
    assertCanAccess(actor, lead.assigneeId, 'what.lead', id);
    return remindAbout(turn, actor, { title: t(actor.locale, 'chat.lead.remind_title', { id, name: lead.contact.name }), dueAt: due, leadId: id });
  }
  if (verb === 'reassign') {
    // the lead's owner may hand it on, heads and admins may move any; Leadline does the assigning
    if (lead.assigneeId !== actor.userId && !seesWholeTeam(actor)) throw forbidden('what.lead', { id });
    // the round robin's next on-duty manager (else head or admin) other than the current assignee
    const next = await pickRoundRobinAssignee(turn.ctx, actor.workspaceId, lead.assigneeId);
    if (!next) return say(actor, 'invalid.no_one_else_on_duty');
    await assignLead(turn.ctx, seesWholeTeam(actor) ? actor : systemActor(turn.workspace), id, next.id);
    const to = await loadTeamRecipient(turn.ctx, next.id);
    if (to?.identityId) {
      push(turn, {
        identityId: to.identityId,
        text: t(to.locale, 'chat.lead.you_got', { id, name: lead.contact.name }) + (lead.firstMessage ? `\n\n${lead.firstMessage}` : ''),
        buttons: leadButtons(to.locale, id),
        ref: { userId: to.userId, leadId: id, conversationId: lead.conversationId ?? undefined },
      });
    }
    await enqueueAi(turn, {
      kind: 'summary',
      workspaceId: actor.workspaceId,
      userId: next.id,
      leadId: id,
      reason: 'reassigned',
      key: turnKey(turn, `reassigned:${id}`),
    });
    return say(actor, 'chat.lead.reassigned', { id, name: next.name });
  }
  return say(actor, 'chat.customer.button_ignored');
}

async function dealAction(turn: Turn, actor: Actor, verb: string, id: number, arg?: string): Promise<Reply[]> {
  switch (verb) {
    case 'stage':
      return arg ? moveDeal(turn, actor, id, arg) : stageButtons(turn, actor, await getDeal(turn.ctx, actor, id));
    case 'stages':
      return stageButtons(turn, actor, await getDeal(turn.ctx, actor, id));
    case 'won':
      return wonDeal(turn, actor, id);
    case 'amount': {
      // deal:amount:N:1700000:RUB (currency empty = keep the deal's)
      const [amount, currency] = (arg ?? '').split(':');
      if (!amount || !/^\d+(?:\.\d+)?$/.test(amount)) break;
      return dealAmount(turn, actor, id, amount, currency || null);
    }
    case 'lost':
      return usage(actor, `/lost ${id} REASON`);
    case 'assign':
      return assignDealTo(turn, actor, id, arg);
    case 'pipe':
    case 'pstage':
      return (await dealPipelineAction(turn, actor, verb, id, arg)) ?? say(actor, 'chat.customer.button_ignored');
  }
  return say(actor, 'chat.customer.button_ignored');
}

async function clarifyAction(turn: Turn, actor: Actor, token: string, choice: string | undefined): Promise<Reply[]> {
  const store = turn.deps.clarify;
  const entry = store ? await store.get(token) : null;
  if (!store || !entry || entry.userId !== actor.userId) return say(actor, 'chat.clarify.expired');
  if (choice === 'x') {
    await store.delete(token);
    return say(actor, 'chat.clarify.cancelled');
  }
  const option = entry.options[Number(choice)];
  if (!option) return say(actor, 'chat.clarify.expired');
  await store.delete(token);
  return actOnIntent(turn, actor, completeClarifiedTask(entry.partial as never, option.value, actor.timezone));
}

export async function handleAction(turn: Turn, actor: Actor, data: string): Promise<Reply[]> {
  const parsed = parseActionData(data);
  if (!parsed) return say(actor, 'chat.customer.button_ignored');
  if (parsed.area === 'clarify') return clarifyAction(turn, actor, parsed.verb, parsed.id);
  if (parsed.area === 'ai') return aiAction(turn, actor, parsed.verb, parsed.id);
  if (VALUE_ACTION_AREAS.has(parsed.area)) return valueAction(turn, actor, parsed);
  if (parsed.area === 'set') return settingsAction(turn, actor, parsed.verb, parsed.id, parsed.arg);
  if (parsed.area === 'miniapp' && parsed.verb === 'link') return webViewLinkReply(turn, actor);
  const id = Number(parsed.id);
  if (!Number.isInteger(id) || id <= 0) return say(actor, 'chat.customer.button_ignored');
  switch (parsed.area) {
    case 'lead':
      return leadAction(turn, actor, parsed.verb, id, parsed.arg);
    case 'task':
      if (parsed.verb === 'done') return doneTask(turn, actor, id);
      if (parsed.verb === 'snooze') return snooze(turn, actor, id, parsed.arg ?? '15m');
      break;
    case 'sla':
      return slaAction(turn, actor, parsed.verb, id, parsed.arg);
    case 'deal':
      return dealAction(turn, actor, parsed.verb, id, parsed.arg);
    case 'hist':
      return historyAction(turn, actor, parsed.verb, id, parsed.arg);
    case 'merge':
      return mergeAction(turn, actor, parsed.verb, id);
    case 'team':
      return teamAction(turn, actor, parsed.verb, id, parsed.arg);
    case 'pl':
      return pipelineAction(turn, actor, parsed.verb, id, parsed.arg);
    case 'rule':
      return ruleAction(turn, actor, parsed.verb, id);
    case 'mail':
      return mailingAction(turn, actor, parsed.verb, parsed.id, parsed.arg);
  }
  return say(actor, 'chat.customer.button_ignored');
}
