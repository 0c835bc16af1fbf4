// The digests' aggregate queries as a port (connectors/db/stores/digests.ts): windows,
// FILTER and percentiles in SQL, so a digest costs a handful of statements whatever the
// data volume. Core decides what goes in (periods, the recipient's local day, the stale
// threshold, how many items a list shows) and shapes the rows into a digest.
import type { DbOrTx } from '../db.js';
import type { Interval, LeadSource, ManagerOverdue } from './digest.js';

/** One user's "today" tasks: open, effective due before `dayEnd`; overdue = due before `now`. */
export interface TodayTasksRequest {
  userId: number;
  now: Date;
  dayEnd: Date;
}
export interface TodayTaskRow {
  uid: number;
  id: number;
  title: string;
  due: Date;
  overdue: boolean;
  /** how many tasks the list holds in all */
  n: number;
}

/** One user's new leads (status new, assigned to them). */
export interface NewLeadsRequest {
  userId: number;
  workspaceId: number;
}
export interface LeadRow {
  /** null for the workspace's unassigned leads */
  uid: number | null;
  id: number;
  title: string;
  source: LeadSource;
  createdAt: Date;
  n: number;
}

/** One owner's open deals with no activity since `before`. */
export interface StaleDealsRequest {
  userId: number;
  workspaceId: number;
  before: Date;
}
export interface StaleDealRow {
  uid: number;
  id: number;
  title: string;
  amount: string | null;
  currency: string | null;
  lastActivityAt: Date;
  n: number;
}

/** A team digest's two periods: `period` and the one before it (`previous`). */
export interface TeamQuery {
  workspaceId: number;
  period: Interval;
  previous: Interval;
}
export interface SourceRow {
  source: LeadSource;
  current: number;
  previous: number;
}
/** Leads created in one period (cur: the current one); response times in seconds. */
export interface LeadStatsRow {
  cur: boolean;
  leads: number;
  converted: number;
  responded: number;
  unanswered: number;
  median: number | null;
  p90: number | null;
}
/** Deals closed in one period, per status and currency. */
export interface ClosedDealsRow {
  status: 'won' | 'lost';
  currency: string | null;
  cur: boolean;
  n: number;
  /** sum of amounts, two decimals */
  total: string;
}
/** Open deals of one open stage of a pipeline, per currency (a stage without deals: one row, n 0). */
export interface FunnelRow {
  pipelineId: number;
  pipelineName: string;
  isDefault: boolean;
  stageId: number;
  name: string;
  position: number;
  currency: string | null;
  n: number;
  total: string | null;
}

export interface DigestStore {
  /** Per user: the first `limit` tasks of each list (overdue, due today) by due time, then id, with the list's count. */
  todayTasks(db: DbOrTx, reqs: TodayTasksRequest[], limit: number): Promise<TodayTaskRow[]>;
  /** Per user: the newest `limit` new leads, with the count. */
  newLeads(db: DbOrTx, reqs: NewLeadsRequest[], limit: number): Promise<LeadRow[]>;
  /** The workspace's newest `limit` new leads nobody owns, with the count (uid null). */
  unassignedLeads(db: DbOrTx, q: { workspaceId: number; limit: number }): Promise<LeadRow[]>;
  /** Per owner: the quietest `limit` stale open deals, with the count. */
  staleDeals(db: DbOrTx, reqs: StaleDealsRequest[], limit: number): Promise<StaleDealRow[]>;
  /** Leads created in each period, per source (sources with none in either: absent). */
  leadsBySource(db: DbOrTx, q: TeamQuery): Promise<SourceRow[]>;
  /** Leads created in each period: converted (a deal or status converted), answered, unanswered (not junk), response median and p90. */
  leadStats(db: DbOrTx, q: TeamQuery): Promise<LeadStatsRow[]>;
  /** Deals won or lost in each period. */
  closedDeals(db: DbOrTx, q: TeamQuery): Promise<ClosedDealsRow[]>;
  /** Deals won and lost in each period, per pipeline. */
  closedByPipeline(db: DbOrTx, q: TeamQuery): Promise<Array<{ pipelineId: number; cur: boolean; won: number; lost: number }>>;
  /** Open deals of every pipeline by open stage: the default pipeline first, then by id, each in stage order. */
  funnel(db: DbOrTx, q: { workspaceId: number }): Promise<FunnelRow[]>;
  /** Open deals now, and deals that were open at `start` (created before it, closed after it or not at all). */
  openDeals(db: DbOrTx, q: { workspaceId: number; start: Date }): Promise<{ current: number; previous: number }>;
  /**
   * Overdue open tasks per assignee at `now`, and how many were overdue at `then` (existing,
   * due before then, open then: open now or completed since); managers with neither left out;
   * most overdue first.
   */
  overdueByManager(db: DbOrTx, q: { workspaceId: number; now: Date; then: Date }): Promise<ManagerOverdue[]>;
}
