// Reminders on real Redis + Postgres: on time, snooze moves them, cancel removes them,
// recurrence continues, the reminder text and buttons.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { outboundDrained, pushWorkspace, RecordingSender, isReminderOf, remindersSent, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { reminderJobId } from '../../../connectors/queue/reminder-scheduler.js';
import { outboundJobId } from '../../../connectors/queue/outbound-queue.js';
import { reminderDedupeKey } from '../../../core/reminders/reminder-message.js';
import { RateLimitedError } from '../../../core/ports.js';
import type { CoreContext } from '../../../core/context.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { actorForUser } from '../../../core/users/find-users.js';
import { createTask, snoozeTask, cancelTask } from '../../../core/tasks/index.js';
import type { Actor } from '../../../core/actor.js';
import type { ReminderJobData } from '../../../core/reminders/fire-reminder.js';
import type { ReminderOutcome } from '../../../connectors/queue/reminder-worker.js';
import { testPrefix } from '../../support/redis-keys.js';
import { renderMetrics } from '../../../connectors/metrics/registry.js';
import { grown } from '../../support/metrics.js';

const db = testDb();
const sender = new RecordingSender();
let running: RunningWorkers;
let ctx: CoreContext;
let actor: Actor;
let member: Member;

// every reminder job the worker finished, in order (the hook the worker calls after each)
const fired: Array<{ data: ReminderJobData; outcome: ReminderOutcome }> = [];
const firedFor = (taskId: number, dueAtMs?: number) => fired.filter((f) => f.data.taskId === taskId && (dueAtMs === undefined || f.data.dueAtMs === dueAtMs));
const sentFor = (taskId: number) => remindersSent(sender, taskId);

/** the metrics before this file's work (its worker's earlier files counted too) */
let metricsAtStart = '';

beforeAll(async () => {
  metricsAtStart = (await renderMetrics()).body;
  const settings = queueSettings(inject('redisUrl'), testPrefix('test-rem'));
  const { members } = await pushWorkspace(db, [{ name: 'Anna', timezone: 'Asia/Yekaterinburg' }]);
  member = members[0]!;
  running = await startWorkers({
    ctx: dbContext(db),
    settings,
    senders: { console: sender },
    reconcile: false,
    onReminder: (data, outcome) => fired.push({ data, outcome }),
  });
  ctx = dbContext(db, { scheduler: running.scheduler });
  actor = await actorForUser(db, member.userId);
  // warm up connections so the first measured reminder is not paying for them
  const warm = await createTask(ctx, actor, { title: 'warm-up', dueAt: new Date(Date.now() + 50) });
  await waitFor(() => sentFor(warm.id).length > 0, 'the condition', 10_000);
});

afterAll(async () => {
  await running?.close();
});

describe('reminders', () => {
  it('fire on time with the task, due time in the assignee zone and the buttons', async () => {
    const due = new Date(Date.now() + 600);
    const task = await createTask(ctx, actor, { title: 'Call Acme back', dueAt: due });
    const [msg] = await waitFor(() => (sentFor(task.id).length ? sentFor(task.id) : null), 'the condition', 5000);
    const lateness = msg!.at - due.getTime();
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1000);
    expect(msg!.chatId).toBe(member.chatId);
    expect(msg!.text).toContain('Call Acme back');
    // 600 ms from now in Yekaterinburg (UTC+5), as HH:MM
    const hhmm = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Yekaterinburg', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(due);
    expect(msg!.text).toContain(hhmm);
    expect(msg!.buttons!.flat().map((b) => b.data)).toEqual([
      `task:done:${task.id}`,
      `task:snooze:${task.id}:15m`,
      `task:snooze:${task.id}:1h`,
      `task:snooze:${task.id}:tomorrow`,
    ]);
    expect(await db.reminderDelivery.count({ where: { taskId: task.id } })).toBe(1);
    const ref = await db.notificationRef.findFirst({ where: { taskId: task.id } });
    expect(ref?.externalMessageId).toBe(msg!.externalMessageId);
  });

  it('snooze moves the reminder: the old time stays silent, the new one fires', async () => {
    const due = new Date(Date.now() + 1500);
    const task = await createTask(ctx, actor, { title: 'Send the proposal', dueAt: due });
    const later = new Date(Date.now() + 2700);
    await snoozeTask(ctx, actor, task.id, later);
    expect(await running.scheduler.reminders.getJob(reminderJobId(task.id, due.getTime()))).toBeUndefined();
    const [msg] = await waitFor(() => (sentFor(task.id).length ? sentFor(task.id) : null), 'the condition', 5000);
    expect(msg!.at).toBeGreaterThanOrEqual(later.getTime());
    expect(msg!.at - later.getTime()).toBeLessThan(1000);
    // the job for the new time has run and its message is out: a job at the old (earlier) time would have run before it
    await waitFor(() => firedFor(task.id, later.getTime()).length, 'the snoozed reminder job', 5000);
    await outboundDrained(running.outbox);
    expect(firedFor(task.id, due.getTime())).toHaveLength(0);
    expect(sentFor(task.id)).toHaveLength(1);
  });

  it('cancel removes the reminder', async () => {
    const due = new Date(Date.now() + 1500);
    const task = await createTask(ctx, actor, { title: 'Cancelled one', dueAt: due });
    await cancelTask(ctx, actor, task.id);
    expect(await running.scheduler.reminders.getJob(reminderJobId(task.id, due.getTime()))).toBeUndefined();
    // sentinel: a reminder due just after the cancelled one fires and is delivered
    const sentinel = await createTask(ctx, actor, { title: 'Sentinel after the cancelled one', dueAt: new Date(due.getTime() + 200) });
    await waitFor(() => sentFor(sentinel.id).length, 'the sentinel reminder', 5000);
    await outboundDrained(running.outbox);
    expect(firedFor(task.id)).toHaveLength(0);
    expect(sentFor(task.id)).toHaveLength(0);
  });

  it("a stale job (task moved behind the scheduler's back) is dropped", async () => {
    // the job for the old time is scheduled only after the move, so it cannot fire before it
    // (on a loaded machine the move could take longer than the reminder's lead)
    const due = new Date(Date.now() + 300);
    const task = await createTask(dbContext(db), actor, { title: 'Moved in SQL', dueAt: due });
    await db.task.update({ where: { id: task.id }, data: { dueAt: new Date(Date.now() + 3_600_000) } });
    await running.scheduler.scheduleReminder(task.id, due);
    const [run] = await waitFor(() => (firedFor(task.id).length ? firedFor(task.id) : null), 'the stale job to run', 5000);
    expect(run!.outcome).toMatchObject({ status: 'stale', reason: 'moved' });
    await outboundDrained(running.outbox);
    expect(sentFor(task.id)).toHaveLength(0);
    expect(await db.reminderDelivery.count({ where: { taskId: task.id } })).toBe(0);
  });

  it('a recurring task that passes gets its next occurrence, once, with its own job', async () => {
    const due = new Date(Date.now() + 400);
    const task = await createTask(ctx, actor, { title: 'Daily stand-up notes', dueAt: due, rrule: 'FREQ=DAILY' });
    await waitFor(() => sentFor(task.id).length > 0, 'the condition', 5000);
    const next = await waitFor(() => db.task.findFirst({ where: { seriesId: task.id, id: { not: task.id } } }), 'the condition', 3000);
    // occurrences are whole seconds of wall-clock time
    expect(next.dueAt.getTime()).toBe(Math.floor(due.getTime() / 1000) * 1000 + 24 * 3600 * 1000);
    expect(next.status).toBe('open');
    expect(await running.scheduler.reminders.getJob(reminderJobId(next.id, next.dueAt.getTime()))).toBeDefined();
    // the text says when it repeats
    expect(sentFor(task.id)[0]!.text).toMatch(/Repeats/);
    // firing the same occurrence again (a retry) does not add a second one
    await running.scheduler.reminders.add('fire', { taskId: task.id, dueAtMs: due.getTime() }, { jobId: `again-${task.id}` });
    await waitFor(() => firedFor(task.id, due.getTime()).length >= 2, 'the repeated job to run', 5000);
    await outboundDrained(running.outbox);
    expect(firedFor(task.id, due.getTime())[1]!.outcome).toMatchObject({ status: 'due', fresh: false, delivery: { status: 'duplicate' } });
    expect(await db.task.count({ where: { seriesId: task.id } })).toBe(2);
    expect(sentFor(task.id)).toHaveLength(1);
  });

  it('a due reminder is delivered in its own job: no outbound job, its send claimed with the occurrence and recorded sent', async () => {
    const due = new Date(Date.now() + 300);
    const task = await createTask(ctx, actor, { title: 'One job, one claim', dueAt: due });
    const [run] = await waitFor(() => (firedFor(task.id).length ? firedFor(task.id) : null), 'the reminder job to end', 5000);
    expect(run!.outcome).toMatchObject({ status: 'due', fresh: true, claimed: { claimed: true, ledger: null }, delivery: { status: 'sent' } });
    expect(sentFor(task.id)).toHaveLength(1);
    const key = reminderDedupeKey(task.id, due.getTime());
    expect(await running.outbox.queue.getJob(outboundJobId(key))).toBeUndefined();
    const row = await db.outboundDelivery.findUniqueOrThrow({ where: { dedupeKey: key } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, externalMessageId: sentFor(task.id)[0]!.externalMessageId });
    expect(await db.reminderDelivery.count({ where: { taskId: task.id } })).toBe(1);
  });

  it('a reminder the platform answers with 429 waits it out in its own job and is delivered once', async () => {
    const due = new Date(Date.now() + 300);
    const task = await createTask(ctx, actor, { title: 'Rate limited once', dueAt: due });
    let refused = 0;
    sender.fail = (m) => (isReminderOf(m, task.id) && refused++ === 0 ? new RateLimitedError(400) : undefined);
    try {
      const [msg] = await waitFor(() => (sentFor(task.id).length ? sentFor(task.id) : null), 'the reminder after the 429', 8000);
      expect(refused).toBe(2); // the 429, then the send that went through
      expect(msg!.at - due.getTime()).toBeGreaterThanOrEqual(400);
      const [run] = await waitFor(() => (firedFor(task.id).length ? firedFor(task.id) : null), 'the reminder job to end', 5000);
      expect(run!.outcome).toMatchObject({ status: 'due', fresh: false, delivery: { status: 'sent' } });
      const job = await running.scheduler.reminders.getJob(reminderJobId(task.id, due.getTime()));
      expect(job?.data).toMatchObject({ taskId: task.id, dueAtMs: due.getTime(), limited: 1 });
      expect(job?.attemptsMade).toBe(1); // the run that sent it: the 429 spent no attempt
      const key = reminderDedupeKey(task.id, due.getTime());
      expect(await db.outboundDelivery.findUniqueOrThrow({ where: { dedupeKey: key } })).toMatchObject({ status: 'sent', attempts: 2 });
      expect(sentFor(task.id)).toHaveLength(1);
    } finally {
      sender.fail = undefined;
    }
  });

  it('a reminder whose send fails for a moment is retried by its own job and delivered once', async () => {
    const due = new Date(Date.now() + 300);
    const task = await createTask(ctx, actor, { title: 'Transient failure', dueAt: due });
    let failed = 0;
    sender.fail = (m) => (isReminderOf(m, task.id) && failed++ === 0 ? new Error('socket hang up') : undefined);
    try {
      await waitFor(() => sentFor(task.id).length > 0, 'the reminder after the failure', 8000);
      const [run] = await waitFor(() => (firedFor(task.id).length ? firedFor(task.id) : null), 'the reminder job to end', 5000);
      expect(run!.outcome).toMatchObject({ status: 'due', fresh: false, claimed: { claimed: true, ledger: 'retrying' }, delivery: { status: 'sent' } });
      const key = reminderDedupeKey(task.id, due.getTime());
      expect(await db.outboundDelivery.findUniqueOrThrow({ where: { dedupeKey: key } })).toMatchObject({ status: 'sent', attempts: 2 });
      expect(sentFor(task.id)).toHaveLength(1);
    } finally {
      sender.fail = undefined;
    }
  });

  it('the work shows in the metrics: job runs by queue and outcome, sends and 429s by channel, reminder lateness', async () => {
    // what this file's reminders above added (the worker's earlier files counted too)
    const value = grown(metricsAtStart, (await renderMetrics()).body);
    expect(value('leadline_sends_total', '{channel="console",outcome="sent"}')).toBeGreaterThanOrEqual(sender.sent.length);
    expect(value('leadline_sends_total', '{channel="console",outcome="rate_limited"}')).toBeGreaterThanOrEqual(1);
    expect(value('leadline_sends_total', '{channel="console",outcome="error"}')).toBeGreaterThanOrEqual(1);
    expect(value('leadline_job_duration_seconds_count', '{queue="reminders",outcome="completed"}')).toBeGreaterThanOrEqual(fired.length - 1);
    expect(value('leadline_job_duration_seconds_count', '{queue="reminders",outcome="delayed"}')).toBeGreaterThanOrEqual(1); // the 429's wait
    expect(value('leadline_job_duration_seconds_count', '{queue="reminders",outcome="failed"}')).toBeGreaterThanOrEqual(1); // the transient failure
    const late = value('leadline_reminder_lateness_seconds_count');
    expect(late).toBeGreaterThanOrEqual(5);
    // every reminder here reached the sender within 10 s of its due time
    expect(value('leadline_reminder_lateness_seconds_bucket', '{le="10"}')).toBe(late);
  });
});
