// Finding what a manager names in chat: a deal by number or title (trying the name forms a
// Russian sentence may inflect, "Ромашку" -> "Ромашка"), a colleague by name.
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { findDeals, getDeal, type DealView } from '../deals/index.js';
import { dealNameCandidates } from '../parse/name-candidates.js';
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

const fold = (s: string) => s.toLowerCase().replace(/ё/g, 'е').trim();

/**
 * A colleague as a reminder names them: a Telegram "@username", a Slack user id "@U123"
 * (from "<@U123>"), or a name in any Russian case form ("Петру", "Петра", "Петром" -> Пётр;
 * "ё" and "е" are one letter here). Null unless exactly one active member fits.
 */
export async function findMemberByName(ctx: CoreContext, actor: Actor, name: string) {
  const handle = /^@([\w.]+)$/u.exec(name.trim());
  if (handle) {
    const id = handle[1]!;
    const identities = await ctx.db.identity.findMany({
      where: {
        workspaceId: actor.workspaceId,
        userId: { not: null },
        user: { active: true },
        OR: [{ username: { equals: id, mode: 'insensitive' } }, { externalId: id }, { externalId: { endsWith: `:${id}` } }],
      },
      select: { user: true },
      take: 5,
    });
    const users = new Map(identities.map((i) => [i.user!.id, i.user!]));
    return users.size === 1 ? [...users.values()][0]! : null;
  }
  const members = await ctx.db.user.findMany({ where: { workspaceId: actor.workspaceId, active: true }, take: 1000 });
  const candidates = [...new Set([name, ...dealNameCandidates(name)].map(fold).filter(Boolean))];
  // a whole word of the member's name first ("Петру" -> "петр" = "Пётр Смирнов"), then a part of it
  for (const match of [
    (words: string[], c: string) => words.includes(c) || words.join(' ') === c,
    (words: string[], c: string) => words.join(' ').includes(c),
  ]) {
    for (const c of candidates) {
      const hits = members.filter((m) => match(fold(m.name).split(/\s+/), c));
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1) return null;
    }
  }
  return null;
}
