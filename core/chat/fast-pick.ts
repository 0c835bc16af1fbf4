// The round-robin pick for a brand-new customer, made before the turn's transaction: the
// intake store's one-statement pick (no lock held across round trips, see
// connectors/db/intake/sql-intake.ts), falling back to core/leads' pick (heads and admins
// when no manager is on duty) when no manager row is free.
import { coreContext } from '../context.js';
import { pickRoundRobinAssignee } from '../leads/index.js';
import type { ChatDeps } from './turn.js';

export async function pickAssigneeFast(deps: ChatDeps, workspaceId: number): Promise<{ id: number } | null> {
  const picked = await deps.intake.pickAssignee({ workspaceId, now: deps.clock.now() });
  return picked ?? pickRoundRobinAssignee(coreContext(deps.db, { clock: deps.clock, stores: deps.stores }), workspaceId);
}
