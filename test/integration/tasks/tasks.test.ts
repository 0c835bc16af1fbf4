import { describe, it, expect, beforeAll } from 'vitest';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection, type RecordingScheduler, type ManualClock } from '../../support/team.js';
import type { Actor } from '../../../core/actor.js';
import { withTx, type CoreContext } from '../../../core/context.js';
import { createTask, completeTask, snoozeTask, rescheduleTask, cancelTask, getTask, listTasks, effectiveDueAt } from '../../../core/tasks/index.js';
import { parseLocalDateTime } from '../../../core/time/local-date-time.js';
import { ensureNextOccurrence } from '../../../core/tasks/ensure-next-occurrence.js';

const db = testDb();
let ctx: CoreContext;
let scheduler: RecordingScheduler;
let clock: ManualClock;
let head: Actor, msk: Actor, nyc: Actor, other: Actor;
// 00:30 on Mar 11 in Moscow, 17:30 on Mar 10 in New York (already on summer time)
const NOW = new Date('2026-03-10T21:30:00Z');

beforeAll(async () => {
  const team = await makeTeam(db, {
    now: NOW,
    members: [
      { name: 'Head', role: 'head', timezone: 'Europe/Moscow' },
      { name: 'Masha', role: 'manager', timezone: 'Europe/Moscow' },
      { name: 'Nick', role: 'manager', timezone: 'America/New_York' },
      { name: 'Olga', role: 'manager' },
    ],
  });
  ({ ctx, scheduler, clock } = team);
  [head, msk, nyc, other] = team.actors as [Actor, Actor, Actor, Actor];
});

describe('recurring tasks', () => {
  it('completing an occurrence creates and schedules the next one at the same local time, across DST', async () => {
    clock.current = NOW;
    // created by Masha for her colleague Nick: "every Monday at 9" in Nick's zone
    const first = await createTask(ctx, msk, {
      title: 'Weekly pipeline review',
      dueAt: parseLocalDateTime('2026-03-02 09:00', 'America/New_York'),
      assigneeId: nyc.userId,
      rrule: 'freq=weekly;byday=mo',
    });
    expect(first.rrule).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(first.seriesId).toBe(first.id);
    expect(first.creatorId).toBe(msk.userId);
    expect(scheduler.calls).toContainEqual(['scheduleReminder', first.id, first.dueAt]);

    const { task, next } = await completeTask(ctx, nyc, first.id);
    expect(task.status).toBe('done');
    expect(task.completedAt?.toISOString()).toBe(NOW.toISOString());
    // completed late (Tue Mar 10): the next one still ahead is Mon Mar 16, 09:00 EDT
    expect(next?.dueAt.toISOString()).toBe('2026-03-16T13:00:00.000Z');
    expect(next).toMatchObject({ seriesId: first.id, assigneeId: nyc.userId, creatorId: msk.userId, status: 'open', rrule: first.rrule });
    expect(scheduler.calls).toContainEqual(['scheduleReminder', next!.id, next!.dueAt]);

    // completed early (before it is due): the one after it
    const { next: third } = await completeTask(ctx, msk, next!.id);
    expect(third?.dueAt.toISOString()).toBe('2026-03-23T13:00:00.000Z');
    expect((await rejection(() => completeTask(ctx, nyc, next!.id))).key).toBe('invalid.task_closed');
    expect(await db.task.count({ where: { seriesId: first.id } })).toBe(3);
  });

  it('completing an occurrence that already passed reuses the next one the reminder produced', async () => {
    clock.current = NOW;
    const first = await createTask(ctx, msk, {
      title: 'Daily stand-up',
      dueAt: parseLocalDateTime('2026-03-10 09:00', 'Europe/Moscow'),
      rrule: 'FREQ=DAILY',
    });
    // the reminder worker saw the occurrence pass undone and produced the next one
    const produced = await db.$transaction((tx) => ensureNextOccurrence(withTx(ctx, tx), first, NOW));
    expect(produced?.created).toBe(true);
    const { next } = await completeTask(ctx, msk, first.id);
    expect(next?.id).toBe(produced!.task.id);
    expect(await db.task.count({ where: { seriesId: first.id, status: 'open' } })).toBe(1);
  });

  it('a one-off task has no next occurrence; a concurrent double completion completes once', async () => {
    const deal = await db.deal.create({
      data: {
        workspaceId: msk.workspaceId,
        pipelineId: (await db.pipeline.findFirstOrThrow({ where: { workspaceId: msk.workspaceId } })).id,
        stageId: (await db.stage.findFirstOrThrow({ where: { pipeline: { workspaceId: msk.workspaceId } } })).id,
        title: 'Linked',
        titleKey: 'linked',
        ownerId: msk.userId,
        lastActivityAt: new Date('2026-01-01T00:00:00Z'),
      },
    });
    const t = await createTask(ctx, msk, { title: 'Call Alice', dueAt: new Date('2026-03-11T07:00:00Z'), dealId: deal.id });
    const results = await Promise.allSettled([completeTask(ctx, msk, t.id), completeTask(ctx, msk, t.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const ok = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ next?: unknown }>;
    expect(ok.value.next).toBeUndefined();
    expect(await db.activity.count({ where: { taskId: t.id, type: 'task.completed' } })).toBe(1);
    expect((await db.deal.findUniqueOrThrow({ where: { id: deal.id } })).lastActivityAt.toISOString()).toBe(clock.now().toISOString());
  });
});

describe('snooze, reschedule, cancel', () => {
  it('snoozing moves the effective due time and the reminder; a past snooze is refused', async () => {
    clock.current = NOW;
    const t = await createTask(ctx, msk, { title: 'Send proposal', dueAt: new Date('2026-03-10T22:00:00Z') }); // 01:00 Mar 11 Moscow
    expect((await listTasks(ctx, msk, 'today')).map((x) => x.id)).toContain(t.id);
    const until = new Date('2026-03-12T06:00:00Z');
    const snoozed = await snoozeTask(ctx, msk, t.id, until);
    expect(snoozed.snoozedUntil?.toISOString()).toBe(until.toISOString());
    expect(effectiveDueAt(snoozed)).toEqual(until);
    expect(scheduler.calls.slice(-2)).toEqual([
      ['cancelReminder', t.id],
      ['scheduleReminder', t.id, until],
    ]);
    expect((await listTasks(ctx, msk, 'today')).map((x) => x.id)).not.toContain(t.id);
    expect((await listTasks(ctx, msk, 'upcoming')).map((x) => x.id)).toContain(t.id);
    expect((await rejection(() => snoozeTask(ctx, msk, t.id, new Date('2026-03-10T21:00:00Z')))).key).toBe('invalid.snooze_past');

    const moved = await rescheduleTask(ctx, msk, t.id, new Date('2026-03-11T10:00:00Z'));
    expect(moved.snoozedUntil).toBeNull();
    expect(moved.dueAt.toISOString()).toBe('2026-03-11T10:00:00.000Z');

    const cancelled = await cancelTask(ctx, msk, t.id);
    expect(cancelled.status).toBe('cancelled');
    expect(scheduler.calls.at(-1)).toEqual(['cancelReminder', t.id]);
    expect((await rejection(() => snoozeTask(ctx, msk, t.id, until))).key).toBe('invalid.task_closed');
    expect(await db.auditLog.count({ where: { entity: 'task', entityId: String(t.id) } })).toBe(4);
  });
});

describe("lists in the user's time zone", () => {
  it("today / overdue / upcoming follow each assignee's local calendar day", async () => {
    clock.current = NOW;
    const mk = (a: Actor, title: string, iso: string) => createTask(ctx, head, { title, dueAt: new Date(iso), assigneeId: a.userId });
    // Moscow (local now: 00:30 Wed Mar 11)
    const mOver = await mk(msk, 'm: 23:00 yesterday', '2026-03-10T20:00:00Z');
    const mToday = await mk(msk, 'm: 01:00 today', '2026-03-10T22:00:00Z');
    const mLater = await mk(msk, 'm: 01:00 tomorrow', '2026-03-11T22:00:00Z');
    // New York (local now: 17:30 Tue Mar 10)
    const nOverToday = await mk(nyc, 'n: 16:00 today', '2026-03-10T20:00:00Z');
    const nToday = await mk(nyc, 'n: 23:00 today', '2026-03-11T03:00:00Z');
    const nLater = await mk(nyc, 'n: 01:00 tomorrow', '2026-03-11T05:00:00Z');

    const ids = async (a: Actor, w: 'today' | 'overdue' | 'upcoming') => (await listTasks(ctx, a, w, { limit: 100 })).map((t) => t.id);
    const mine = [mOver.id, mToday.id, mLater.id];
    const his = [nOverToday.id, nToday.id, nLater.id];
    expect((await ids(msk, 'today')).filter((id) => mine.includes(id))).toEqual([mToday.id]);
    expect((await ids(msk, 'overdue')).filter((id) => mine.includes(id))).toEqual([mOver.id]);
    expect((await ids(msk, 'upcoming')).filter((id) => mine.includes(id))).toEqual([mLater.id]);
    expect((await ids(nyc, 'today')).filter((id) => his.includes(id))).toEqual([nOverToday.id, nToday.id]);
    expect((await ids(nyc, 'overdue')).filter((id) => his.includes(id))).toEqual([nOverToday.id]);
    expect((await ids(nyc, 'upcoming')).filter((id) => his.includes(id))).toEqual([nLater.id]);
    // the head reads Nick's list in Nick's zone
    expect((await listTasks(ctx, head, 'today', { userId: nyc.userId, limit: 100 })).map((t) => t.id)).toEqual(
      expect.arrayContaining([nOverToday.id, nToday.id]),
    );
  });
});

describe('task permissions', () => {
  it("a manager can neither read nor change another manager's task; creator, assignee and heads can", async () => {
    clock.current = NOW;
    const t = await createTask(ctx, msk, { title: 'For Nick', dueAt: new Date('2026-03-12T09:00:00Z'), assigneeId: nyc.userId });
    expect((await getTask(ctx, msk, t.id)).id).toBe(t.id); // creator
    expect((await getTask(ctx, nyc, t.id)).id).toBe(t.id); // assignee
    expect((await getTask(ctx, head, t.id)).id).toBe(t.id);
    for (const attempt of [
      () => getTask(ctx, other, t.id),
      () => completeTask(ctx, other, t.id),
      () => snoozeTask(ctx, other, t.id, new Date('2026-03-13T09:00:00Z')),
      () => rescheduleTask(ctx, other, t.id, new Date('2026-03-13T09:00:00Z')),
      () => cancelTask(ctx, other, t.id),
      () => listTasks(ctx, other, 'upcoming', { userId: nyc.userId }),
    ]) {
      expect((await rejection(attempt)).code).toBe('forbidden');
    }
    expect((await db.task.findUniqueOrThrow({ where: { id: t.id } })).status).toBe('open');
    const { task } = await completeTask(ctx, head, t.id);
    expect(task.status).toBe('done');
  });

  it('refuses bad input without writing', async () => {
    const before = await db.task.count({ where: { workspaceId: msk.workspaceId } });
    expect((await rejection(() => createTask(ctx, msk, { title: 'x', dueAt: new Date('2026-03-12T09:00:00Z'), rrule: 'FREQ=SOMETIMES' }))).key).toBe(
      'invalid.rrule',
    );
    expect((await rejection(() => createTask(ctx, msk, { title: ' ', dueAt: new Date('2026-03-12T09:00:00Z') }))).key).toBe('invalid.task_title_empty');
    expect((await rejection(() => createTask(ctx, msk, { title: 'x', dueAt: new Date('nope') }))).key).toBe('invalid.date');
    expect((await rejection(() => createTask(ctx, msk, { title: 'x', dueAt: new Date(), assigneeId: 999_999 }))).code).toBe('not_found');
    expect(await db.task.count({ where: { workspaceId: msk.workspaceId } })).toBe(before);
  });
});
