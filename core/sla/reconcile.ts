// Start-up reconciliation of SLA checks: every open lead still waiting for its first
// response and not yet breached gets its check job again (idempotent per lead), and so does
// every client group whose first-response clock runs (idempotent per clock).
import type { CoreContext } from '../context.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';

export interface SlaPlan {
  leadId: number;
  dueAt: Date;
}

export interface BulkSlaScheduler {
  scheduleSlaChecks(plans: SlaPlan[]): Promise<void>;
  /** a client group's clock (core/sla/check-group-sla.ts) */
  scheduleGroupCheck?(groupId: number, dueAt: Date): Promise<void>;
}

export async function reconcileSlaChecks(
  ctx: CoreContext,
  scheduler: BulkSlaScheduler,
  options: { batchSize?: number; workspaceIds?: number[] } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 5000;
  let cursor = 0;
  let total = 0;
  for (;;) {
    const leads = await ctx.db.lead.findMany({
      where: {
        id: { gt: cursor },
        workspaceId: options.workspaceIds ? { in: options.workspaceIds } : undefined,
        status: { in: [...OPEN_LEAD_STATUSES] },
        firstResponseAt: null,
        slaBreachedAt: null,
        firstResponseDueAt: { not: null },
      },
      select: { id: true, firstResponseDueAt: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (leads.length === 0) break;
    cursor = leads[leads.length - 1]!.id;
    await scheduler.scheduleSlaChecks(leads.map((l) => ({ leadId: l.id, dueAt: l.firstResponseDueAt! })));
    total += leads.length;
    if (leads.length < batchSize) break;
  }
  // client groups whose first-response clock runs (a handful per workspace: one by one)
  if (scheduler.scheduleGroupCheck) {
    const groups = await ctx.db.clientGroup.findMany({
      where: { workspaceId: options.workspaceIds ? { in: options.workspaceIds } : undefined, status: 'active', replyDueAt: { not: null } },
      select: { id: true, replyDueAt: true },
    });
    for (const g of groups) await scheduler.scheduleGroupCheck(g.id, g.replyDueAt!);
    total += groups.length;
  }
  return total;
}
