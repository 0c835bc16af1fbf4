// Vacations end by themselves on real Redis + Postgres, with two worker processes' worth of
// workers on one queue prefix (nothing may assume one process): the delayed job ends a
// vacation once and the member is told once; a vacation whose job was lost (Redis emptied,
// a job that ran before its change committed) is ended by the periodic sweep.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDb } from '../../support/db.js';
import { outboundDrained, pushWorkspace, RecordingSender } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { testPrefix } from '../../support/redis-keys.js';
import { setVacation } from '../../../core/users/vacation.js';
import { systemActor } from '../../../core/actor.js';

const db = testDb();
const sender = new RecordingSender();
const ended: number[] = [];
let a: RunningWorkers;
let b: RunningWorkers;

let first: Awaited<ReturnType<typeof pushWorkspace>>;
let second: Awaited<ReturnType<typeof pushWorkspace>>;

beforeAll(async () => {
  first = await pushWorkspace(db, [{ name: 'Vera Manager' }]);
  second = await pushWorkspace(db, [{ name: 'Lars Manager', onDuty: false }]);
  const prefix = testPrefix('test-vacations');
  const start = () =>
    startWorkers({
      ctx: dbContext(db),
      settings: queueSettings(inject('redisUrl'), prefix),
      senders: { console: sender },
      reconcile: false,
      // the sweep looks at this file's workspaces only (other files' vacations are theirs)
      reconcileWorkspaceIds: [first.workspace.id, second.workspace.id],
      vacationSweepMs: 500,
      onVacationEnded: (userId) => ended.push(userId),
    });
  [a, b] = [await start(), await start()];
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const welcome = (chatId: string) => sender.sent.filter((s) => s.chatId === chatId && s.text.startsWith('Welcome back!'));

describe('vacations end by themselves', () => {
  it('ends it once across two workers (the delayed job and the sweep racing); the member is told once', { timeout: 60_000 }, async () => {
    const { workspace, members } = first;
    const vera = members[0]!;
    const until = new Date(Date.now() + 1500);
    await setVacation(dbContext(db, { scheduler: a.scheduler }), systemActor(workspace), vera.userId, until);
    expect(await db.user.findUniqueOrThrow({ where: { id: vera.userId } })).toMatchObject({ onDuty: false, vacationUntil: until });

    await waitFor(() => welcome(vera.chatId)[0], 'Vera told she is back', 30_000);
    await Promise.all([outboundDrained(a.outbox), outboundDrained(b.outbox)]);
    expect(welcome(vera.chatId)).toHaveLength(1);
    expect(ended.filter((id) => id === vera.userId)).toHaveLength(1);
    expect(await db.user.findUniqueOrThrow({ where: { id: vera.userId } })).toMatchObject({ onDuty: true, vacationUntil: null });
    expect(await db.auditLog.count({ where: { workspaceId: workspace.id, action: 'user.vacation_over' } })).toBe(1);
  });

  it('a vacation without its job (lost with Redis) is ended by the sweep', { timeout: 60_000 }, async () => {
    const { workspace, members } = second;
    const lars = members[0]!;
    // written straight to Postgres: no delayed job exists for it
    await db.user.update({ where: { id: lars.userId }, data: { vacationUntil: new Date(Date.now() - 1000) } });
    await waitFor(() => welcome(lars.chatId)[0], 'Lars told he is back (by the sweep)', 30_000);
    expect(await db.user.findUniqueOrThrow({ where: { id: lars.userId } })).toMatchObject({ onDuty: true, vacationUntil: null });
    expect(await db.auditLog.count({ where: { workspaceId: workspace.id, action: 'user.vacation_over', actorKind: 'system' } })).toBe(1);
  });
});
