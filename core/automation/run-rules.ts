// What the rules do when their trigger happens. Each runs in the transaction of the change
// that triggered it (the lead's capture, the deal's stage move), so a trigger is never lost
// and never acted on without its change; the (rule, event key) row of AutomationRun makes a
// second handling of the same event a no-op. The task's reminder is scheduled like any
// task's (the reminder worker looks again while the transaction has not committed yet).
import type { AutomationRule, Task } from '../../prisma/generated/client.js';
import { systemActor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { inTx, type Tx } from '../db.js';
import { resolveLocale, t } from '../i18n/index.js';
import { createTaskInTx } from '../tasks/create-task.js';
import { effectiveDueAt } from '../tasks/task-access.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** stale deals acted on per workspace and sweep */
const STALE_BATCH = 500;

interface Subject {
  workspaceId: number;
  /** who gets the task: the lead's assignee, the deal's owner */
  userId: number | null;
  leadId?: number;
  dealId?: number;
  /** the event: unique per rule */
  key: string;
  title: (locale: 'en' | 'ru') => string;
}

/** Claims (rule, key) and creates the rule's task; null when the event was handled before or nobody can take it. */
async function fire(tx: Tx, rule: AutomationRule, s: Subject, now: Date): Promise<Task | null> {
  if (!s.userId) return null;
  const user = await tx.user.findFirst({
    where: { id: s.userId, workspaceId: s.workspaceId, active: true },
    select: { locale: true, workspace: { select: { id: true, locale: true, timezone: true } } },
  });
  if (!user) return null;
  const [run] = await tx.automationRun.createManyAndReturn({ data: [{ ruleId: rule.id, key: s.key }], skipDuplicates: true });
  if (!run) return null;
  const locale = resolveLocale(user.locale, user.workspace.locale);
  const task = await createTaskInTx(tx, systemActor(user.workspace), {
    title: rule.title ?? s.title(locale),
    dueAt: new Date(now.getTime() + rule.offsetMinutes * MINUTE_MS),
    assigneeId: s.userId,
    leadId: s.leadId ?? null,
    dealId: s.dealId ?? null,
  });
  await tx.automationRun.update({ where: { id: run.id }, data: { taskId: task.id } });
  return task;
}

async function schedule(ctx: CoreContext, tasks: Array<Task | null>): Promise<Task[]> {
  const made = tasks.filter((x): x is Task => x !== null);
  for (const task of made) await ctx.scheduler?.scheduleReminder(task.id, effectiveDueAt(task));
  return made;
}

/** A new lead: every enabled new-lead rule gives its assignee a task ("call back within N minutes"). */
export async function runNewLeadRules(ctx: CoreContext, lead: { id: number; workspaceId: number; assigneeId: number | null; title: string }): Promise<Task[]> {
  if (!lead.assigneeId) return [];
  const now = ctx.clock.now();
  const tasks = await inTx(ctx.db, async (tx) => {
    const rules = await tx.automationRule.findMany({ where: { workspaceId: lead.workspaceId, trigger: 'new_lead', enabled: true }, orderBy: { id: 'asc' } });
    const made: Array<Task | null> = [];
    for (const rule of rules) {
      made.push(
        await fire(
          tx,
          rule,
          {
            workspaceId: lead.workspaceId,
            userId: lead.assigneeId,
            leadId: lead.id,
            key: `lead:${lead.id}`,
            title: (l) => t(l, 'rules.task.new_lead', { id: lead.id, title: lead.title, minutes: rule.offsetMinutes }),
          },
          now,
        ),
      );
    }
    return made;
  });
  return schedule(ctx, tasks);
}

/** A deal entered a stage (created in it, moved to it): the rules of that stage give its owner a task. */
export async function runStageRules(
  ctx: CoreContext,
  deal: { id: number; workspaceId: number; ownerId: number; stageId: number; title: string; lastActivityAt: Date },
): Promise<Task[]> {
  const now = ctx.clock.now();
  const tasks = await inTx(ctx.db, async (tx) => {
    const rules = await tx.automationRule.findMany({
      where: { workspaceId: deal.workspaceId, trigger: 'stage_entered', stageId: deal.stageId, enabled: true },
      include: { stage: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
    const made: Array<Task | null> = [];
    for (const rule of rules) {
      made.push(
        await fire(
          tx,
          rule,
          {
            workspaceId: deal.workspaceId,
            userId: deal.ownerId,
            dealId: deal.id,
            key: `deal:${deal.id}:stage:${deal.stageId}:${deal.lastActivityAt.getTime()}`,
            title: (l) => t(l, 'rules.task.stage', { id: deal.id, title: deal.title, stage: rule.stage?.name ?? '' }),
          },
          now,
        ),
      );
    }
    return made;
  });
  return schedule(ctx, tasks);
}

/**
 * The periodic sweep: for every enabled stale-deal rule, each open deal without activity for
 * the workspace's staleDealDays gets one reminder task for its owner (once per quiet spell:
 * the key carries the deal's last activity). `workspaceId`: one workspace only.
 */
export async function sweepStaleDeals(ctx: CoreContext, options: { workspaceId?: number } = {}): Promise<Task[]> {
  const now = ctx.clock.now();
  const rules = await ctx.db.automationRule.findMany({
    where: { trigger: 'stale_deal', enabled: true, ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) },
    include: { workspace: { select: { staleDealDays: true } } },
    orderBy: { id: 'asc' },
  });
  const made: Task[] = [];
  for (const rule of rules) {
    const days = rule.workspace.staleDealDays;
    if (days <= 0) continue;
    const deals = await ctx.db.deal.findMany({
      where: {
        workspaceId: rule.workspaceId,
        status: 'open',
        lastActivityAt: { lt: new Date(now.getTime() - days * DAY_MS) },
        // not already reminded for this quiet spell: checked again by the unique key
      },
      orderBy: [{ lastActivityAt: 'asc' }, { id: 'asc' }],
      take: STALE_BATCH,
      select: { id: true, title: true, ownerId: true, lastActivityAt: true },
    });
    if (!deals.length) continue;
    const done = new Set(
      (
        await ctx.db.automationRun.findMany({
          where: { ruleId: rule.id, key: { in: deals.map((d) => `deal:${d.id}:stale:${d.lastActivityAt.getTime()}`) } },
          select: { key: true },
        })
      ).map((r) => r.key),
    );
    for (const d of deals) {
      const key = `deal:${d.id}:stale:${d.lastActivityAt.getTime()}`;
      if (done.has(key)) continue;
      const task = await inTx(ctx.db, (tx) =>
        fire(
          tx,
          rule,
          {
            workspaceId: rule.workspaceId,
            userId: d.ownerId,
            dealId: d.id,
            key,
            title: (l) => t(l, 'rules.task.stale', { id: d.id, title: d.title, days }),
          },
          now,
        ),
      );
      made.push(...(await schedule(ctx, [task])));
    }
  }
  return made;
}
