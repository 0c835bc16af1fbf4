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
}

export interface ReminderStore {
  /** Open tasks with id > afterId in id order, at most `limit`; only `workspaceIds` when given. */
  openTasksAfter(db: DbOrTx, q: { now: Date; afterId: number; limit: number; workspaceIds: number[] | null }): Promise<ReconcileRow[]>;
  /**
   * Loads the task with its links and recipient; when it is open, not recurring and still due
   * at `dueAt`, claims that occurrence in the same statement. Null when the task is gone.
   * The recipient is the assignee's reachable identity on the first channel of `channelOrder`.
   */
  loadAndClaim(db: DbOrTx, q: { taskId: number; dueAt: Date; channelOrder: readonly ChannelName[] }): Promise<ReminderTaskRow | null>;
  /** Claims one occurrence (ReminderDelivery); false when it was claimed before. */
  claim(db: DbOrTx, q: { taskId: number; dueAt: Date }): Promise<boolean>;
}
