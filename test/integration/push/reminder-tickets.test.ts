// A due reminder is delivered in its own job (connectors/queue/send-runner.ts): when that job
// is waiting for its chat (a 429 here) it holds a ticket on the chat's clock. If the task is
// cancelled meanwhile, the job must give the ticket back, or the chat's next messages would
// wait behind it until it goes stale (minutes). Real Redis + Postgres, the console channel
// given a per-chat limit so it has a clock.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender, isReminderOf, remindersSent, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import type { ReminderOutcome } from '../../../connectors/queue/reminder-worker.js';
import type { CoreContext } from '../../../core/context.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { actorForUser } from '../../../core/users/find-users.js';
import { createTask, cancelTask } from '../../../core/tasks/index.js';
import type { Actor } from '../../../core/actor.js';
import { RateLimitedError } from '../../../core/ports.js';
import { testPrefix } from '../../support/redis-keys.js';

const db = testDb();
const sender = new RecordingSender();
let running: RunningWorkers;
let ctx: CoreContext;
let actor: Actor;
let member: Member;
const fired: Array<{ taskId: number; outcome: ReminderOutcome }> = [];
const sentFor = (taskId: number) => remindersSent(sender, taskId);

beforeAll(async () => {
  const { members } = await pushWorkspace(db, [{ name: 'Boris' }]);
  member = members[0]!;
  running = await startWorkers({
    ctx: dbContext(db),
    settings: queueSettings(inject('redisUrl'), testPrefix('test-rem-tickets')),
    senders: { console: sender },
    limits: { console: { perChatMs: 300 } },
    reconcile: false,
    onReminder: (data, outcome) => fired.push({ taskId: data.taskId, outcome }),
  });
  ctx = dbContext(db, { scheduler: running.scheduler });
  actor = await actorForUser(db, member.userId);
});

afterAll(async () => {
  await running?.close();
});

describe('a reminder waiting for its chat', () => {
  it('gives its chat ticket back when its task is cancelled, so the next reminder to that chat is not held up', async () => {
    const first = await createTask(ctx, actor, { title: 'Refused, then cancelled', dueAt: new Date(Date.now() + 200) });
    let refused = 0;
    sender.fail = (m) => (isReminderOf(m, first.id) ? (refused++, new RateLimitedError(1500)) : undefined);
    await waitFor(() => refused > 0, 'the 429 for the first reminder', 5000);
    // its job now waits as delayed, holding its ticket; cancelling the task runs it at once
    await cancelTask(ctx, actor, first.id);
    const [end] = await waitFor(() => {
      const f = fired.filter((x) => x.taskId === first.id);
      return f.length ? f : null;
    }, 'the cancelled reminder to end');
    expect(end!.outcome).toMatchObject({ status: 'stale', reason: 'closed' });

    const due = new Date(Date.now() + 100);
    const second = await createTask(ctx, actor, { title: 'Next one to the same chat', dueAt: due });
    // behind a ticket never given back it would wait minutes (until that ticket counts as abandoned)
    const [msg] = await waitFor(() => (sentFor(second.id).length ? sentFor(second.id) : null), 'the next reminder', 8000);
    expect(msg!.chatId).toBe(member.chatId);
    expect(msg!.at - due.getTime()).toBeLessThan(3000); // at most the 429's wait on the chat's clock
    expect(sentFor(first.id)).toHaveLength(0);
    expect(refused).toBe(1);
  });
});
