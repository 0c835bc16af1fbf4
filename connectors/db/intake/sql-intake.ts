// The intake store in SQL (core/ports.ts CustomerIntake): each hot shape of a customer's
// message in very few statements (statements.ts), no ORM query compilation, no round trip
// per row. Its ORM twin (orm-intake.ts) writes the same rows; one conformance suite checks
// both (test/integration/db/intake/conformance.test.ts).
//
// forwardReturning creates no contact, conversation or lead, so it needs no per-customer
// lock: anything racing with it that would create one (a first message, a closed lead) is
// not its shape and goes through the locked path. Concurrent calls share statements (group
// commit, connectors/db/group-commit.ts), and so do concurrent turns' clearing of their
// pending items.
import type { DbOrTx } from '../../../core/db.js';
import type { Contact, Lead } from '../../../prisma/generated/client.js';
import type { CustomerIntake, IntakeEvent, NewCustomerInput, NewCustomerResult, ReturningInput, ReturningResult } from '../../../core/ports.js';
import type { AuditEntry } from '../../../core/audit.js';
import type { OutboxItem } from '../../../core/ports.js';
import { GroupCommit } from '../group-commit.js';
import { rowFromJson } from '../json-row.js';
import { poolOf } from '../client.js';
import { leanTransaction } from '../direct.js';
import * as sql from './statements.js';

/** At most two statements of a kind (returning messages, cleared items) in flight per client; up to 64 messages in one. */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 64;

export class SqlCustomerIntake implements CustomerIntake {
  private readonly returning: GroupCommit<ReturningInput, ReturningResult>;
  /** concurrent turns' pending items cleared in one statement */
  private readonly clearing = new GroupCommit<string, void>({
    run: async (dedupeKeys) => {
      await sql.clearPending.execute(this.db, { dedupeKeys });
      return dedupeKeys.map(() => undefined);
    },
    maxInFlight: MAX_IN_FLIGHT,
    maxBatch: MAX_BATCH,
  });
  /** raw statements on a held connection (connectors/db/direct.ts), where `db` is a pooled client */
  readonly leanTransaction?: <T>(fn: (tx: DbOrTx) => Promise<T>) => Promise<T>;

  /** `db`: the process's client (statements that commit on their own run on it). */
  constructor(private readonly db: DbOrTx) {
    if (poolOf(db)) this.leanTransaction = (fn) => leanTransaction(db, fn);
    this.returning = new GroupCommit({
      run: (batch) => this.runReturning(batch),
      // each dedupe key and platform message maps to one row of a statement
      keys: (m) => [`d:${m.dedupeKey}`, `m:${m.workspaceId}:${m.channel}:${m.messageExternalId}`],
      maxInFlight: MAX_IN_FLIGHT,
      maxBatch: MAX_BATCH,
    });
  }

  async claimEvent(db: DbOrTx, e: IntakeEvent): Promise<boolean> {
    const rows = await sql.claimEvent.query(db, { dedupeKey: e.dedupeKey, source: e.channel, receivedAt: e.receivedAt, now: e.now });
    return rows.length === 1;
  }

  async lockCustomer(tx: DbOrTx, p: { workspaceId: number; customerKey: string }): Promise<void> {
    await sql.lockCustomer.query(tx, p);
  }

  async lockAndClaim(tx: DbOrTx, e: IntakeEvent & { workspaceId: number; customerKey: string }): Promise<boolean> {
    const rows = await sql.lockAndClaim.query(tx, {
      workspaceId: e.workspaceId,
      customerKey: e.customerKey,
      dedupeKey: e.dedupeKey,
      source: e.channel,
      receivedAt: e.receivedAt,
      now: e.now,
    });
    return rows.length === 1;
  }

  forwardReturning(input: ReturningInput): Promise<ReturningResult> {
    return this.returning.submit(input);
  }

  /**
   * One statement for a batch, one round trip; the rule (open statuses) is the same constant
   * for every message of it. On a pooled client it runs on a kept plan (statements.ts).
   */
  private async runReturning(items: ReturningInput[]): Promise<ReturningResult[]> {
    const batch = {
      workspaceIds: items.map((i) => i.workspaceId),
      channels: items.map((i) => i.channel),
      externalUserIds: items.map((i) => i.externalUserId),
      chatIds: items.map((i) => i.chatId),
      languageCodes: items.map((i) => i.languageCode),
      dedupeKeys: items.map((i) => i.dedupeKey),
      receivedAts: items.map((i) => i.receivedAt),
      messageExternalIds: items.map((i) => i.messageExternalId),
      texts: items.map((i) => i.text),
      attachments: items.map((i) => JSON.stringify(i.attachments)),
      turnAts: items.map((i) => i.now),
      openLeadStatuses: items[0]!.openLeadStatuses,
    };
    const rows = await sql.forwardReturning.query(this.db, batch);
    return rows.map((r) => {
      const handled = r.identityId !== null;
      return {
        known: r.known,
        handled,
        claimed: handled && r.claimed,
        stored: handled && r.stored,
        contactName: r.contactName ?? '',
        conversationId: r.conversationId ?? 0,
        leadId: r.leadId,
        dealId: r.leadId !== null ? null : r.dealId,
        ownerId: r.leadId !== null ? r.assigneeId : r.ownerId,
      };
    });
  }

  async captureNewCustomer(tx: DbOrTx, input: NewCustomerInput): Promise<NewCustomerResult | null> {
    const [row] = await sql.captureNewCustomer.query(tx, {
      workspaceId: input.workspaceId,
      channel: input.channel,
      externalUserId: input.externalUserId,
      chatId: input.chatId,
      displayName: input.displayName,
      username: input.username,
      languageCode: input.languageCode,
      contactName: input.contactName,
      nameKey: input.contactName.toLowerCase(),
      email: input.email,
      phone: input.phone,
      messageExternalId: input.messageExternalId,
      text: input.text,
      attachments: JSON.stringify(input.attachments),
      receivedAt: input.receivedAt,
      now: input.now,
      assigneeId: input.assigneeId,
      leadTitle: input.leadTitle,
      firstMessage: input.firstMessage,
      firstResponseDueAt: input.firstResponseDueAt,
    });
    if (!row) return null;
    return {
      contact: rowFromJson<Contact>(row.contact, row.contactTimes),
      identityId: row.identityId,
      conversationId: row.conversationId,
      lead: row.lead ? rowFromJson<Lead>(row.lead, row.leadTimes) : null,
      leadRules: row.leadRules,
    };
  }

  /**
   * One UPDATE ... RETURNING in its own implicit transaction, so the manager row is locked
   * only while the statement runs. core/leads' round robin serializes picks with a workspace
   * lock held across round trips, which under load queues every new lead behind the slowest
   * client; here two picks overlapping within the same microseconds may, rarely, rank by the
   * same stamps and give one manager two leads in a row (never one lead to two managers).
   */
  async pickAssignee(p: { workspaceId: number; now: Date }): Promise<{ id: number } | null> {
    const [row] = await sql.pickManager.query(this.db, p);
    return row ?? null;
  }

  async storeTurn(tx: DbOrTx, p: { dedupeKey: string; pending: OutboxItem[] | null; audits: AuditEntry[]; now: Date }): Promise<void> {
    if (p.pending === null && p.audits.length === 0) return;
    await sql.storeTurn.execute(tx, {
      dedupeKey: p.dedupeKey,
      pending: p.pending === null ? null : JSON.stringify(p.pending),
      audits: JSON.stringify(p.audits),
      now: p.now,
    });
  }

  async loadPending(dedupeKey: string): Promise<unknown> {
    const [row] = await sql.loadPending.query(this.db, { dedupeKey });
    return row?.pending ?? null;
  }

  clearPending(dedupeKey: string): Promise<void> {
    return this.clearing.submit(dedupeKey);
  }
}
