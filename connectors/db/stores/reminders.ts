// The reminder hot path in SQL (core/reminders/reminder-store.ts is the port): keyset batches
// for start-up reconciliation and the one-statement load-and-claim of a firing reminder (its
// occurrence and the send of its message, together).
// Named parameters (statement.ts): the SQL text is constant per statement, so each
// connection's prepared-statement cache plans each shape once.
import type { DbOrTx } from '../../../core/db.js';
import type { ReconcileRow, ReminderStore, ReminderTaskRow } from '../../../core/reminders/reminder-store.js';
import { statement } from '../statement.js';
import { effectiveDue, PREFERRED_IDENTITY_JOIN } from './fragments.js';
import { sendClaimSql } from '../delivery-ledger.js';

const DUE = effectiveDue('t');

/**
 * Open tasks after :afterId in id order (keyset batches), with their effective due time and
 * whether an overdue one is settled: its occurrence claimed and its message recorded as
 * sent, failed or skipped by the outbound ledger (dedupe key rem-<task>-<due ms>), or its
 * assignee has no reachable identity to send to.
 */
const openTasksAfter = statement<{ now: Date; afterId: number; limit: number; workspaceIds: number[] | null }, ReconcileRow>(`
SELECT t.id, ${DUE} AS due,
  (${DUE} <= :now::timestamp(3) AND EXISTS (
    SELECT 1 FROM "ReminderDelivery" r
    WHERE r."taskId" = t.id AND r."dueAt" = ${DUE}
      AND (EXISTS (
        SELECT 1 FROM "OutboundDelivery" o
        WHERE o."dedupeKey" = 'rem-' || t.id || '-' || round(extract(epoch from ${DUE}) * 1000)::bigint
          AND o.status IN ('sent', 'failed', 'skipped'))
        OR NOT EXISTS (
        SELECT 1 FROM "Identity" i
        WHERE i."userId" = t."assigneeId" AND NOT i.unreachable AND i."chatId" IS NOT NULL))
  )) AS settled
FROM "Task" t
WHERE t.status = 'open' AND t.id > :afterId AND (:workspaceIds::int[] IS NULL OR t."workspaceId" = ANY(:workspaceIds::int[]))
ORDER BY t.id
LIMIT :limit`);

/**
 * The task with its links, assignee and the assignee's preferred identity. When the task is
 * open, not recurring and still due at :dueAt, the same statement claims the occurrence
 * (ReminderDelivery: `claimed` says whether this call did it) and, when the identity is on one
 * of :channels (the channels this process sends on), the send of its message in the
 * OutboundDelivery ledger (`sendClaimed`; `ledger`: the key's status before). No row: the task
 * is gone.
 */
const loadAndClaim = statement<
  { taskId: number; dueAt: Date; channelOrder: readonly string[]; sendKey: string; channels: readonly string[]; staleSecs: number },
  ReminderTaskRow
>(`
WITH task AS (
  SELECT t.id, t."workspaceId", t.title, t."dueAt", t."snoozedUntil", t.status::text AS status, t.rrule,
         t."assigneeId", t."leadId", t."dealId", t."contactId",
         l.title AS "leadTitle", d.title AS "dealTitle", c.name AS "contactName",
         u.name AS "userName", u.locale AS "userLocale", u.timezone AS "userTimezone", u.active AS "userActive",
         w.locale AS "wsLocale", w.timezone AS "wsTimezone", i.id AS "identityId", i."languageCode", i.channel, i."chatId",
         (t.status = 'open' AND t.rrule IS NULL AND ${DUE} = :dueAt::timestamp(3)) AS due
  FROM "Task" t
  JOIN "User" u ON u.id = t."assigneeId"
  JOIN "Workspace" w ON w.id = t."workspaceId"
  LEFT JOIN "Lead" l ON l.id = t."leadId"
  LEFT JOIN "Deal" d ON d.id = t."dealId"
  LEFT JOIN "Contact" c ON c.id = t."contactId"
  ${PREFERRED_IDENTITY_JOIN}
  WHERE t.id = :taskId
), claim AS (
  INSERT INTO "ReminderDelivery" ("taskId", "dueAt", "deliveredAt")
  SELECT id, :dueAt::timestamp(3), now() AT TIME ZONE 'UTC' FROM task WHERE due
  ON CONFLICT DO NOTHING
  RETURNING 1
), send AS (
  ${sendClaimSql({
    dedupeKey: ':sendKey::text',
    workspaceId: 'task."workspaceId"',
    identityId: 'task."identityId"',
    staleSecs: ':staleSecs',
    from: 'FROM task WHERE due AND task."identityId" IS NOT NULL AND task.channel = ANY(:channels::text[])',
  })}
)
SELECT task.*, EXISTS (SELECT 1 FROM claim) AS claimed, EXISTS (SELECT 1 FROM send) AS "sendClaimed",
       (SELECT o.status FROM "OutboundDelivery" o WHERE o."dedupeKey" = :sendKey::text) AS ledger
FROM task`);

/**
 * Claims one occurrence (one row inserted = it was not claimed before) and, for an identity on
 * one of :channels, the send of its message in the ledger, in one statement.
 */
const claim = statement<
  {
    taskId: number;
    dueAt: Date;
    sendKey: string;
    workspaceId: number;
    identityId: number | null;
    channel: string | null;
    channels: readonly string[];
    staleSecs: number;
  },
  { claimed: boolean; sendClaimed: boolean; ledger: string | null }
>(`
WITH claim AS (
  INSERT INTO "ReminderDelivery" ("taskId", "dueAt", "deliveredAt") VALUES (:taskId, :dueAt::timestamp(3), now() AT TIME ZONE 'UTC')
  ON CONFLICT DO NOTHING
  RETURNING 1
), send AS (
  ${sendClaimSql({
    dedupeKey: ':sendKey::text',
    workspaceId: ':workspaceId::int',
    identityId: ':identityId::int',
    staleSecs: ':staleSecs',
    from: 'WHERE :identityId::int IS NOT NULL AND :channel::text = ANY(:channels::text[])',
  })}
)
SELECT EXISTS (SELECT 1 FROM claim) AS claimed, EXISTS (SELECT 1 FROM send) AS "sendClaimed",
       (SELECT o.status FROM "OutboundDelivery" o WHERE o."dedupeKey" = :sendKey::text) AS ledger`);

export const sqlReminderStore: ReminderStore = {
  openTasksAfter: (db: DbOrTx, q) => openTasksAfter.query(db, q),

  async loadAndClaim(db: DbOrTx, { send, ...q }) {
    const [row] = await loadAndClaim.query(db, { ...q, sendKey: send.dedupeKey, channels: send.channels, staleSecs: send.sendingStaleMs / 1000 });
    return row ?? null;
  },

  async claim(db: DbOrTx, { send, ...q }) {
    const [row] = await claim.query(db, {
      ...q,
      sendKey: send.dedupeKey,
      channels: send.channels,
      staleSecs: send.sendingStaleMs / 1000,
      workspaceId: send.workspaceId,
      identityId: send.identityId,
      channel: send.channel,
    });
    return row!;
  },
};
