// Customer value's aggregate queries as a port (connectors/db/stores/customer-value.ts): sums
// per currency, counts, first/last message and the mean first response of a set of contacts
// (one contact, or a company's), rankings by won amount over a period, and the team digest's
// extra sections. Core decides the scope (which contacts, which company, which period) and
// shapes the rows; the store only aggregates.
import type { DbOrTx } from '../db.js';

/** A scope of customers: these contacts, and (for a company) deals filed under the company. */
export interface ValueScope {
  workspaceId: number;
  contactIds: number[];
  /** a company's deals count even without one of its contacts on them */
  companyId: number | null;
}

export interface DealSumRow {
  status: 'open' | 'won' | 'lost';
  /** null for deals without an amount */
  currency: string | null;
  n: number;
  /** two decimals; '0.00' when no deal has an amount */
  total: string;
}

export interface InteractionRow {
  first: Date | null;
  last: Date | null;
  /** mean seconds from a lead's creation to its first response, over answered leads */
  avgResponse: number | null;
  responded: number;
}

export interface PeriodQuery {
  workspaceId: number;
  start: Date;
  end: Date;
}

/** One customer's won deals of a period in one currency. */
export interface TopRow {
  id: number;
  name: string;
  currency: string;
  n: number;
  total: string;
}

export interface LostReasonRow {
  /** the reason as first written (null: none given); reasons equal up to case and spaces are one */
  reason: string | null;
  n: number;
  currency: string | null;
  total: string;
}

/** One manager's period: leads assigned (created in it), converted, and won deals per currency. */
export interface ManagerRow {
  userId: number;
  name: string;
  leads: number;
  converted: number;
  /** null on the row of a manager with no won deal */
  currency: string | null;
  won: number;
  total: string | null;
}

/** First responses of the leads created in a period (junk left out). */
export interface ResponseShareRow {
  leads: number;
  within5: number;
  /** leads that had a first-response deadline */
  withDue: number;
  withinSla: number;
}

export interface CustomerValueStore {
  /** Deals of the scope per status and currency. */
  dealSums(db: DbOrTx, q: ValueScope): Promise<DealSumRow[]>;
  /** First and last message (either direction) of the scope's conversations; mean first response of its leads. */
  interactions(db: DbOrTx, q: ValueScope): Promise<InteractionRow>;
  /** Contacts (kind contact) or companies by won amount in the period: the first `limit` per currency. */
  top(db: DbOrTx, q: PeriodQuery & { kind: 'contact' | 'company'; limit: number }): Promise<TopRow[]>;
  /** Deals lost in the period by reason and currency. */
  lostReasons(db: DbOrTx, q: PeriodQuery): Promise<LostReasonRow[]>;
  /** Per manager: leads created in the period assigned to them, how many became deals, deals they won in it. */
  managers(db: DbOrTx, q: PeriodQuery): Promise<ManagerRow[]>;
  /** First responses within 5 minutes and within the SLA deadline, of the leads created in the period. */
  responseShares(db: DbOrTx, q: PeriodQuery & { fastSeconds: number }): Promise<ResponseShareRow>;
  /** The workspace's most used contact tags. */
  popularTags(db: DbOrTx, q: { workspaceId: number; limit: number }): Promise<string[]>;
}
