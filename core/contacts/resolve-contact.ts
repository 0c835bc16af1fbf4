// Follows mergedIntoId to the contact that is kept after merges.
import type { DbOrTx } from '../db.js';

const MAX_HOPS = 20;

/** The live contact a (possibly merged) contact id now lives in; null when erased or missing. */
export async function resolveLiveContact(db: DbOrTx, workspaceId: number, id: number) {
  let current = await db.contact.findFirst({ where: { id, workspaceId } });
  for (let hops = 0; current?.mergedIntoId && hops < MAX_HOPS; hops++) {
    current = await db.contact.findFirst({ where: { id: current.mergedIntoId, workspaceId } });
  }
  if (!current || current.mergedIntoId || current.erasedAt) return null;
  return current;
}
