// The composed digest: plain data that the text renderer (core) and the chart renderer
// (connectors/charts) both read. Dates are instants; money amounts are decimal strings.
import type { Locale } from '../i18n/index.js';
import type { ChannelName } from '../channels.js';

export type DigestKind = 'today' | 'team_daily' | 'team_weekly';
export const DIGEST_KINDS: readonly DigestKind[] = ['today', 'team_daily', 'team_weekly'];

export type LeadSource = ChannelName;

export interface DigestRecipient {
  userId: number;
  workspaceId: number;
  name: string;
  role: 'admin' | 'head' | 'manager';
  locale: Locale;
  timezone: string;
}

export interface Money {
  currency: string;
  /** decimal string, e.g. "120000.00" */
  amount: string;
}

/** A value of this period beside the same value of the period before. */
export interface Compared {
  current: number;
  previous: number;
}

export interface Interval {
  start: Date;
  end: Date;
}

export interface TaskItem {
  id: number;
  title: string;
  /** snoozedUntil when snoozed, else dueAt */
  dueAt: Date;
}
export interface LeadItem {
  id: number;
  title: string;
  source: LeadSource;
  createdAt: Date;
}
export interface DealItem {
  id: number;
  title: string;
  amount: Money | null;
  lastActivityAt: Date;
}

/** A list shown in a digest: the total and the first few items. */
export interface Listed<T> {
  count: number;
  items: T[];
}

export interface TodayDigest {
  kind: 'today';
  recipient: DigestRecipient;
  generatedAt: Date;
  /** the recipient's local calendar day containing generatedAt */
  day: Interval;
  overdue: Listed<TaskItem>;
  dueToday: Listed<TaskItem>;
  newLeads: Listed<LeadItem>;
  /** new leads nobody owns; only for heads of sales and admins */
  unassignedLeads: Listed<LeadItem> | null;
  staleDeals: Listed<DealItem> & { days: number };
}

export interface FunnelStage {
  stageId: number;
  name: string;
  position: number;
  count: number;
  amounts: Money[];
}

export interface PipelineFunnel {
  pipelineId: number;
  name: string;
  isDefault: boolean;
  stages: FunnelStage[];
  /** open deals now */
  open: number;
  /** deals won / lost in the period and the one before */
  won: Compared;
  lost: Compared;
}

export interface FirstResponseStats {
  /** seconds; null when no lead of the period has been answered */
  median: number | null;
  p90: number | null;
  responded: number;
  unanswered: number;
}

export interface ManagerOverdue {
  userId: number;
  name: string;
  current: number;
  previous: number;
}

export interface TeamDigest {
  kind: 'team_daily' | 'team_weekly';
  recipient: DigestRecipient;
  generatedAt: Date;
  /** yesterday, or the last 7 full days, in the recipient's time zone */
  period: Interval;
  previousPeriod: Interval;
  leadsBySource: Array<{ source: LeadSource } & Compared>;
  leadsTotal: Compared;
  /** open deals of the default pipeline by stage, now */
  funnel: FunnelStage[];
  /** every pipeline's funnel and closed deals, when the workspace has more than one */
  pipelines?: PipelineFunnel[];
  /** open deals now vs open at the start of the period */
  openDeals: Compared;
  conversion: {
    /** leads created in the period */
    leads: Compared;
    /** of those, how many became a deal */
    converted: Compared;
    /** deals closed as won / lost in the period */
    won: Compared;
    lost: Compared;
  };
  wonAmount: Array<{ currency: string; current: string; previous: string }>;
  firstResponse: { current: FirstResponseStats; previous: FirstResponseStats };
  /** open overdue tasks per manager now vs one period earlier */
  overdueByManager: ManagerOverdue[];
}

export type Digest = TodayDigest | TeamDigest;

export function isTeamDigest(d: Digest): d is TeamDigest {
  return d.kind !== 'today';
}
