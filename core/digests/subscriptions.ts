// DigestSubscriptions: every active user gets "today"; heads of sales and admins also the
// daily and weekly team digests, at the workspace's digest time. Existing rows are kept.
import type { DbOrTx } from '../db.js';
import type { DigestScheduleInput } from './schedule.js';
import { effectiveTimeZone } from '../time/zoned.js';
import type { DigestKind } from './digest.js';

export async function ensureDefaultDigestSubscriptions(
  db: DbOrTx,
  user: { id: number; role: 'admin' | 'head' | 'manager'; workspaceId?: number },
): Promise<number> {
  const kinds: DigestKind[] = user.role === 'manager' ? ['today'] : ['today', 'team_daily', 'team_weekly'];
  // at the workspace's digest time (/settings digest-time, digest-day); 09:00 and Monday by default
  const ws = user.workspaceId
    ? await db.workspace.findUnique({ where: { id: user.workspaceId }, select: { digestHour: true, digestMinute: true, digestWeekday: true } })
    : null;
  const [hour, minute, weekday] = ws ? [ws.digestHour, ws.digestMinute, ws.digestWeekday] : [9, 0, 1];
  const created = await db.digestSubscription.createMany({
    data: kinds.map((kind) => ({ userId: user.id, kind, hour, minute, weekday: kind === 'team_weekly' ? weekday : null })),
    skipDuplicates: true,
  });
  return created.count;
}

/**
 * The schedules that should exist: enabled subscriptions of active users, in the user's
 * time zone (or the workspace's). `userIds` narrows it to some users (after they changed).
 */
export async function wantedDigestSchedules(db: DbOrTx, userIds?: number[]): Promise<DigestScheduleInput[]> {
  const rows = await db.digestSubscription.findMany({
    where: { enabled: true, user: { active: true }, ...(userIds ? { userId: { in: userIds } } : {}) },
    select: {
      id: true,
      userId: true,
      kind: true,
      hour: true,
      minute: true,
      weekday: true,
      user: { select: { timezone: true, workspace: { select: { timezone: true } } } },
    },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => ({
    subscriptionId: r.id,
    userId: r.userId,
    kind: r.kind,
    hour: r.hour,
    minute: r.minute,
    weekday: r.weekday,
    timezone: effectiveTimeZone(r.user.timezone, r.user.workspace.timezone),
  }));
}
