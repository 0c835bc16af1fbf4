// What happens when a lead's first-response deadline passes. Exactly once:
//   - the breach is claimed by UPDATE ... WHERE "slaBreachedAt" IS NULL (one winner across
//     workers), in the same transaction as the optional auto-reassignment;
//   - the alerts carry dedupe keys (sla-breach-<lead>-<user>), so a retry after a crash
//     between the claim and the enqueue re-enqueues them without sending twice.
// A check that fires after the breach (the "Remind in 10 min" button schedules one) reminds
// the assignee instead, when the lead still has no first response.
import type { Lead } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import { withTx } from '../context.js';
import { systemActor } from '../actor.js';
import { pickRoundRobinAssignee } from '../leads/round-robin.js';
import { isLeadOpen, OPEN_LEAD_STATUSES } from '../leads/lead-access.js';
import { assignLead } from '../leads/assign-lead.js';
import { recordActivity } from '../audit.js';
import { inTx, type Tx } from '../db.js';
import type { Outbox, OutboxItem } from '../ports.js';
import { loadTeamRecipients } from '../outbound/recipient.js';
import { breachText, reassignedToYouText, slaButtons, stillWaitingText, type SlaLead } from './sla-message.js';

export interface SlaJobData {
  leadId: number;
  /** when this check was due (epoch ms) */
  dueAtMs: number;
}

export type SlaOutcome =
  | { status: 'stale'; reason: 'missing' | 'answered' | 'closed' | 'not_due' }
  | { status: 'breached'; fresh: boolean; notified: number; reassignedTo?: number }
  | { status: 'reminded'; notified: number };

/** Picks who takes over a breached lead; null keeps the current assignee. */
export type ReassignPicker = (tx: Tx, lead: Lead, now: Date, ctx: CoreContext) => Promise<number | null>;

/**
 * Default picker: the workspace's round robin (on-duty managers, the one assigned longest ago
 * first, else on-duty heads and admins), skipping the current assignee.
 */
export const nextOnDutyManager: ReassignPicker = async (tx, lead, _now, ctx) =>
  (await pickRoundRobinAssignee(withTx(ctx, tx), lead.workspaceId, lead.assigneeId))?.id ?? null;

export async function checkSla(ctx: CoreContext, outbox: Outbox, job: SlaJobData, pick: ReassignPicker = nextOnDutyManager): Promise<SlaOutcome> {
  const now = ctx.clock.now();
  let lead = await ctx.db.lead.findUnique({ where: { id: job.leadId } });
  if (!lead) return { status: 'stale', reason: 'missing' };
  if (lead.firstResponseAt) return { status: 'stale', reason: 'answered' };
  if (!isLeadOpen(lead.status)) return { status: 'stale', reason: 'closed' };
  if (!lead.slaBreachedAt && lead.firstResponseDueAt && lead.firstResponseDueAt.getTime() > now.getTime() + 1000) {
    // the deadline moved later (business hours, edited lead): its own check is scheduled
    return { status: 'stale', reason: 'not_due' };
  }

  let fresh = false;
  let previousAssigneeId: number | null = null;
  if (!lead.slaBreachedAt) {
    const claimed = await inTx(ctx.db, async (tx) => {
      const won = await tx.lead.updateMany({
        where: { id: lead!.id, slaBreachedAt: null, firstResponseAt: null, status: { in: [...OPEN_LEAD_STATUSES] } },
        data: { slaBreachedAt: now },
      });
      if (won.count === 0) return null;
      const current = (await tx.lead.findUniqueOrThrow({ where: { id: lead!.id } })) as Lead;
      const workspace = await tx.workspace.findUniqueOrThrow({ where: { id: current.workspaceId } });
      let reassignedTo: number | null = null;
      if (workspace.autoReassignOnBreach) {
        reassignedTo = await pick(tx, current, now, ctx);
        if (reassignedTo && reassignedTo !== current.assigneeId) {
          await assignLead(withTx(ctx, tx), systemActor(workspace), current.id, reassignedTo);
        } else reassignedTo = null;
      }
      await recordActivity(
        tx,
        { workspaceId: current.workspaceId, userId: null },
        {
          type: 'lead.sla_breached',
          leadId: current.id,
          contactId: current.contactId,
          data: {
            dueAt: current.firstResponseDueAt?.toISOString() ?? null,
            assigneeId: current.assigneeId,
            reassignedTo,
            previousAssigneeId: current.assigneeId,
          },
        },
      );
      return { previous: current.assigneeId, reassignedTo };
    });
    if (claimed) {
      fresh = true;
      if (claimed.reassignedTo) previousAssigneeId = claimed.previous;
    }
    lead = await ctx.db.lead.findUnique({ where: { id: job.leadId } });
    if (!lead?.slaBreachedAt) return { status: 'stale', reason: 'answered' };
  }

  const slaLead = await loadSlaLead(ctx, lead);
  // this job made the breach (or is a retry of the one that did): it was due at the deadline, while a
  // "remind" check is due after it (however soon after the breach it runs); send the breach alerts
  const breachJob = lead.firstResponseDueAt ? job.dueAtMs <= lead.firstResponseDueAt.getTime() + 1000 : lead.slaBreachedAt!.getTime() >= job.dueAtMs - 1000;
  if (breachJob) {
    if (!fresh) previousAssigneeId = await previousAssigneeFromTimeline(ctx, lead.id);
    const notified = await sendBreachAlerts(ctx, outbox, lead, slaLead, previousAssigneeId);
    return { status: 'breached', fresh, notified, reassignedTo: previousAssigneeId ? (lead.assigneeId ?? undefined) : undefined };
  }
  // a later check ("remind in 10 min"): nudge the assignee
  if (!lead.assigneeId) return { status: 'reminded', notified: 0 };
  const r = (await loadTeamRecipients(ctx, [lead.assigneeId])).get(lead.assigneeId);
  if (!r?.identityId) return { status: 'reminded', notified: 0 };
  await outbox.enqueue({
    workspaceId: lead.workspaceId,
    identityId: r.identityId,
    text: stillWaitingText(r.locale, slaLead),
    buttons: slaButtons(r.locale, lead.id),
    ref: { userId: r.userId, leadId: lead.id, conversationId: lead.conversationId ?? undefined },
    dedupeKey: `sla-remind-${lead.id}-${job.dueAtMs}`,
  });
  return { status: 'reminded', notified: 1 };
}

async function loadSlaLead(ctx: CoreContext, lead: Lead): Promise<SlaLead> {
  const contact = await ctx.db.contact.findUnique({ where: { id: lead.contactId }, select: { name: true } });
  return { id: lead.id, title: lead.title, source: lead.source, contactName: contact?.name ?? '?' };
}

async function previousAssigneeFromTimeline(ctx: CoreContext, leadId: number): Promise<number | null> {
  const a = await ctx.db.activity.findFirst({ where: { leadId, type: 'lead.sla_breached' }, orderBy: { id: 'desc' }, select: { data: true } });
  const data = a?.data as { reassignedTo?: number | null; previousAssigneeId?: number | null } | null;
  return data?.reassignedTo ? (data.previousAssigneeId ?? null) : null;
}

async function sendBreachAlerts(ctx: CoreContext, outbox: Outbox, lead: Lead, slaLead: SlaLead, previousAssigneeId: number | null): Promise<number> {
  const workspace = await ctx.db.workspace.findUniqueOrThrow({ where: { id: lead.workspaceId }, select: { firstResponseMinutes: true } });
  const heads = await ctx.db.user.findMany({ where: { workspaceId: lead.workspaceId, role: 'head', active: true }, select: { id: true } });
  const ids = [lead.assigneeId, previousAssigneeId, ...heads.map((h) => h.id)].filter((id): id is number => !!id);
  const recipients = await loadTeamRecipients(ctx, ids);
  const name = (id: number | null) => (id ? (recipients.get(id)?.name ?? `#${id}`) : null);
  const reassigned = previousAssigneeId && lead.assigneeId ? { from: name(previousAssigneeId)!, to: name(lead.assigneeId)! } : undefined;

  const items: OutboxItem[] = [];
  for (const userId of new Set(ids)) {
    const r = recipients.get(userId);
    if (!r?.identityId) continue;
    const text =
      reassigned && userId === lead.assigneeId
        ? reassignedToYouText(r.locale, slaLead)
        : breachText(r.locale, slaLead, workspace.firstResponseMinutes, name(lead.assigneeId), reassigned);
    items.push({
      workspaceId: lead.workspaceId,
      identityId: r.identityId,
      text,
      buttons: slaButtons(r.locale, lead.id),
      ref: { userId, leadId: lead.id, conversationId: lead.conversationId ?? undefined },
      dedupeKey: `sla-breach-${lead.id}-${userId}`,
    });
  }
  for (const item of items) await outbox.enqueue(item);
  return items.length;
}
