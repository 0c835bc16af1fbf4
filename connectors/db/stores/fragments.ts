// SQL pieces several stores share, each stated once. Plain text (no parameters of their
// own beyond the named ones they say), spliced into statement texts when a module loads.

/**
 * A task's effective due time (core/tasks/task-access.ts effectiveDueAt: a snoozed task is
 * due at its snooze time), for the task table under `alias`.
 */
export function effectiveDue(alias: string): string {
  return `COALESCE(${alias}."snoozedUntil", ${alias}."dueAt")`;
}

/**
 * Joins a team member `u` to their preferred reachable identity `i` (id, "languageCode", channel, "chatId"):
 * not unreachable, with a chat id, on the first channel of :channelOrder (core's CHANNELS,
 * passed in), the most recently updated on a tie.
 */
export const PREFERRED_IDENTITY_JOIN = `
  LEFT JOIN LATERAL (
    SELECT id, "languageCode", channel::text AS channel, "chatId" FROM "Identity"
    WHERE "userId" = u.id AND NOT unreachable AND "chatId" IS NOT NULL
    ORDER BY array_position(:channelOrder::text[], channel::text), "updatedAt" DESC
    LIMIT 1
  ) i ON true`;

/**
 * The round-robin stamp for a user picked in workspace :workspaceId: now, but strictly later
 * than the workspace's last pick. The column keeps milliseconds; two picks within one must not
 * tie, or the lower id would be picked twice.
 */
export const NEXT_ASSIGNED_AT = `GREATEST(clock_timestamp(), (SELECT MAX(u."lastAssignedAt") + interval '1 millisecond' FROM "User" u WHERE u."workspaceId" = :workspaceId))`;
