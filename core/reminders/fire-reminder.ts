// What happens when a reminder's time comes. Postgres is the truth: the job only says
// "task T may be due at D". Exactly once, end to end:
//   1. the job is stale (task closed, moved, snoozed, deleted) => nothing;
//   2. claim the occurrence: INSERT ReminderDelivery(taskId, dueAt) ON CONFLICT DO NOTHING,
//      and, for a recurring task, create its next occurrence in the same transaction;
//   3. enqueue the outbound message with the deterministic dedupe key rem-<task>-<dueMs>,
//      also when the claim already existed (a retry after a crash between 2 and 3): the
//      outbound queue and its OutboundDelivery ledger turn a repeated enqueue into a no-op.
// The hot path is two SQL statements (load with links and recipient; claim) because
// reminders come in bursts (everyone's 09:00).
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { Outbox } from '../ports.js';
import { PREFERRED_IDENTITY_JOIN, toTeamRecipient } from '../outbound/recipient.js';
import { ensureNextOccurrence } from '../tasks/ensure-next-occurrence.js';
import { reminderItem, type ReminderTask } from './reminder-message.js';
import { effectiveDueAt } from '../tasks/task-access.js';

export interface ReminderJobData {
  taskId: number;
  /** the effective due time this job was scheduled for (epoch ms) */
  dueAtMs: number;
}

export type FireOutcome =
  | { status: 'stale'; reason: 'missing' | 'closed' | 'moved'; currentDueAtMs?: number }
  | { status: 'enqueued'; fresh: boolean; next?: { taskId: number; dueAt: Date } }
  | { status: 'no_recipient'; fresh: boolean; next?: { taskId: number; dueAt: Date } };

interface TaskRow {
  claimed: boolean;
  id: number;
  workspaceId: number;
  title: string;
  dueAt: Date;
  snoozedUntil: Date | null;
  status: string;
  rrule: string | null;
  assigneeId: number;
  leadId: number | null;
  dealId: number | null;
  contactId: number | null;
  leadTitle: string | null;
  dealTitle: string | null;
  contactName: string | null;
  // the assignee as a recipient
  userName: string;
  userLocale: string | null;
  userTimezone: string | null;
  userActive: boolean;
  wsLocale: string;
  wsTimezone: string;
  identityId: number | null;
  languageCode: string | null;
}

// $1 task id, $2 the job's due time: loads the task with its links and recipient and, when
// the job is current and the task not recurring, claims the occurrence in the same statement
const LOAD_AND_CLAIM_SQL = `
  WITH claim AS (
    INSERT INTO "ReminderDelivery" ("taskId", "dueAt", "deliveredAt")
    SELECT id, $2, now() AT TIME ZONE 'UTC' FROM "Task"
    WHERE id = $1 AND status = 'open' AND rrule IS NULL AND COALESCE("snoozedUntil", "dueAt") = $2
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
  ${PREFERRED_IDENTITY_JOIN}
  WHERE t.id = $1`;

const CLAIM_SQL = `INSERT INTO "ReminderDelivery" ("taskId", "dueAt", "deliveredAt") VALUES ($1, $2, now() AT TIME ZONE 'UTC') ON CONFLICT DO NOTHING`;

export async function fireReminder(ctx: CoreContext, outbox: Outbox, job: ReminderJobData): Promise<FireOutcome> {
  const [row] = await ctx.db.$queryRawUnsafe<TaskRow[]>(LOAD_AND_CLAIM_SQL, job.taskId, new Date(job.dueAtMs));
  if (!row) return { status: 'stale', reason: 'missing' };
  if (row.status !== 'open') return { status: 'stale', reason: 'closed' };
  const due = effectiveDueAt(row);
  if (due.getTime() !== job.dueAtMs) return { status: 'stale', reason: 'moved', currentDueAtMs: due.getTime() };

  let fresh: boolean;
  let nextInfo: { taskId: number; dueAt: Date } | undefined;
  if (!row.rrule) {
    fresh = row.claimed;
  } else {
    const now = ctx.clock.now();
    const result = await inTx(ctx.db, async (tx) => {
      const claimed = (await tx.$executeRawUnsafe(CLAIM_SQL, row.id, due)) === 1;
      const task = await tx.task.findUniqueOrThrow({ where: { id: row.id } });
      return { claimed, next: await ensureNextOccurrence(tx, task, now) };
    });
    fresh = result.claimed;
    if (result.next && result.next.task.status === 'open') nextInfo = { taskId: result.next.task.id, dueAt: effectiveDueAt(result.next.task) };
  }

  const recipient = toTeamRecipient({
    id: row.assigneeId,
    workspaceId: row.workspaceId,
    name: row.userName,
    locale: row.userLocale,
    timezone: row.userTimezone,
    active: row.userActive,
    wsLocale: row.wsLocale,
    wsTimezone: row.wsTimezone,
    identityId: row.identityId,
    languageCode: row.languageCode,
  });
  if (!recipient.identityId) return { status: 'no_recipient', fresh, next: nextInfo };
  const task: ReminderTask = {
    ...row,
    lead: row.leadTitle !== null ? { title: row.leadTitle } : null,
    deal: row.dealTitle !== null ? { title: row.dealTitle } : null,
    contact: row.contactName !== null ? { name: row.contactName } : null,
  };
  await outbox.enqueue(reminderItem({ identityId: recipient.identityId, locale: recipient.locale, timezone: recipient.timezone }, task, due, nextInfo?.dueAt));
  return { status: 'enqueued', fresh, next: nextInfo };
}
