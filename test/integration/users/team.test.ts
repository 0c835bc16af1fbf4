// The team use cases against Postgres (core/users/team.ts, vacation.ts, handover.ts): who may
// do what, a vacation's end run twice, late or after a newer vacation, the periodic sweep, and
// a handover's plan (round robin keeps a customer's lead, deal and tasks together; digests).
import { beforeEach, describe, expect, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection, type ManualClock, type RecordingScheduler } from '../../support/team.js';
import type { Actor } from '../../../core/actor.js';
import type { CoreContext } from '../../../core/context.js';
import {
  changeRole,
  deactivateMember,
  endDueVacations,
  endVacation,
  listTeam,
  planHandover,
  reconcileVacations,
  setVacation,
} from '../../../core/users/index.js';
import { parseReturn } from '../../../core/chat/commands/team.js';
import { createDeal } from '../../../core/deals/index.js';
import { createTask } from '../../../core/tasks/index.js';

const db = testDb();
const NOW = new Date('2026-03-10T09:00:00Z');
let ctx: CoreContext;
let clock: ManualClock;
let scheduler: RecordingScheduler;
let workspaceId: number;
let admin: Actor, head: Actor, mary: Actor, bob: Actor, carl: Actor;

beforeEach(async () => {
  const team = await makeTeam(db, {
    now: NOW,
    timezone: 'Europe/Berlin',
    members: [
      { name: 'Ada', role: 'admin' },
      { name: 'Hugo', role: 'head' },
      { name: 'Mary', role: 'manager' },
      { name: 'Bob', role: 'manager' },
      { name: 'Carl', role: 'manager' },
    ],
  });
  ({ ctx, clock, scheduler, workspaceId } = team);
  [admin, head, mary, bob, carl] = team.actors as [Actor, Actor, Actor, Actor, Actor];
});

async function lead(owner: Actor, name: string) {
  const contact = await db.contact.create({ data: { workspaceId, name, nameKey: name.toLowerCase() } });
  return db.lead.create({ data: { workspaceId, contactId: contact.id, source: 'web', title: name, assigneeId: owner.userId } });
}

describe('vacations', () => {
  it('set by a head: off duty, its end scheduled; a manager and a past or far date are refused', async () => {
    const until = new Date(NOW.getTime() + 7 * 86_400_000);
    expect((await rejection(() => setVacation(ctx, mary, bob.userId, until))).key).toBe('team.forbidden_heads');
    expect((await rejection(() => setVacation(ctx, head, bob.userId, new Date(NOW.getTime() - 1000)))).key).toBe('team.vacation_past');
    expect((await rejection(() => setVacation(ctx, head, bob.userId, new Date(NOW.getTime() + 400 * 86_400_000)))).key).toBe('team.vacation_too_long');
    expect(await db.user.findUniqueOrThrow({ where: { id: bob.userId } })).toMatchObject({ onDuty: true, vacationUntil: null });

    await setVacation(ctx, head, bob.userId, until);
    expect(await db.user.findUniqueOrThrow({ where: { id: bob.userId } })).toMatchObject({ onDuty: false, vacationUntil: until });
    expect(scheduler.calls).toContainEqual(['scheduleVacationEnd', bob.userId, until]);
  });

  it('ends once, not early, and never a newer vacation; the sweep ends a due one without its job', async () => {
    const first = new Date(NOW.getTime() + 3600_000);
    await setVacation(ctx, admin, bob.userId, first);
    expect(await endVacation(ctx, bob.userId, first.getTime())).toEqual({ ended: false, reason: 'early' });

    // extended before the first end fired: the old job finds a newer vacation and leaves it
    const second = new Date(NOW.getTime() + 2 * 3600_000);
    await setVacation(ctx, admin, bob.userId, second);
    clock.advance(3 * 3600_000);
    expect(await endVacation(ctx, bob.userId, first.getTime())).toEqual({ ended: false, reason: 'changed' });
    const ended = await endVacation(ctx, bob.userId, second.getTime());
    expect(ended.ended).toBe(true);
    // run again (a retried job, the sweep): nothing more
    expect(await endVacation(ctx, bob.userId, second.getTime())).toEqual({ ended: false, reason: 'changed' });
    expect(await db.user.findUniqueOrThrow({ where: { id: bob.userId } })).toMatchObject({ onDuty: true, vacationUntil: null });
    expect(await db.auditLog.count({ where: { workspaceId, action: 'user.vacation_over', entityId: String(bob.userId) } })).toBe(1);

    // a vacation whose job was lost: the sweep ends it, and reconciliation schedules pending ones again
    await setVacation(ctx, admin, carl.userId, new Date(clock.now().getTime() + 60_000));
    await setVacation(ctx, admin, mary.userId, new Date(clock.now().getTime() + 86_400_000));
    const planned: number[] = [];
    expect(await reconcileVacations(ctx, { scheduleVacationEnd: async (id) => void planned.push(id) }, { workspaceIds: [workspaceId] })).toBe(2);
    expect(planned.sort()).toEqual([mary.userId, carl.userId].sort());
    clock.advance(120_000);
    const swept = (await endDueVacations(ctx, { workspaceIds: [workspaceId] })).filter((s) => [carl.userId, mary.userId].includes(s.userId));
    expect(swept.map((s) => [s.userId, s.outcome.ended])).toEqual([[carl.userId, true]]);
    expect((await db.user.findUniqueOrThrow({ where: { id: mary.userId } })).onDuty).toBe(false);
  });
});

describe('roles', () => {
  it('only admins change roles; the last admin stays one; a new head gets the team digests', async () => {
    expect((await rejection(() => changeRole(ctx, head, bob.userId, 'head'))).key).toBe('team.forbidden_admin');
    expect((await rejection(() => changeRole(ctx, admin, admin.userId, 'manager'))).key).toBe('team.last_admin');
    await changeRole(ctx, admin, bob.userId, 'head');
    expect((await db.user.findUniqueOrThrow({ where: { id: bob.userId } })).role).toBe('head');
    const kinds = (await db.digestSubscription.findMany({ where: { userId: bob.userId } })).map((s) => s.kind).sort();
    expect(kinds).toEqual(['team_daily', 'team_weekly', 'today']);
    expect(await db.auditLog.count({ where: { workspaceId, action: 'user.set_role' } })).toBe(1);
  });
});

describe('handover', () => {
  it('round robin keeps a lead, its deal and their tasks together; digests go to the first receiver; the load moves', async () => {
    const [l1, l2, l3] = [await lead(mary, 'Ivan'), await lead(mary, 'Olga'), await lead(mary, 'Petr')];
    const d1 = await createDeal(ctx, mary, { title: 'Ivan deal', leadId: l1.id });
    const k1 = await createTask(ctx, mary, { title: 'Call Ivan', dueAt: new Date(NOW.getTime() + 3600_000), dealId: d1.id });
    const k2 = await createTask(ctx, mary, { title: 'Write Petr', dueAt: new Date(NOW.getTime() + 3600_000), leadId: l3.id });
    const plan = await planHandover(ctx, admin, mary.userId, { kind: 'round_robin' });
    expect(plan.receivers.map((r) => r.id)).toEqual([bob.userId, carl.userId]);
    const to = (xs: Array<{ id: number; to: number }>) => Object.fromEntries(xs.map((x) => [x.id, x.to]));
    expect(to(plan.leads)).toEqual({ [l1.id]: bob.userId, [l2.id]: carl.userId, [l3.id]: bob.userId });
    expect(to(plan.deals)).toEqual({ [d1.id]: bob.userId });
    expect(to(plan.tasks)).toEqual({ [k1.id]: bob.userId, [k2.id]: bob.userId });
    // Bob has his own "today": Mary's is switched off rather than doubled
    expect(plan.subscriptions).toEqual([expect.objectContaining({ kind: 'today', to: null })]);

    const result = await deactivateMember(ctx, admin, mary.userId, { kind: 'round_robin' });
    expect(result.notices).toEqual([]); // nobody here has a linked chat
    const load = Object.fromEntries((await listTeam(ctx, admin)).map((m) => [m.name, m.load]));
    expect(load).toEqual({
      Ada: { leads: 0, deals: 0, tasks: 0 },
      Hugo: { leads: 0, deals: 0, tasks: 0 },
      Bob: { leads: 2, deals: 1, tasks: 2 },
      Carl: { leads: 1, deals: 0, tasks: 0 },
    });
    expect(await db.digestSubscription.count({ where: { userId: mary.userId, enabled: true } })).toBe(0);
  });

  it('refuses: a manager or head, oneself, nobody on duty to take the work; nothing changes', async () => {
    await lead(mary, 'Ivan');
    expect((await rejection(() => deactivateMember(ctx, head, mary.userId, { kind: 'round_robin' }))).key).toBe('team.forbidden_admin');
    expect((await rejection(() => deactivateMember(ctx, mary, bob.userId, { kind: 'round_robin' }))).key).toBe('team.forbidden_admin');
    expect((await rejection(() => deactivateMember(ctx, admin, admin.userId, { kind: 'round_robin' }))).key).toBe('team.cannot_deactivate_self');
    expect((await rejection(() => deactivateMember(ctx, admin, mary.userId, { kind: 'user', userId: mary.userId }))).key).toBe('team.handover_to_self');
    await db.user.updateMany({ where: { workspaceId, id: { not: mary.userId } }, data: { onDuty: false } });
    expect((await rejection(() => deactivateMember(ctx, admin, mary.userId, { kind: 'round_robin' }))).key).toBe('team.no_one_to_hand_over');
    expect(await db.user.findUniqueOrThrow({ where: { id: mary.userId } })).toMatchObject({ active: true, onDuty: true });
    expect(await db.auditLog.count({ where: { workspaceId, action: { in: ['user.deactivate', 'lead.assign'] } } })).toBe(0);
  });
});

describe('parseReturn', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  it('reads dates, offsets and ISO times; off is null; nonsense is undefined', () => {
    expect(parseReturn('2026-12-20', now, 'Europe/Berlin')?.toISOString()).toBe('2026-12-19T23:00:00.000Z');
    expect(parseReturn('20.12', now, 'Europe/Moscow')?.toISOString()).toBe('2026-12-19T21:00:00.000Z');
    // a day without a year that has passed is next year's
    expect(parseReturn('15.11', now, 'UTC')?.toISOString()).toBe('2027-11-15T00:00:00.000Z');
    expect(parseReturn('10d', now, 'UTC')?.toISOString()).toBe('2026-12-11T10:00:00.000Z');
    expect(parseReturn('2w', now, 'UTC')?.toISOString()).toBe('2026-12-15T10:00:00.000Z');
    expect(parseReturn('2026-12-01T10:00:05Z', now, 'UTC')?.toISOString()).toBe('2026-12-01T10:00:05.000Z');
    expect(parseReturn('off', now, 'UTC')).toBeNull();
    expect(parseReturn('выкл', now, 'UTC')).toBeNull();
    expect(parseReturn('31.02', now, 'UTC')).toBeUndefined();
    expect(parseReturn('someday', now, 'UTC')).toBeUndefined();
  });
});
