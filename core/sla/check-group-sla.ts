// What happens when a client group's first-response clock runs out (core/chat/client-group.ts
// starts it with a client's first unanswered message and stops it with the team's answer).
// The owner of the company's open deal (else of its open lead) and the heads of sales are
// alerted once per clock: the alerts carry dedupe keys (group-sla-<group>-<due>-<user>), so a
// retried job sends nothing twice, and the timeline gets one "group.sla_breached" entry. A
// check whose clock was stopped or restarted meanwhile (its due time no longer the group's)
// does nothing. Replying to the alert answers in the group (its ref names the conversation).
import type { CoreContext } from '../context.js';
import type { Outbox, OutboxItem } from '../ports.js';
import { recordActivity } from '../audit.js';
import { loadTeamRecipients } from '../outbound/recipient.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import { t } from '../i18n/index.js';

export interface GroupSlaJobData {
  groupId: number;
  /** the clock's deadline this check is for (epoch ms) */
  dueAtMs: number;
}

export type GroupSlaOutcome = { status: 'stale'; reason: 'missing' | 'answered' | 'not_due' } | { status: 'breached'; notified: number };

export async function checkGroupSla(ctx: CoreContext, outbox: Outbox, job: GroupSlaJobData): Promise<GroupSlaOutcome> {
  const now = ctx.clock.now();
  const group = await ctx.db.clientGroup.findUnique({ where: { id: job.groupId }, include: { company: true } });
  if (!group || group.status !== 'active' || !group.company) return { status: 'stale', reason: 'missing' };
  if (!group.waitingSince || !group.replyDueAt) return { status: 'stale', reason: 'answered' };
  // a later clock (answered, then a new client message) has its own check
  if (group.replyDueAt.getTime() !== job.dueAtMs || job.dueAtMs > now.getTime() + 1000) return { status: 'stale', reason: 'not_due' };

  const ws = group.workspaceId;
  const deal = await ctx.db.deal.findFirst({ where: { workspaceId: ws, companyId: group.company.id, status: 'open' }, orderBy: { lastActivityAt: 'desc' } });
  const lead = deal
    ? null
    : await ctx.db.lead.findFirst({
        where: { workspaceId: ws, status: { in: [...OPEN_LEAD_STATUSES] }, contact: { companyId: group.company.id } },
        orderBy: { createdAt: 'desc' },
      });
  const ownerId = deal?.ownerId ?? lead?.assigneeId ?? null;
  const heads = await ctx.db.user.findMany({ where: { workspaceId: ws, role: 'head', active: true }, select: { id: true } });
  const ids = [ownerId, ...heads.map((h) => h.id)].filter((id): id is number => !!id);
  const recipients = await loadTeamRecipients(ctx, ids);
  const conversation = await ctx.db.conversation.findFirst({
    where: { workspaceId: ws, groupId: group.id, status: 'open' },
    orderBy: { lastMessageAt: 'desc' },
  });
  const minutes = Math.max(1, Math.round((now.getTime() - group.waitingSince.getTime()) / 60_000));
  const items: OutboxItem[] = [];
  for (const userId of new Set(ids)) {
    const r = recipients.get(userId);
    if (!r?.identityId) continue;
    const owner = ownerId ? (recipients.get(ownerId)?.name ?? `#${ownerId}`) : t(r.locale, 'business.group.sla_no_owner');
    items.push({
      workspaceId: ws,
      identityId: r.identityId,
      text: t(r.locale, 'business.group.sla_breach', { title: group.title, company: group.company.name, count: minutes, owner }),
      ref: { userId, conversationId: conversation?.id, dealId: deal?.id, leadId: lead?.id },
      dedupeKey: `group-sla-${group.id}-${job.dueAtMs}-${userId}`,
    });
  }
  for (const item of items) await outbox.enqueue(item);
  // once on the timeline, also when the job is retried
  const recorded = await ctx.db.activity.findFirst({
    where: { workspaceId: ws, type: 'group.sla_breached', data: { path: ['dueAtMs'], equals: job.dueAtMs } },
    select: { id: true },
  });
  if (!recorded)
    await recordActivity(
      ctx.db,
      { workspaceId: ws, userId: null },
      {
        type: 'group.sla_breached',
        dealId: deal?.id ?? null,
        leadId: lead?.id ?? null,
        data: { groupId: group.id, dueAtMs: job.dueAtMs, waitingSince: group.waitingSince.toISOString(), ownerId },
      },
    );
  return { status: 'breached', notified: items.length };
}
