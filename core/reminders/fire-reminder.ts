// What happens when a reminder's time comes. Postgres is the truth: the job only says
// "task T may be due at D". Exactly once, end to end, in the reminder's own job:
//   1. the job is stale (task closed, moved, snoozed, deleted) => nothing;
//   2. claim the occurrence, INSERT ReminderDelivery(taskId, dueAt) ON CONFLICT DO NOTHING, and
//      in the same statement the send of its message in the OutboundDelivery ledger (dedupe
//      key rem-<task>-<dueMs>); for a recurring task both in the transaction that creates its
//      next occurrence;
//   3. the caller delivers the item under that claim, in the same job (the reminder worker
//      runs it through the send runner: platform limits, 429s, the ledger's "sent"). A run
//      after a crash or a postpone finds the occurrence claimed and the ledger row sent
//      (nothing more), retrying (claimed again) or still sending (wait).
// The hot path is one statement (load with links and recipient, and both claims: ReminderStore,
// ctx.stores.reminders) because reminders come in bursts (everyone's 09:00).
import { withTx, type CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { OutboxItem } from '../ports.js';
import type { ClaimResult } from '../outbound/ledger.js';
import { CHANNELS } from '../channels.js';
import { toTeamRecipient } from '../outbound/recipient.js';
import { ensureNextOccurrence } from '../tasks/ensure-next-occurrence.js';
import { reminderDedupeKey, reminderItem, type ReminderTask } from './reminder-message.js';
import { effectiveDueAt } from '../tasks/task-access.js';
import type { ReminderTaskRow } from './reminder-store.js';

export interface ReminderJobData {
  taskId: number;
  /** the effective due time this job was scheduled for (epoch ms) */
  dueAtMs: number;
}

/** Where the process can send, for the claim of the reminder's message (DeliveryLedger's terms). */
export interface SendSide {
  /** the channels this process has senders for */
  channels: readonly string[];
  /** a "sending" mark older than this is a crashed worker's */
  sendingStaleMs: number;
}

export type FireOutcome =
  | { status: 'stale'; reason: 'missing' | 'closed' | 'moved'; currentDueAtMs?: number }
  /** to deliver now: the item and its ledger claim (`claimed.claimed`: this run took the send) */
  | { status: 'due'; fresh: boolean; item: OutboxItem; claimed: ClaimResult; next?: { taskId: number; dueAt: Date } }
  | { status: 'no_recipient'; fresh: boolean; next?: { taskId: number; dueAt: Date } };

export async function fireReminder(ctx: CoreContext, job: ReminderJobData, side: SendSide): Promise<FireOutcome> {
  const store = ctx.stores.reminders;
  const dueAt = new Date(job.dueAtMs);
  const send = { dedupeKey: reminderDedupeKey(job.taskId, job.dueAtMs), channels: side.channels, sendingStaleMs: side.sendingStaleMs };
  const row = await store.loadAndClaim(ctx.db, { taskId: job.taskId, dueAt, channelOrder: CHANNELS, send });
  if (!row) return { status: 'stale', reason: 'missing' };
  if (row.status !== 'open') return { status: 'stale', reason: 'closed' };
  const due = effectiveDueAt(row);
  if (due.getTime() !== job.dueAtMs) return { status: 'stale', reason: 'moved', currentDueAtMs: due.getTime() };

  let fresh: boolean;
  let sendClaim: Pick<ReminderTaskRow, 'sendClaimed' | 'ledger'> = row;
  let nextInfo: { taskId: number; dueAt: Date } | undefined;
  if (!row.rrule) {
    fresh = row.claimed;
  } else {
    const now = ctx.clock.now();
    const result = await inTx(ctx.db, async (tx) => {
      const claim = await store.claim(tx, {
        taskId: row.id,
        dueAt: due,
        send: { ...send, workspaceId: row.workspaceId, identityId: row.identityId, channel: row.channel },
      });
      const task = await tx.task.findUniqueOrThrow({ where: { id: row.id } });
      return { claim, next: await ensureNextOccurrence(withTx(ctx, tx), task, now) };
    });
    fresh = result.claim.claimed;
    sendClaim = result.claim;
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
  if (!recipient.identityId || !row.channel || !row.chatId) return { status: 'no_recipient', fresh, next: nextInfo };
  const task: ReminderTask = {
    ...row,
    lead: row.leadTitle !== null ? { title: row.leadTitle } : null,
    deal: row.dealTitle !== null ? { title: row.dealTitle } : null,
    contact: row.contactName !== null ? { name: row.contactName } : null,
  };
  const item = reminderItem({ identityId: recipient.identityId, locale: recipient.locale, timezone: recipient.timezone }, task, due, nextInfo?.dueAt);
  // the identity was read (reachable, with a chat) in the claiming statement
  const claimed: ClaimResult = {
    found: true,
    identityId: recipient.identityId,
    channel: row.channel,
    chatId: row.chatId,
    unreachable: false,
    unreachableReason: null,
    ledger: sendClaim.ledger,
    claimed: sendClaim.sendClaimed,
  };
  return { status: 'due', fresh, item, claimed, next: nextInfo };
}
