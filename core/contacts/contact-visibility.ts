// Who may see a contact: heads and admins the whole workspace; a manager the contacts they
// own or that have a lead assigned to them or a deal they own.
import type { Prisma } from '../../prisma/generated/client.js';
import { seesWholeTeam, type Actor } from '../actor.js';

/** A where-clause restricting contacts to those the actor may see (live contacts only). */
export function visibleContactsWhere(actor: Actor): Prisma.ContactWhereInput {
  const base: Prisma.ContactWhereInput = { workspaceId: actor.workspaceId, mergedIntoId: null, erasedAt: null };
  if (seesWholeTeam(actor)) return base;
  return {
    ...base,
    OR: [{ ownerId: actor.userId }, { leads: { some: { assigneeId: actor.userId } } }, { deals: { some: { ownerId: actor.userId } } }],
  };
}

/** Same rule for one contact id, counting merged/erased contacts too (for reads of history). */
export function contactAccessWhere(actor: Actor, id: number): Prisma.ContactWhereInput {
  if (seesWholeTeam(actor)) return { id, workspaceId: actor.workspaceId };
  return {
    id,
    workspaceId: actor.workspaceId,
    OR: [{ ownerId: actor.userId }, { leads: { some: { assigneeId: actor.userId } } }, { deals: { some: { ownerId: actor.userId } } }],
  };
}
