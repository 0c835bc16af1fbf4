// Finding what a manager names in chat: a deal by number or title (trying the name forms a
// Russian sentence may inflect, "Ромашку" -> "Ромашка"), a colleague by name.
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { findDeals, getDeal, type DealView } from '../deals/index.js';
import { dealNameCandidates } from './parse/name-candidates.js';
import { parseId } from './commands/command.js';

export type DealLookup = { kind: 'one'; deal: DealView } | { kind: 'many'; deals: DealView[] } | { kind: 'none' };

export async function lookupDeal(ctx: CoreContext, actor: Actor, query: string): Promise<DealLookup> {
  const id = parseId(query);
  if (id !== null) return { kind: 'one', deal: await getDeal(ctx, actor, id) };
  const seen = new Map<number, DealView>();
  for (const candidate of [query, ...dealNameCandidates(query)]) {
    const found = await findDeals(ctx, actor, candidate, { limit: 6 });
    const open = found.filter((d) => d.status === 'open');
    const pick = open.length ? open : found;
    if (pick.length === 1) return { kind: 'one', deal: pick[0]! };
    for (const d of pick) seen.set(d.id, d);
    if (seen.size) break;
  }
  if (seen.size === 0) return { kind: 'none' };
  return { kind: 'many', deals: [...seen.values()].slice(0, 6) };
}

export async function findMemberByName(ctx: CoreContext, actor: Actor, name: string) {
  const candidates = [name, ...dealNameCandidates(name)].map((n) => n.trim()).filter(Boolean);
  for (const c of candidates) {
    const users = await ctx.db.user.findMany({
      where: { workspaceId: actor.workspaceId, active: true, name: { contains: c, mode: 'insensitive' } },
      take: 2,
    });
    if (users.length === 1) return users[0]!;
  }
  return null;
}
