// The API's answers, as core/miniapp returns them (JSON: dates as ISO strings).
export interface Me {
  userId: number;
  name: string;
  role: 'admin' | 'head' | 'manager';
  locale: 'en' | 'ru';
  timezone: string;
}
export interface BoardDeal {
  id: number;
  title: string;
  amount: string | null;
  currency: string | null;
  status: string;
  owner: { id: number; name: string };
  contact: { id: number; name: string } | null;
  company: string | null;
  lastActivityAt: string;
}
export interface BoardStage {
  id: number;
  name: string;
  kind: string;
  position: number;
  total: number;
  deals: BoardDeal[];
}
export interface Board {
  pipelines: Array<{ id: number; name: string; isDefault: boolean }>;
  pipeline: { id: number; name: string };
  stages: BoardStage[];
}
export interface Mine {
  leads: Array<{ id: number; title: string; status: string; contactId: number; source: string; createdAt: string; firstResponseDueAt: string | null }>;
  tasks: Array<{ id: number; title: string; due: string; overdue: boolean; contactId: number | null; dealId: number | null }>;
}
export interface HistoryItem {
  kind: 'message' | 'activity';
  at: string;
  type: string;
  channel?: string;
  text: string;
  author?: string | null;
}
export interface ContactCard {
  id: number;
  name: string;
  company: string | null;
  position: string | null;
  emails: string[];
  phones: string[];
  leads: Array<{ id: number; title: string; status: string }>;
  deals: Array<{ id: number; title: string; status: string; stage: string; amount: string | null; currency: string | null }>;
  history: HistoryItem[];
}
export interface TeamFigures {
  period: { start: string; end: string };
  funnel: Array<{ stageId: number; name: string; count: number; amounts: Array<{ currency: string; amount: string }> }>;
  leadsBySource: Array<{ source: string; current: number; previous: number }>;
  leadsTotal: { current: number; previous: number };
  conversion: { leads: number; converted: number; won: number; lost: number };
  wonAmount: Array<{ currency: string; current: string; previous: string }>;
  firstResponse: { median: number | null; p90: number | null; responded: number; unanswered: number };
  team: Array<{ userId: number; name: string; openDeals: number; overdueTasks: number }>;
}
