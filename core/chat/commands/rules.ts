// /rules: the automation rules, listed for everyone, added, changed and turned off by admins.
// Buttons: rule:addlead:1 (offer delays), rule:newlead:MINUTES, rule:stages:1 (offer stages),
// rule:stage:STAGE, rule:addstale:1, rule:on:N, rule:off:N.
import type { Actor } from '../../actor.js';
import { t } from '../../i18n/index.js';
import { stageLabel } from '../../digests/render-text.js';
import { addRule, editRule, getRule, listRules, parseOffsetMinutes, type RuleView } from '../../automation/rules.js';
import { assertAdmin, listPipelines } from '../../pipelines/manage-pipelines.js';
import { matchStage } from '../../deals/stage-match.js';
import { invalid } from '../../errors.js';
import type { Turn } from '../turn.js';
import { buttonRows, reply, type Button, type Reply } from '../reply.js';
import type { Command } from './command.js';
import { parseId, say, usage } from './command.js';

/** the delay of a stage rule added by button */
const STAGE_RULE_MINUTES = 24 * 60;

export function offsetText(actor: Actor, minutes: number): string {
  if (minutes === 0) return t(actor.locale, 'rules.offset.now');
  if (minutes % (24 * 60) === 0) return t(actor.locale, 'rules.offset.days', { count: minutes / (24 * 60) });
  if (minutes % 60 === 0) return t(actor.locale, 'rules.offset.hours', { count: minutes / 60 });
  return t(actor.locale, 'rules.offset.minutes', { count: minutes });
}

function ruleLine(actor: Actor, rule: RuleView, staleDays: number): string {
  const common = {
    id: rule.id,
    offset: offsetText(actor, rule.offsetMinutes),
    title: rule.title ? t(actor.locale, 'rules.title_mark', { title: rule.title }) : '',
    off: rule.enabled ? '' : t(actor.locale, 'rules.off_mark'),
  };
  if (rule.trigger === 'stage_entered')
    return t(actor.locale, 'rules.line.stage_entered', {
      ...common,
      stage: stageLabel(actor.locale, rule.stage?.name ?? ''),
      pipeline: rule.stage?.pipeline.name ?? '',
    });
  if (rule.trigger === 'stale_deal') return t(actor.locale, 'rules.line.stale_deal', { ...common, days: staleDays });
  return t(actor.locale, 'rules.line.new_lead', common);
}

async function staleDays(turn: Turn): Promise<number> {
  return turn.workspace.staleDealDays;
}

export async function ruleList(turn: Turn, actor: Actor): Promise<Reply[]> {
  const rules = await listRules(turn.ctx.db, actor.workspaceId);
  const days = await staleDays(turn);
  const lines = rules.length
    ? [t(actor.locale, 'rules.list.title', { count: rules.length }), ...rules.map((r) => ruleLine(actor, r, days))]
    : [t(actor.locale, 'rules.list.empty')];
  if (actor.role !== 'admin') return [reply(lines.join('\n'))];
  const toggles: Button[] = rules.map((r) =>
    r.enabled
      ? { label: t(actor.locale, 'rules.button.off', { id: r.id }), data: `rule:off:${r.id}` }
      : { label: t(actor.locale, 'rules.button.on', { id: r.id }), data: `rule:on:${r.id}` },
  );
  const adds: Button[][] = [
    [{ label: t(actor.locale, 'rules.button.add_new_lead'), data: 'rule:addlead:1' }],
    [{ label: t(actor.locale, 'rules.button.add_stage'), data: 'rule:stages:1' }],
    [{ label: t(actor.locale, 'rules.button.add_stale'), data: 'rule:addstale:1' }],
  ];
  return [reply([...lines, '', t(actor.locale, 'rules.hint')].join('\n'), [...buttonRows(toggles, 2), ...adds])];
}

async function added(turn: Turn, actor: Actor, rule: RuleView): Promise<Reply[]> {
  return say(actor, 'rules.added', { line: ruleLine(actor, rule, await staleDays(turn)) });
}

async function changed(turn: Turn, actor: Actor, rule: RuleView): Promise<Reply[]> {
  return say(actor, 'rules.changed', { line: ruleLine(actor, rule, await staleDays(turn)) });
}

/** Button presses of the rule: area; every change checks the admin role in core. */
export async function ruleAction(turn: Turn, actor: Actor, verb: string, id: number): Promise<Reply[]> {
  const { ctx } = turn;
  switch (verb) {
    case 'addlead': {
      assertAdmin(actor);
      const buttons = [15, 30, 60, 120].map((m) => ({ label: offsetText(actor, m), data: `rule:newlead:${m}` }));
      return [reply(t(actor.locale, 'rules.pick_offset'), buttonRows(buttons, 2))];
    }
    case 'newlead':
      return added(turn, actor, await addRule(ctx, actor, { trigger: 'new_lead', offsetMinutes: id }));
    case 'stages': {
      assertAdmin(actor);
      const pipelines = await listPipelines(ctx.db, actor.workspaceId);
      const many = pipelines.length > 1;
      const buttons = pipelines.flatMap((p) =>
        p.stages.map((s) => ({ label: `${many ? `${p.name}: ` : ''}${stageLabel(actor.locale, s.name)}`.slice(0, 40), data: `rule:stage:${s.id}` })),
      );
      return [reply(t(actor.locale, 'rules.pick_stage'), buttonRows(buttons, 2))];
    }
    case 'stage':
      return added(turn, actor, await addRule(ctx, actor, { trigger: 'stage_entered', stageId: id, offsetMinutes: STAGE_RULE_MINUTES }));
    case 'addstale':
      return added(turn, actor, await addRule(ctx, actor, { trigger: 'stale_deal', offsetMinutes: 0 }));
    case 'on':
    case 'off':
      return changed(turn, actor, await editRule(ctx, actor, id, { enabled: verb === 'on' }));
  }
  return say(actor, 'chat.customer.button_ignored');
}

/** "15m [TITLE]" -> minutes and title. */
function offsetAndTitle(text: string): { minutes: number; title: string | null } | null {
  const [first, ...rest] = text.trim().split(/\s+/);
  const minutes = parseOffsetMinutes(first ?? '');
  if (minutes === null) return null;
  return { minutes, title: rest.join(' ').trim() || null };
}

async function rulesCommand(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const { ctx } = turn;
  if (!args) return ruleList(turn, actor);
  const words = args.trim().split(/\s+/);
  const verb = words[0]!.toLowerCase();
  // /rules off 3, /rules on 3
  if (['off', 'выкл', 'on', 'вкл'].includes(verb)) {
    const id = parseId(words[1]);
    if (id === null) return usage(actor, '/rules off N | /rules on N');
    return changed(turn, actor, await editRule(ctx, actor, id, { enabled: verb === 'on' || verb === 'вкл' }));
  }
  if (['add', 'добавить'].includes(verb)) {
    assertAdmin(actor);
    const kind = (words[1] ?? '').toLowerCase();
    const rest = words.slice(2).join(' ');
    if (['lead', 'лид'].includes(kind)) {
      const o = offsetAndTitle(rest || '15m');
      if (!o) throw invalid('rules.bad_offset', { value: rest });
      return added(turn, actor, await addRule(ctx, actor, { trigger: 'new_lead', offsetMinutes: o.minutes, title: o.title }));
    }
    if (['stale', 'застряла'].includes(kind)) {
      const o = rest ? offsetAndTitle(rest) : { minutes: 0, title: null };
      if (!o) throw invalid('rules.bad_offset', { value: rest });
      return added(turn, actor, await addRule(ctx, actor, { trigger: 'stale_deal', offsetMinutes: o.minutes, title: o.title }));
    }
    if (['stage', 'этап'].includes(kind)) {
      // "/rules add stage Proposal 1d Send the contract": the stage is the words before the delay
      const tail = words.slice(2);
      const at = tail.findIndex((w) => parseOffsetMinutes(w) !== null);
      const stageText = (at < 0 ? tail : tail.slice(0, at)).join(' ');
      if (!stageText) throw invalid('rules.stage_required');
      const o = at < 0 ? { minutes: STAGE_RULE_MINUTES, title: null } : offsetAndTitle(tail.slice(at).join(' '))!;
      const stages = (await listPipelines(ctx.db, actor.workspaceId)).flatMap((p) => p.stages);
      const stage = matchStage(stages, stageText);
      return added(turn, actor, await addRule(ctx, actor, { trigger: 'stage_entered', stageId: stage.id, offsetMinutes: o.minutes, title: o.title }));
    }
    return usage(actor, '/rules add lead 15m | /rules add stage STAGE 1d | /rules add stale');
  }
  // /rules 3 30m, /rules 3 title Call them
  const id = parseId(words[0]);
  if (id === null) return usage(actor, '/rules [N 30m | N title TEXT | off N | on N | add …]');
  if (words.length === 1) return [reply(ruleLine(actor, await getRule(ctx.db, actor.workspaceId, id), await staleDays(turn)))];
  const second = words[1]!.toLowerCase();
  if (['title', 'текст', 'название'].includes(second)) return changed(turn, actor, await editRule(ctx, actor, id, { title: words.slice(2).join(' ') || null }));
  const minutes = parseOffsetMinutes(words.slice(1).join(' '));
  if (minutes === null) throw invalid('rules.bad_offset', { value: words.slice(1).join(' ') });
  return changed(turn, actor, await editRule(ctx, actor, id, { offsetMinutes: minutes }));
}

export const ruleCommands: Command[] = [{ names: ['rules', 'правила'], run: async ({ turn, actor, args }) => rulesCommand(turn, actor, args) }];
