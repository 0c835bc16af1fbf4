// The reminder hot path in SQL (core/reminders/reminder-store.ts is the port): keyset batches
// for start-up reconciliation and the one-statement load-and-claim of a firing reminder.
// Tagged templates: every value is a bound parameter; the SQL text is constant per statement,
// so the client's prepared-statement cache plans each shape once per connection.
import { Prisma } from '../../prisma/generated/client.js';
import type { DbOrTx } from '../../core/db.js';
import { PREFERRED_IDENTITY_JOIN } from '../../core/outbound/recipient.js';
import type { ReconcileRow, ReminderStore, ReminderTaskRow } from '../../core/reminders/reminder-store.js';

const DUE = Prisma.raw('COALESCE(t."snoozedUntil", t."dueAt")');

export const sqlReminderStore: ReminderStore = {
  async openTasksAfter(db: DbOrTx, { now, afterId, limit, workspaceIds }) {
    return db.$queryRaw<ReconcileRow[]>`
      SELECT t.id, ${DUE} AS due,
        (${DUE} <= ${now} AND EXISTS (
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
      WHERE t.status = 'open' AND t.id > ${afterId} AND (${workspaceIds}::int[] IS NULL OR t."workspaceId" = ANY(${workspaceIds}::int[]))
      ORDER BY t.id
      LIMIT ${limit}`;
  },

  async loadAndClaim(db: DbOrTx, { taskId, dueAt }) {
    const [row] = await db.$queryRaw<ReminderTaskRow[]>`
      WITH claim AS (
        INSERT INTO "ReminderDelivery" ("taskId", "dueAt", "deliveredAt")
        SELECT id, ${dueAt}, now() AT TIME ZONE 'UTC' FROM "Task"
        WHERE id = ${taskId} AND status = 'open' AND rrule IS NULL AND COALESCE("snoozedUntil", "dueAt") = ${dueAt}
        ON CONFLICT DO NOTHING
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM claim) AS claimed, t.id, t."workspaceId", t.title, t."dueAt", t."snoozedUntil", t.status::text AS status, t.rrule,
             t."assigneeId", t."leadId", t."dealId", t."contactId",
             l.title AS "leadTitle", d.title AS "dealTitle", c.name AS "contactName",
             u.name AS "userName", u.locale AS "userLocale", u.timezone AS "userTimezone", u.active AS "userActive",
             w.locale AS "wsLocale", w.timezone AS "wsTimezone", i.id AS "identityId", i."languageCode"
      FROM "Task" t
      JOIN "User" u ON u.id = t."assigneeId"
      JOIN "Workspace" w ON w.id = t."workspaceId"
      LEFT JOIN "Lead" l ON l.id = t."leadId"
      LEFT JOIN "Deal" d ON d.id = t."dealId"
      LEFT JOIN "Contact" c ON c.id = t."contactId"
      ${Prisma.raw(PREFERRED_IDENTITY_JOIN)}
      WHERE t.id = ${taskId}`;
    return row ?? null;
  },

  async claim(db: DbOrTx, { taskId, dueAt }) {
    const inserted = await db.$executeRaw`
      INSERT INTO "ReminderDelivery" ("taskId", "dueAt", "deliveredAt") VALUES (${taskId}, ${dueAt}, now() AT TIME ZONE 'UTC') ON CONFLICT DO NOTHING`;
    return inserted === 1;
  },
};
