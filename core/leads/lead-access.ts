// Who may see and act on a lead: heads and admins any lead of the workspace; a manager the
// leads assigned to them, and new unassigned leads (so they can take them).
import type { Lead, Prisma } from '../../prisma/generated/client.js';
import type { LeadStatus } from '../../prisma/generated/enums.js';
import type { DbOrTx } from '../db.js';
import { seesWholeTeam, type Actor } from '../actor.js';
import { notFound, forbidden, conflict } from '../errors.js';
import { t } from '../i18n/index.js';

export function canSeeLead(actor: Actor, lead: Pick<Lead, 'assigneeId' | 'status'>): boolean {
  if (seesWholeTeam(actor)) return true;
  if (lead.assigneeId === actor.userId) return true;
  return lead.assigneeId === null && lead.status === 'new';
}

/** Loads a lead of the actor's workspace (not_found otherwise) that the actor may see (forbidden otherwise). */
export async function loadLeadFor(db: DbOrTx, actor: Actor, id: number): Promise<Lead> {
  const lead = await db.lead.findFirst({ where: { id, workspaceId: actor.workspaceId } });
  if (!lead) throw notFound('what.lead', { id });
  if (!canSeeLead(actor, lead)) throw forbidden('what.lead', { id });
  return lead;
}

export function visibleLeadsWhere(actor: Actor): Prisma.LeadWhereInput {
  if (seesWholeTeam(actor)) return { workspaceId: actor.workspaceId };
  return { workspaceId: actor.workspaceId, OR: [{ assigneeId: actor.userId }, { assigneeId: null, status: 'new' }] };
}

/** The lead statuses that count as open: the one home of that rule (the intake store gets it passed in). */
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'in_progress'];

export function isLeadOpen(status: LeadStatus): boolean {
  return OPEN_LEAD_STATUSES.includes(status);
}

/** Refuses to act on a lead that is already converted or junk. */
export function assertLeadOpen(lead: Pick<Lead, 'id' | 'status'>, actor: Pick<Actor, 'locale'>): void {
  if (!isLeadOpen(lead.status)) {
    throw conflict('invalid.lead_closed', { id: lead.id, status: t(actor.locale, `lead.status.${lead.status}`) });
  }
}
