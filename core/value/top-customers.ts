// `/top`: the best customers by won amount over a period (the last 7, 30, 90 or 365 days up
// to now), contacts or companies, the first few per currency (amounts in different currencies
// are never added up). For heads of sales and admins.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import { DomainError } from '../errors.js';
import type { TopRow } from './value-store.js';

export const TOP_PERIODS = [7, 30, 90, 365] as const;
export type TopPeriodDays = (typeof TOP_PERIODS)[number];
export type TopKind = 'contact' | 'company';

export interface TopCustomers {
  kind: TopKind;
  days: TopPeriodDays;
  start: Date;
  end: Date;
  /** per currency, best first */
  byCurrency: Array<{ currency: string; rows: TopRow[] }>;
}

export function isTopPeriod(n: number): n is TopPeriodDays {
  return (TOP_PERIODS as readonly number[]).includes(n);
}

export function groupByCurrency(rows: TopRow[]): Array<{ currency: string; rows: TopRow[] }> {
  const out = new Map<string, TopRow[]>();
  for (const r of rows) {
    const list = out.get(r.currency) ?? [];
    list.push(r);
    out.set(r.currency, list);
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, list]) => ({ currency, rows: list }));
}

export async function topCustomers(ctx: CoreContext, actor: Actor, input: { kind: TopKind; days: TopPeriodDays; limit?: number }): Promise<TopCustomers> {
  if (!seesWholeTeam(actor)) throw new DomainError('forbidden', 'value.top.heads_only');
  const end = ctx.clock.now();
  const start = new Date(end.getTime() - input.days * 86_400_000);
  const rows = await ctx.stores.customerValue.top(ctx.db, {
    workspaceId: actor.workspaceId,
    kind: input.kind,
    start,
    end,
    limit: Math.max(1, Math.min(input.limit ?? 10, 50)),
  });
  return { kind: input.kind, days: input.days, start, end, byCurrency: groupByCurrency(rows) };
}
