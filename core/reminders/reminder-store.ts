// The reminder hot path's database statements, as a port: core says what it needs, the SQL
// lives in connectors/db/stores/reminders.ts (typed, named parameters) and the composition
// root passes it in (CoreContext.stores.reminders). Every method takes the database handle
// to run on (client or open transaction), so a use case keeps its transaction.
import type { ChannelName } from '../channels.js';
import type { DbOrTx } from '../db.js';

/** One open task as reconciliation sees it. */
export interface ReconcileRow {
  id: number;
  /** effective due time: snoozedUntil ?? dueAt */
  due: Date;
  /** overdue and its reminder already delivered (or nobody to deliver it to) */
  settled: boolean;
}

/** A task with its links and the assignee as a recipient, and whether this call claimed the occurrence. */
export interface ReminderTaskRow {
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
  userName: string;
  userLocale: string | null;
  userTimezone: string | null;
  userActive: boolean;
  wsLocale: string;
  wsTimezone: string;
  identityId: number | null;
  languageCode: string | null;
  /** the identity's channel and chat (null without one) */
  channel: ChannelName | null;
  chatId: string | null;
  /** this call claimed the send of the reminder's message (see ReminderSendClaim) */
  sendClaimed: boolean;
  /** the message's ledger status before this call (null: never claimed) */
  ledger: string | null;
}

/**
 * The send of a reminder's message, claimed in the OutboundDelivery ledger together with its
 * occurrence (one statement: core/outbound/ledger.ts says what a claim guarantees). Claimed only
 * for an identity on one of `channels` (those this process sends on); a "sending" mark older
 * than `sendingStaleMs` is a crashed worker's and taken over.
 */
export interface ReminderSendClaim {
  dedupeKey: string;
  channels: readonly string[];
  sendingStaleMs: number;
}

export interface ReminderStore {
  /** Open tasks with id > afterId in id order, at most `limit`; only `workspaceIds` when given. */
  openTasksAfter(db: DbOrTx, q: { now: Date; afterId: number; limit: number; workspaceIds: number[] | null }): Promise<ReconcileRow[]>;
  /**
   * Loads the task with its links and recipient; when it is open, not recurring and still due
   * at `dueAt`, claims that occurrence and the send of its message in the same statement.
   * Null when the task is gone. The recipient is the assignee's reachable identity on the
   * first channel of `channelOrder`.
   */
  loadAndClaim(db: DbOrTx, q: { taskId: number; dueAt: Date; channelOrder: readonly ChannelName[]; send: ReminderSendClaim }): Promise<ReminderTaskRow | null>;
  /**
   * Claims one occurrence (ReminderDelivery) and, for an identity, the send of its message, in
   * one statement; `claimed` false when the occurrence was claimed before.
   */
  claim(
    db: DbOrTx,
    q: {
      taskId: number;
      dueAt: Date;
      send: ReminderSendClaim & { workspaceId: number; identityId: number | null; channel: string | null };
    },
  ): Promise<{ claimed: boolean; sendClaimed: boolean; ledger: string | null }>;
}
