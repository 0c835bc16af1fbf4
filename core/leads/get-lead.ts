// One lead, if the actor may see it.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { loadLeadFor } from './lead-access.js';

export async function getLead(ctx: CoreContext, actor: Actor, id: number) {
  return loadLeadFor(ctx.db, actor, id);
}
