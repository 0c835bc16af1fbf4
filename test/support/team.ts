// A fresh workspace with a small team, built through the core use cases.
import type { Db } from '../../core/db.js';
import type { Actor } from '../../core/actor.js';
import { systemActor } from '../../core/actor.js';
import type { CoreContext } from '../../core/context.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import type { Clock, Scheduler } from '../../core/ports.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { addUser } from '../../core/users/add-user.js';
import { actorForUser } from '../../core/users/find-users.js';
import { uniqueSlug } from './db.js';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A Scheduler that remembers what it was asked to do. */
export class RecordingScheduler implements Scheduler {
  calls: Array<[string, number, Date?]> = [];
  async scheduleReminder(taskId: number, dueAt: Date) {
    this.calls.push(['scheduleReminder', taskId, dueAt]);
  }
  async cancelReminder(taskId: number) {
    this.calls.push(['cancelReminder', taskId]);
  }
  async scheduleSlaCheck(leadId: number, dueAt: Date) {
    this.calls.push(['scheduleSlaCheck', leadId, dueAt]);
  }
  async scheduleVacationEnd(userId: number, at: Date) {
    this.calls.push(['scheduleVacationEnd', userId, at]);
  }
}

export interface TeamMemberSpec {
  name: string;
  role: 'manager' | 'head' | 'admin';
  timezone?: string;
  locale?: string;
}

export async function makeTeam(
  db: Db,
  options: { locale?: string; timezone?: string; now?: Date; members: TeamMemberSpec[] },
): Promise<{ ctx: CoreContext; clock: ManualClock; scheduler: RecordingScheduler; workspaceId: number; system: Actor; actors: Actor[] }> {
  const ws = await ensureWorkspace(db, uniqueSlug('team'), { timezone: options.timezone ?? 'Europe/Moscow', locale: options.locale ?? 'en' });
  const clock = new ManualClock(options.now ?? new Date());
  const scheduler = new RecordingScheduler();
  const ctx = dbContext(db, { clock, scheduler });
  const system = systemActor(ws);
  const actors: Actor[] = [];
  for (const m of options.members) {
    const { user } = await addUser(ctx, system, m);
    actors.push(await actorForUser(db, user.id));
  }
  return { ctx, clock, scheduler, workspaceId: ws.id, system, actors };
}

/** Runs fn and returns the DomainError key (or code) it threw. */
export async function rejection(fn: () => Promise<unknown>): Promise<{ code?: string; key?: string; message?: string }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { code?: string; key?: string; message?: string };
    return { code: err.code, key: err.key, message: err.message };
  }
  throw new Error('expected a rejection');
}
