// "Mine" in the Mini App: my open leads and my open tasks (overdue, today, the next days),
// read with the same list use cases as /leads mine and /today.
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { listLeads } from '../leads/index.js';
import { listTasks, effectiveDueAt } from '../tasks/index.js';

const READ = 50;

export interface MyLead {
  id: number;
  title: string;
  status: string;
  contactId: number;
  source: string;
  createdAt: string;
  firstResponseDueAt: string | null;
}
export interface MyTask {
  id: number;
  title: string;
  due: string;
  overdue: boolean;
  contactId: number | null;
  dealId: number | null;
}

export async function myWork(ctx: CoreContext, actor: Actor): Promise<{ leads: MyLead[]; tasks: MyTask[] }> {
  const now = ctx.clock.now();
  const [leads, overdue, today, upcoming] = await Promise.all([
    listLeads(ctx, actor, { filter: 'mine', limit: READ }),
    listTasks(ctx, actor, 'overdue', { limit: READ }),
    listTasks(ctx, actor, 'today', { limit: READ }),
    listTasks(ctx, actor, 'upcoming', { limit: 20 }),
  ]);
  const seen = new Set<number>();
  const tasks: MyTask[] = [];
  for (const task of [...overdue, ...today, ...upcoming]) {
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    const due = effectiveDueAt(task);
    tasks.push({ id: task.id, title: task.title, due: due.toISOString(), overdue: due < now, contactId: task.contactId, dealId: task.dealId });
  }
  return {
    leads: leads.map((l) => ({
      id: l.id,
      title: l.title,
      status: l.status,
      contactId: l.contactId,
      source: l.source,
      createdAt: l.createdAt.toISOString(),
      firstResponseDueAt: l.firstResponseDueAt?.toISOString() ?? null,
    })),
    tasks,
  };
}
