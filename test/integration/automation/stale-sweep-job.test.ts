// The stale-deal rule's periodic sweep on real Redis: startDigestScheduling registers the
// automation-sweep job scheduler, and the digests worker runs the job: a deal quiet for
// longer than the workspace's staleDealDays gets one reminder task for its owner, whose
// reminder is scheduled the usual way.
import { describe, it, expect, afterAll, inject } from 'vitest';
import { testDb } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import { makeTeam, RecordingScheduler } from '../../support/team.js';
import { testPrefix } from '../../support/redis-keys.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import {
  AUTOMATION_SWEEP_EVERY_MS,
  AUTOMATION_SWEEP_JOB,
  AUTOMATION_SWEEP_SCHEDULER,
  createDigestQueue,
  startDigestScheduling,
} from '../../../connectors/queue/digest-scheduler.js';
import { startDigestWorker } from '../../../connectors/queue/digest-worker.js';
import { addRule } from '../../../core/automation/rules.js';
import { createDeal } from '../../../core/deals/index.js';
import type { Actor } from '../../../core/actor.js';

const db = testDb();
const settings = queueSettings(inject('redisUrl'), testPrefix('test-sweep'));
const queue = createDigestQueue(settings);

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

describe('automation sweep job', () => {
  it('is scheduled with the digests and reminds the owner of a stale deal once', async () => {
    const team = await makeTeam(db, {
      members: [
        { name: 'Ada', role: 'admin' },
        { name: 'Max', role: 'manager' },
      ],
    });
    const [admin, manager] = team.actors as [Actor, Actor];
    await addRule(team.ctx, admin, { trigger: 'stale_deal', offsetMinutes: 0 });
    const deal = await createDeal(team.ctx, manager, { title: 'Quiet Corp' });
    await db.deal.update({ where: { id: deal.id }, data: { lastActivityAt: new Date(Date.now() - 30 * 24 * 3600_000) } });

    await startDigestScheduling(db, queue, { syncEveryMs: 3_600_000 });
    expect(await queue.getJobScheduler(AUTOMATION_SWEEP_SCHEDULER)).toMatchObject({ every: AUTOMATION_SWEEP_EVERY_MS });

    const scheduler = new RecordingScheduler();
    const running = startDigestWorker(settings, { db, outbox: { enqueue: async () => undefined }, scheduler, chart: async () => new Uint8Array() });
    try {
      await queue.add(AUTOMATION_SWEEP_JOB, {});
      const task = await waitFor(() => db.task.findFirst({ where: { dealId: deal.id } }), 'the stale-deal reminder task', 20_000);
      expect([task.assigneeId, task.title]).toEqual([manager.userId, `Deal #${deal.id} "Quiet Corp" has been quiet for 7 days: follow up`]);
      await waitFor(() => scheduler.calls.find((c) => c[0] === 'scheduleReminder' && c[1] === task.id), 'its reminder scheduled');
      // a second sweep of the same quiet spell: nothing more
      const again = await queue.add(AUTOMATION_SWEEP_JOB, {});
      await waitFor(async () => ((await again.isCompleted()) ? true : null), 'the second sweep', 20_000);
      expect(await db.task.count({ where: { dealId: deal.id } })).toBe(1);
    } finally {
      await running.close();
    }
  }, 60_000);
});
