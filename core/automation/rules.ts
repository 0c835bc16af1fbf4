// Automation rules as an admin keeps them from chat (/rules): a new lead -> a task for its
// assignee; a deal entering a stage -> a task for its owner; a stale deal -> a reminder to its
// owner. Small on purpose: one trigger, one task, an offset and an optional title.
// Admins only; every change is audited.
import type { AutomationRule, AutomationTrigger, Pipeline, Stage } from '../../prisma/generated/client.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx, type DbOrTx } from '../db.js';
import { invalid, notFound } from '../errors.js';
import { assertAdmin } from '../pipelines/manage-pipelines.js';

export type RuleView = AutomationRule & { stage: (Stage & { pipeline: Pipeline }) | null };

export const RULE_TRIGGERS: readonly AutomationTrigger[] = ['new_lead', 'stage_entered', 'stale_deal'];
/** at most a year between the trigger and the task */
const MAX_OFFSET_MINUTES = 366 * 24 * 60;
const TITLE_MAX = 200;

/** "15", "15m", "2h", "1d", "2 ч", "0" -> minutes; null when it is not an offset. */
export function parseOffsetMinutes(text: string): number | null {
  const m = /^(\d{1,6})\s*(m|min|mins|minutes?|м|мин|минут[аы]?|h|hours?|ч|час|часа|часов|d|days?|д|дн|день|дня|дней)?$/iu.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const factor = /^(h|hour|hours|ч|час|часа|часов)$/u.test(unit) ? 60 : /^(d|day|days|д|дн|день|дня|дней)$/u.test(unit) ? 24 * 60 : 1;
  const minutes = n * factor;
  return minutes <= MAX_OFFSET_MINUTES ? minutes : null;
}

function checkOffset(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_OFFSET_MINUTES) throw invalid('rules.bad_offset', { value: String(minutes) });
  return minutes;
}

function checkTitle(title: string | null | undefined): string | null {
  const clean = title?.trim().replace(/\s+/g, ' ') ?? '';
  if (clean.length > TITLE_MAX) throw invalid('rules.title_too_long', { max: TITLE_MAX });
  return clean || null;
}

const ruleInclude = { stage: { include: { pipeline: true } } } as const;

/** The workspace's rules, oldest first. */
export async function listRules(db: DbOrTx, workspaceId: number): Promise<RuleView[]> {
  return db.automationRule.findMany({ where: { workspaceId }, include: ruleInclude, orderBy: { id: 'asc' } });
}

export async function getRule(db: DbOrTx, workspaceId: number, id: number): Promise<RuleView> {
  const rule = await db.automationRule.findFirst({ where: { id, workspaceId }, include: ruleInclude });
  if (!rule) throw notFound('what.rule', { id });
  return rule;
}

export interface AddRuleInput {
  trigger: AutomationTrigger;
  /** stage_entered: the stage */
  stageId?: number | null;
  offsetMinutes?: number;
  title?: string | null;
}

export async function addRule(ctx: CoreContext, actor: Actor, input: AddRuleInput): Promise<RuleView> {
  assertAdmin(actor);
  if (!RULE_TRIGGERS.includes(input.trigger)) throw invalid('rules.bad_trigger', { value: input.trigger });
  const offsetMinutes = checkOffset(input.offsetMinutes ?? 0);
  const title = checkTitle(input.title);
  return inTx(ctx.db, async (tx) => {
    let stageId: number | null = null;
    if (input.trigger === 'stage_entered') {
      if (!input.stageId) throw invalid('rules.stage_required');
      const stage = await tx.stage.findFirst({ where: { id: input.stageId, pipeline: { workspaceId: actor.workspaceId } }, select: { id: true } });
      if (!stage) throw notFound('what.stage', { name: `#${input.stageId}` });
      stageId = stage.id;
    }
    const rule = await tx.automationRule.create({ data: { workspaceId: actor.workspaceId, trigger: input.trigger, stageId, offsetMinutes, title } });
    await recordAudit(tx, actor, { action: 'rule.create', entity: 'automation_rule', entityId: rule.id, after: rule });
    return getRule(tx, actor.workspaceId, rule.id);
  });
}

export interface EditRuleInput {
  offsetMinutes?: number;
  /** null or "" = the default title */
  title?: string | null;
  enabled?: boolean;
}

export async function editRule(ctx: CoreContext, actor: Actor, id: number, input: EditRuleInput): Promise<RuleView> {
  assertAdmin(actor);
  const data: { offsetMinutes?: number; title?: string | null; enabled?: boolean } = {};
  if (input.offsetMinutes !== undefined) data.offsetMinutes = checkOffset(input.offsetMinutes);
  if (input.title !== undefined) data.title = checkTitle(input.title);
  if (input.enabled !== undefined) data.enabled = input.enabled;
  return inTx(ctx.db, async (tx) => {
    const before = await getRule(tx, actor.workspaceId, id);
    const after = await tx.automationRule.update({ where: { id }, data });
    const action = input.enabled === false ? 'rule.disable' : input.enabled === true ? 'rule.enable' : 'rule.edit';
    const { stage: _stage, ...beforeRow } = before;
    await recordAudit(tx, actor, { action, entity: 'automation_rule', entityId: id, before: beforeRow, after });
    return getRule(tx, actor.workspaceId, id);
  });
}
