// Who may see a contact: heads and admins the whole workspace; a manager the contacts they
// own or that have a lead assigned to them or a deal they own, and the team's shared address
// book: contacts nobody owns (imported ones) that no colleague works with.
import type { Prisma } from '../../prisma/generated/client.js';
import { seesWholeTeam, type Actor } from '../actor.js';

/** A where-clause restricting contacts to those the actor may see (live contacts only). */
export function visibleContactsWhere(actor: Actor): Prisma.ContactWhereInput {
  const base: Prisma.ContactWhereInput = { workspaceId: actor.workspaceId, mergedIntoId: null, erasedAt: null };
  if (seesWholeTeam(actor)) return base;
  return { ...base, OR: managerSees(actor.userId) };
}

function managerSees(userId: number): Prisma.ContactWhereInput[] {
  return [
    { ownerId: userId },
    { leads: { some: { assigneeId: userId } } },
    { deals: { some: { ownerId: userId } } },
    { ownerId: null, leads: { none: { assigneeId: { not: userId } } }, deals: { none: { ownerId: { not: userId } } } },
  ];
}

/** Same rule for one contact id, counting merged/erased contacts too (for reads of history). */
export function contactAccessWhere(actor: Actor, id: number): Prisma.ContactWhereInput {
  if (seesWholeTeam(actor)) return { id, workspaceId: actor.workspaceId };
  return { id, workspaceId: actor.workspaceId, OR: managerSees(actor.userId) };
}
