// The manager's "today": overdue and due-today tasks, their new leads (plus unassigned ones
// for heads) and deals with no activity for the workspace's staleDealDays, all in the
// recipient's local day. Each section is one query of the digest store (digest-store.ts)
// returning the total and the first items, batched across the digests a DigestRun composes
// concurrently.
import type { CoreContext } from '../context.js';
import type { DealItem, LeadItem, Listed, TaskItem, TodayDigest } from './digest.js';
import type { LeadRow, NewLeadsRequest, StaleDealRow, StaleDealsRequest, TodayTaskRow, TodayTasksRequest } from './digest-store.js';
import { DigestRun } from './digest-run.js';
import { startOfLocalDay } from '../time/zoned.js';
import { loadRecipient, seesTeam } from './recipient.js';

/** How many items of each list a digest shows (the count covers all). */
export const DIGEST_LIST_LIMIT = 10;
const DAY_MS = 86_400_000;

export async function composeTodayDigest(ctx: CoreContext, userId: number, now: Date, run = new DigestRun(now)): Promise<TodayDigest> {
  const recipient = await loadRecipient(ctx.db, userId, run);
  const { staleDealDays, ...who } = recipient;
  const day = { start: startOfLocalDay(now, who.timezone), end: startOfLocalDay(now, who.timezone, 1) };
  const staleBefore = new Date(now.getTime() - staleDealDays * DAY_MS);
  const { db, stores } = ctx;
  const store = stores.digests;

  const [tasks, newLeads, unassignedLeads, staleDeals] = await Promise.all([
    run.batch('today.tasks', userId, { userId, now, dayEnd: day.end }, async (reqs: TodayTasksRequest[]) =>
      taskLists(await store.todayTasks(db, reqs, DIGEST_LIST_LIMIT)),
    ),
    run.batch('today.leads', userId, { userId, workspaceId: who.workspaceId }, async (reqs: NewLeadsRequest[]) =>
      groupLeads(await store.newLeads(db, reqs, DIGEST_LIST_LIMIT)),
    ),
    seesTeam(who)
      ? run.once(`unassigned:${who.workspaceId}`, async () => {
          const rows = await store.unassignedLeads(db, { workspaceId: who.workspaceId, limit: DIGEST_LIST_LIMIT });
          return groupLeads(rows).get(0) ?? { count: 0, items: [] };
        })
      : Promise.resolve(null),
    run.batch('today.deals', userId, { userId, workspaceId: who.workspaceId, before: staleBefore }, async (reqs: StaleDealsRequest[]) =>
      dealLists(await store.staleDeals(db, reqs, DIGEST_LIST_LIMIT)),
    ),
  ]);
  const emptyTasks = { overdue: { count: 0, items: [] }, dueToday: { count: 0, items: [] } };
  return {
    kind: 'today',
    recipient: who,
    generatedAt: now,
    day,
    overdue: (tasks ?? emptyTasks).overdue,
    dueToday: (tasks ?? emptyTasks).dueToday,
    newLeads: newLeads ?? { count: 0, items: [] },
    unassignedLeads,
    staleDeals: { ...(staleDeals ?? { count: 0, items: [] }), days: staleDealDays },
  };
}

type TaskLists = { overdue: Listed<TaskItem>; dueToday: Listed<TaskItem> };

/** Each user's overdue and due-today lists. */
function taskLists(rows: TodayTaskRow[]): Map<number, TaskLists> {
  const out = new Map<number, TaskLists>();
  for (const r of rows) {
    let lists = out.get(r.uid);
    if (!lists) out.set(r.uid, (lists = { overdue: { count: 0, items: [] }, dueToday: { count: 0, items: [] } }));
    const list = r.overdue ? lists.overdue : lists.dueToday;
    list.count = r.n;
    list.items.push({ id: r.id, title: r.title, dueAt: r.due });
  }
  return out;
}

function groupLeads(rows: LeadRow[]): Map<number, Listed<LeadItem>> {
  const out = new Map<number, Listed<LeadItem>>();
  for (const r of rows) {
    const key = r.uid ?? 0;
    let list = out.get(key);
    if (!list) out.set(key, (list = { count: r.n, items: [] }));
    list.items.push({ id: r.id, title: r.title, source: r.source, createdAt: r.createdAt });
  }
  return out;
}

function dealLists(rows: StaleDealRow[]): Map<number, Listed<DealItem>> {
  const out = new Map<number, Listed<DealItem>>();
  for (const r of rows) {
    let list = out.get(r.uid);
    if (!list) out.set(r.uid, (list = { count: r.n, items: [] }));
    list.items.push({
      id: r.id,
      title: r.title,
      amount: r.amount !== null && r.currency ? { amount: r.amount, currency: r.currency } : null,
      lastActivityAt: r.lastActivityAt,
    });
  }
  return out;
}
