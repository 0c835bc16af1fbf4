// Digest job schedulers on real Redis: one per enabled subscription, in the user's time
// zone; a time zone change moves it, a disabled subscription or inactive user removes it;
// the job handler composes the digest and hands it to the Outbox once per local day.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import {
  createDigestQueue,
  syncDigestSchedulers,
  startDigestScheduling,
  DIGEST_JOB,
  DIGEST_SYNC_JOB,
  type DigestJobData,
} from '../../../connectors/queue/digest-scheduler.js';
import { handleDigestJob, startDigestWorker } from '../../../connectors/queue/digest-worker.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { ensureDefaultDigestSubscriptions } from '../../../core/digests/subscriptions.js';
import { nextDigestRun } from '../../../core/digests/schedule.js';
import type { OutboxItem } from '../../../core/ports.js';
import type { Queue } from 'bullmq';
import { BullMQScheduler } from '../../../connectors/queue/reminder-scheduler.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { setUserTimezone } from '../../../core/users/user-settings.js';
import { testPrefix } from '../../support/redis-keys.js';

describe('digest schedulers', () => {
  const db = testDb();
  let queue: Queue<DigestJobData>;
  let wsId: number;
  const settings = queueSettings(inject('redisUrl'), testPrefix('test-digest'));

  beforeAll(async () => {
    queue = createDigestQueue(settings);
    wsId = (await ensureWorkspace(db, uniqueSlug('dgs'), { timezone: 'UTC', locale: 'en' })).id;
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const scoped = (ids: number[]) => ({ userIds: ids });

  it("upserts one scheduler per subscription in the user's zone and moves it when the zone changes", async () => {
    const manager = await db.user.create({ data: { workspaceId: wsId, name: 'M', role: 'manager', timezone: 'Europe/Moscow' } });
    const head = await db.user.create({ data: { workspaceId: wsId, name: 'H', role: 'head', timezone: 'America/Los_Angeles' } });
    expect(await ensureDefaultDigestSubscriptions(db, manager)).toBe(1);
    expect(await ensureDefaultDigestSubscriptions(db, head)).toBe(3);
    expect(await ensureDefaultDigestSubscriptions(db, head)).toBe(0);
    const subs = await db.digestSubscription.findMany({ where: { userId: { in: [manager.id, head.id] } }, orderBy: { id: 'asc' } });

    const first = await syncDigestSchedulers(db, queue, scoped([manager.id, head.id]));
    expect(first.upserted.sort()).toEqual(subs.map((s) => `digest:${s.id}`).sort());
    expect(first.removed).toEqual([]);

    const today = subs.find((s) => s.userId === manager.id)!;
    const weekly = subs.find((s) => s.kind === 'team_weekly')!;
    const mToday = await queue.getJobScheduler(`digest:${today.id}`);
    expect(mToday).toMatchObject({ pattern: '0 9 * * *', tz: 'Europe/Moscow' });
    const hWeekly = await queue.getJobScheduler(`digest:${weekly.id}`);
    expect(hWeekly).toMatchObject({ pattern: '0 9 * * 1', tz: 'America/Los_Angeles' });
    // BullMQ's next run is 09:00 Moscow time, as computed by our own schedule rule
    const input = { subscriptionId: today.id, userId: manager.id, kind: today.kind, hour: 9, minute: 0, weekday: null };
    const expectedNext = nextDigestRun({ ...input, timezone: 'Europe/Moscow' }, new Date(Date.now() - 1000));
    expect(mToday?.next).toBe(expectedNext.getTime());
    expect(new Date(mToday!.next!).getUTCHours()).toBe(6);

    // nothing changed: nothing is rescheduled
    const again = await syncDigestSchedulers(db, queue, scoped([manager.id, head.id]));
    expect(again).toEqual({ upserted: [], removed: [], unchanged: 4 });

    // the manager moves to Los Angeles: the scheduler moves with them
    await db.user.update({ where: { id: manager.id }, data: { timezone: 'America/Los_Angeles' } });
    const moved = await syncDigestSchedulers(db, queue, scoped([manager.id]));
    expect(moved.upserted).toEqual([`digest:${today.id}`]);
    const after = await queue.getJobScheduler(`digest:${today.id}`);
    expect(after).toMatchObject({ pattern: '0 9 * * *', tz: 'America/Los_Angeles' });
    expect(after?.next).toBe(nextDigestRun({ ...input, timezone: 'America/Los_Angeles' }, new Date(Date.now() - 1000)).getTime());
    // one delayed job per scheduler, not an extra one left at the old time
    const delayed = (await queue.getDelayed()).filter((j) => 'subscriptionId' in j.data && j.data.subscriptionId === today.id);
    expect(delayed).toHaveLength(1);
    expect(delayed[0]!.timestamp + (delayed[0]!.opts.delay ?? 0)).toBe(after?.next);

    // the subscription changes its hour; a disabled one and an inactive user disappear
    await db.digestSubscription.update({ where: { id: weekly.id }, data: { hour: 8, minute: 30, weekday: 5 } });
    await db.digestSubscription.update({ where: { userId_kind: { userId: head.id, kind: 'team_daily' } }, data: { enabled: false } });
    const changed = await syncDigestSchedulers(db, queue, scoped([head.id]));
    expect(changed.upserted).toEqual([`digest:${weekly.id}`]);
    expect(changed.removed).toHaveLength(1);
    expect(await queue.getJobScheduler(`digest:${weekly.id}`)).toMatchObject({ pattern: '30 8 * * 5', tz: 'America/Los_Angeles' });

    await db.user.update({ where: { id: manager.id }, data: { active: false } });
    const gone = await syncDigestSchedulers(db, queue, scoped([manager.id]));
    expect(gone.removed).toEqual([`digest:${today.id}`]);
    expect(await queue.getJobScheduler(`digest:${today.id}`)).toBeUndefined();
    // the head's schedulers were outside that scope and stay
    expect(await queue.getJobScheduler(`digest:${weekly.id}`)).toBeDefined();
  });

  it('a full sync removes schedulers of deleted subscriptions', async () => {
    const user = await db.user.create({ data: { workspaceId: wsId, name: 'Gone', role: 'manager', timezone: 'Asia/Tokyo' } });
    await ensureDefaultDigestSubscriptions(db, user);
    await syncDigestSchedulers(db, queue, scoped([user.id]));
    const sub = await db.digestSubscription.findFirstOrThrow({ where: { userId: user.id } });
    expect(await queue.getJobScheduler(`digest:${sub.id}`)).toMatchObject({ tz: 'Asia/Tokyo' });
    await db.digestSubscription.delete({ where: { id: sub.id } });
    const full = await syncDigestSchedulers(db, queue);
    expect(full.removed).toContain(`digest:${sub.id}`);
    expect(await queue.getJobScheduler(`digest:${sub.id}`)).toBeUndefined();
  });

  it("the digest job composes and enqueues the digest with its chart on the user's messenger", async () => {
    const head = await db.user.create({ data: { workspaceId: wsId, name: 'Chart head', role: 'head', timezone: 'Europe/Moscow', locale: 'ru' } });
    await ensureDefaultDigestSubscriptions(db, head);
    await db.identity.create({
      data: { workspaceId: wsId, channel: 'email', externalId: `h${head.id}@example.com`, chatId: `h${head.id}@example.com`, userId: head.id },
    });
    const tg = await db.identity.create({
      data: { workspaceId: wsId, channel: 'telegram', externalId: `tg-${head.id}`, chatId: `${head.id}`, userId: head.id },
    });
    const sub = await db.digestSubscription.findFirstOrThrow({ where: { userId: head.id, kind: 'team_weekly' } });
    const sent: OutboxItem[] = [];
    const now = new Date('2026-03-09T06:00:00Z');
    const outcome = await handleDigestJob(
      { db, outbox: { enqueue: async (i) => void sent.push(i) }, clock: { now: () => now } },
      { subscriptionId: sub.id, userId: head.id },
    );
    expect(outcome).toEqual({ sent: true, dedupeKey: `digest:${sub.id}:2026-03-09` });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.identityId).toBe(tg.id);
    expect(sent[0]!.text).toContain('Недельная сводка команды');
    const png = Buffer.from(sent[0]!.image!.pngBase64, 'base64');
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // with MINIAPP_URL a Telegram digest carries a button that opens the board (the Mini App)
    expect(sent[0]!.buttons).toBeUndefined();
    await handleDigestJob(
      { db, outbox: { enqueue: async (i) => void sent.push(i) }, clock: { now: () => now }, miniAppUrl: 'https://crm.example.com/miniapp/' },
      { subscriptionId: sub.id, userId: head.id },
    );
    expect(sent[1]!.buttons).toEqual([[{ label: '📊 Открыть воронку', data: 'miniapp:open:0', webApp: 'https://crm.example.com/miniapp/' }]]);

    await db.digestSubscription.update({ where: { id: sub.id }, data: { enabled: false } });
    expect(await handleDigestJob({ db, outbox: { enqueue: async (i) => void sent.push(i) } }, { subscriptionId: sub.id, userId: head.id })).toEqual({
      sent: false,
      reason: 'disabled',
    });
    await expect(handleDigestJob({ db, outbox: { enqueue: async () => {} } }, { subscriptionId: 'x' })).rejects.toThrow(/bad digest job payload/);
  });

  it('a time zone change through the use case moves the digest schedule at once', async () => {
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: wsId } });
    const user = await db.user.create({ data: { workspaceId: wsId, name: 'Mover', role: 'manager', timezone: 'Europe/Moscow' } });
    await ensureDefaultDigestSubscriptions(db, user);
    const sub = await db.digestSubscription.findFirstOrThrow({ where: { userId: user.id } });
    await syncDigestSchedulers(db, queue, scoped([user.id]));
    expect(await queue.getJobScheduler(`digest:${sub.id}`)).toMatchObject({ tz: 'Europe/Moscow' });

    const scheduler = new BullMQScheduler(settings);
    const running = startDigestWorker(settings, { db, outbox: { enqueue: async () => undefined }, chart: async () => new Uint8Array() });
    try {
      const ctx = dbContext(db, { scheduler });
      const actor = { ...systemActor(ws), userId: user.id, role: 'manager' as const };
      await setUserTimezone(ctx, actor, user.id, 'America/New_York');
      // no periodic sync involved: the sync job for this user alone moves it
      await until(async () => (await queue.getJobScheduler(`digest:${sub.id}`))?.tz === 'America/New_York', 10_000);
    } finally {
      await running.close();
      await scheduler.close();
    }
  });

  it('a worker sends queued digests, and its periodic sync follows a time zone change', async () => {
    const user = await db.user.create({ data: { workspaceId: wsId, name: 'Worker', role: 'manager', timezone: 'Europe/Moscow' } });
    await ensureDefaultDigestSubscriptions(db, user);
    await db.identity.create({ data: { workspaceId: wsId, channel: 'telegram', externalId: `w-${user.id}`, chatId: `${user.id}`, userId: user.id } });
    const sub = await db.digestSubscription.findFirstOrThrow({ where: { userId: user.id } });
    const started = await startDigestScheduling(db, queue, { syncEveryMs: 3_600_000 });
    expect(started.upserted).toContain(`digest:${sub.id}`);
    expect(await queue.getJobScheduler('digest-sync')).toMatchObject({ every: 3_600_000 });

    const sent: OutboxItem[] = [];
    const running = startDigestWorker(settings, { db, outbox: { enqueue: async (i) => void sent.push(i) }, chart: async () => new Uint8Array() });
    try {
      await queue.add(DIGEST_JOB, { subscriptionId: sub.id, userId: user.id });
      await until(() => sent.some((i) => i.ref?.userId === user.id));
      expect(sent.find((i) => i.ref?.userId === user.id)!.text).toContain('Your day');

      await db.user.update({ where: { id: user.id }, data: { timezone: 'Asia/Tokyo' } });
      await queue.add(DIGEST_SYNC_JOB, {});
      await until(async () => (await queue.getJobScheduler(`digest:${sub.id}`))?.tz === 'Asia/Tokyo');
    } finally {
      await running.close();
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
