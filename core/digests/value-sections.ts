// The team digest's customer-value sections (issue 16), kept apart from the funnel sections:
// why deals were lost (by reason, with amounts), each manager's won amount and lead → deal
// conversion, the share of first responses within 5 minutes and within the SLA deadline, and
// the period's top customers by won amount. Four statements of ctx.stores.customerValue,
// shared by every head with the same (workspace, period) through the DigestRun.
import type { CoreContext } from '../context.js';
import type { Interval, Money } from './digest.js';
import { groupByCurrency } from '../value/top-customers.js';
import type { ResponseShareRow, TopRow } from '../value/value-store.js';

/** "Fast" first response: within this many seconds of the lead's creation. */
export const FAST_RESPONSE_SECONDS = 5 * 60;
/** Top customers shown per currency. */
export const DIGEST_TOP_CUSTOMERS = 5;

export interface LostReason {
  /** as first written; null: none given */
  reason: string | null;
  count: number;
  amounts: Money[];
}

export interface ManagerValue {
  userId: number;
  name: string;
  /** leads created in the period assigned to them */
  leads: number;
  /** of those, how many became a deal */
  converted: number;
  /** deals they own won in the period */
  won: number;
  wonAmounts: Money[];
}

export interface DigestValueSections {
  lostReasons: LostReason[];
  lostTotal: number;
  managers: ManagerValue[];
  responses: ResponseShareRow;
  topCustomers: Array<{ currency: string; rows: TopRow[] }>;
}

export async function valueSections(ctx: CoreContext, workspaceId: number, period: Interval): Promise<DigestValueSections> {
  const store = ctx.stores.customerValue;
  const q = { workspaceId, start: period.start, end: period.end };
  const [lost, managerRows, responses, top] = await Promise.all([
    store.lostReasons(ctx.db, q),
    store.managers(ctx.db, q),
    store.responseShares(ctx.db, { ...q, fastSeconds: FAST_RESPONSE_SECONDS }),
    store.top(ctx.db, { ...q, kind: 'contact', limit: DIGEST_TOP_CUSTOMERS }),
  ]);
  const reasons = new Map<string, LostReason>();
  for (const r of lost) {
    const key = r.reason === null ? '' : r.reason.toLowerCase();
    let item = reasons.get(key);
    if (!item) reasons.set(key, (item = { reason: r.reason, count: 0, amounts: [] }));
    item.count += r.n;
    if (r.currency) item.amounts.push({ currency: r.currency, amount: r.total });
  }
  for (const r of reasons.values()) r.amounts.sort((a, b) => a.currency.localeCompare(b.currency));
  const lostReasons = [...reasons.values()].sort(
    (a, b) => b.count - a.count || (a.reason === null ? 1 : 0) - (b.reason === null ? 1 : 0) || (a.reason ?? '').localeCompare(b.reason ?? ''),
  );
  const managers = new Map<number, ManagerValue>();
  for (const r of managerRows) {
    let m = managers.get(r.userId);
    if (!m) managers.set(r.userId, (m = { userId: r.userId, name: r.name, leads: r.leads, converted: r.converted, won: 0, wonAmounts: [] }));
    m.won += r.won;
    if (r.currency && r.total !== null) m.wonAmounts.push({ currency: r.currency, amount: r.total });
  }
  const managerList = [...managers.values()].sort(
    (a, b) => b.won - a.won || b.converted - a.converted || b.leads - a.leads || a.name.localeCompare(b.name) || a.userId - b.userId,
  );
  return {
    lostReasons,
    lostTotal: lostReasons.reduce((s, r) => s + r.count, 0),
    managers: managerList,
    responses,
    topCustomers: groupByCurrency(top),
  };
}
