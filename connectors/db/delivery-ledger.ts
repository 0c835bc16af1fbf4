// The OutboundDelivery ledger on Postgres (core/outbound/ledger.ts): each method is one
// statement, so a send is claim -> platform call -> markSent, three round trips in all (a
// foldable notice: look-up -> limits -> claim -> platform call -> markSent); outside
// a transaction they go straight through the pool (direct.ts).
import type { ClaimRequest, ClaimResult, DeliveryLedger, FoldOwner, SentRecord } from '../../core/outbound/ledger.js';
import type { DbOrTx } from '../../core/db.js';
import { directExecute, directQuery } from './direct.js';

/** The row `row` refuses a claim made at `at`: final, or someone's send or fold younger than `staleSecs` seconds. */
const refusesAt = (row: string, at: string, staleSecs: string) =>
  `(${row}.status IN ('sent', 'failed', 'skipped', 'coalesced')
      OR (${row}.status IN ('sending', 'coalescing') AND ${row}."updatedAt" >= ${at} - make_interval(secs => ${staleSecs})))`;

/**
 * The claim of a deduplicated send, as an INSERT over the rows of `from` (a FROM and WHERE
 * clause: no row, no claim), each expression given as SQL text: it succeeds only when the key
 * is not final and nobody else is sending it right now, itself or folded into their message
 * ("coalescing"), or they stopped answering longer than `staleSecs` seconds ago (a crashed
 * worker). RETURNING status: a row when this statement took the send. The one home of that
 * rule: the ledger's claim below and a due reminder's (connectors/db/stores/reminders.ts).
 *
 * A key that its row already shows as taken is not tried at all (the NOT EXISTS read): ON
 * CONFLICT DO UPDATE locks the conflicting row even when its WHERE then refuses, and that lock
 * is a WAL record and a flushed commit. A notice folded into another's message looks at its
 * row several times before that one is recorded (send-runner.ts), so most claims that fail
 * would otherwise each cost a disk flush. The ON CONFLICT condition stays the authority: a
 * row that changed since the statement's snapshot is judged by it.
 */
export function sendClaimSql(p: { dedupeKey: string; workspaceId: string; identityId: string; staleSecs: string; from: string }): string {
  const refuses = (row: string, at: string) => refusesAt(row, at, p.staleSecs);
  return `INSERT INTO "OutboundDelivery" ("dedupeKey", "workspaceId", "identityId", status, attempts, "createdAt", "updatedAt")
    SELECT ${p.dedupeKey}, ${p.workspaceId}, ${p.identityId}, 'sending', 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' ${p.from}
      AND NOT EXISTS (
        SELECT 1 FROM "OutboundDelivery" taken WHERE taken."dedupeKey" = ${p.dedupeKey} AND ${refuses('taken', "now() AT TIME ZONE 'UTC'")})
    ON CONFLICT ("dedupeKey") DO UPDATE SET status = 'sending', attempts = "OutboundDelivery".attempts + 1, "updatedAt" = EXCLUDED."updatedAt",
      "coalescedInto" = NULL
    WHERE NOT ${refuses('"OutboundDelivery"', 'EXCLUDED."updatedAt"')}
    RETURNING status`;
}

// The target (an identity, or the chat an identity-less reply is addressed to), the dedupe
// key's ledger state, and, when the target can be sent to by this process ($5: its channels)
// and the caller takes the send now ($8), the claim of the send (sendClaimSql; $4: the stale
// seconds). `refused`: the row would refuse a claim now (null when there is no row).
const TARGET_AND_CLAIM_SQL = `
  WITH i AS (
    SELECT id, channel::text AS channel, "chatId", unreachable, "unreachableReason"
    FROM "Identity" WHERE id = $1 AND "workspaceId" = $2
    UNION ALL
    SELECT NULL::int, $6::text, $7::text, false, NULL WHERE $1::int IS NULL AND $6::text IS NOT NULL
  ), claim AS (
    ${sendClaimSql({
      dedupeKey: '$3',
      workspaceId: '$2',
      identityId: 'i.id',
      staleSecs: '$4',
      from: `FROM i WHERE $8::boolean AND $3::text IS NOT NULL AND NOT i.unreachable AND i."chatId" IS NOT NULL AND i.channel = ANY($5::text[])`,
    })}
  )
  SELECT (i.channel IS NOT NULL) AS found, i.id, i.channel, i."chatId", i.unreachable, i."unreachableReason",
         o.status AS ledger, ${refusesAt('o', "now() AT TIME ZONE 'UTC'", '$4')} AS refused,
         EXISTS (SELECT 1 FROM claim) AS claimed
  FROM (SELECT 1) one LEFT JOIN i ON true LEFT JOIN "OutboundDelivery" o ON o."dedupeKey" = $3::text`;

// Notices another one's message is to carry: taken unless final, their rows made where there
// are none yet (a notice claims its own send only once it is taken: core/outbound/deliver.ts).
// A row being sent by its own job cannot be among them (its job leaves the fold set when it
// takes its send, atomically). Looked up through the key's unique index whatever the list.
const CLAIM_FOLDED_SQL = `
  INSERT INTO "OutboundDelivery" ("dedupeKey", "workspaceId", "identityId", status, attempts, "coalescedInto", "createdAt", "updatedAt")
  SELECT k, $3, $4, 'coalescing', 0, $1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM unnest($2::text[]) AS k
  ON CONFLICT ("dedupeKey") DO UPDATE SET status = 'coalescing', "coalescedInto" = EXCLUDED."coalescedInto", "updatedAt" = EXCLUDED."updatedAt"
  WHERE "OutboundDelivery".status NOT IN ('sent', 'failed', 'skipped', 'coalesced')
  RETURNING "dedupeKey"`;

const RELEASE_FOLDED_SQL = `
  UPDATE "OutboundDelivery" SET status = 'retrying', "coalescedInto" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
  WHERE "dedupeKey" = ANY($2::text[]) AND status = 'coalescing' AND "coalescedInto" = $1`;

const RELEASE_SQL = `UPDATE "OutboundDelivery" SET status = 'retrying', error = $2, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE "dedupeKey" = $1 AND status = 'sending'`;

// Everything a delivered item changes, in one statement: the ledger row (and those of the
// notices it carried, "coalesced"), the NotificationRef replies and buttons map back through,
// and the outbound Message (status, and its platform id unless another message of the
// workspace already holds that id). Two texts: most sends carry no folded notice and keep a
// named statement; one that does looks its notices up by a list, planned for that list
// (DirectOptions.plan in direct.ts).
const sentSql = (withFolded: boolean) => `
  WITH ledger AS (
    UPDATE "OutboundDelivery" SET status = 'sent', "externalMessageId" = $4, "sentAt" = now() AT TIME ZONE 'UTC',
           error = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
    WHERE "dedupeKey" = $10
  ), ${
    withFolded
      ? `folded AS (
    UPDATE "OutboundDelivery" SET status = 'coalesced', "externalMessageId" = $4, "sentAt" = now() AT TIME ZONE 'UTC',
           error = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
    WHERE "dedupeKey" = ANY($13::text[]) AND status = 'coalescing' AND "coalescedInto" = $10
  ), `
      : ''
  }msg AS (
    UPDATE "Message" m SET "deliveryStatus" = 'sent',
           "externalId" = CASE WHEN m."externalId" IS NULL AND NOT EXISTS (
             SELECT 1 FROM "Message" c WHERE c."workspaceId" = $1 AND c.channel = $2::"Channel" AND c."externalId" = $4
           ) THEN $4 ELSE m."externalId" END
    WHERE m.id = $12 AND m."workspaceId" = $1
  )
  INSERT INTO "NotificationRef" ("workspaceId", channel, "chatId", "externalMessageId", "userId", "conversationId", "leadId", "dealId", "taskId", "createdAt")
  SELECT $1, $2::"Channel", $3, $4, $5, $6, $7, $8, $9, now() AT TIME ZONE 'UTC' WHERE $11
  ON CONFLICT DO NOTHING`;
const SENT_SQL = sentSql(false);
const SENT_WITH_FOLDED_SQL = sentSql(true);

interface ClaimRow {
  found: boolean | null;
  id: number | null;
  channel: ClaimResult['channel'];
  chatId: string | null;
  unreachable: boolean | null;
  unreachableReason: string | null;
  ledger: string | null;
  refused: boolean | null;
  claimed: boolean;
}

export class PostgresDeliveryLedger implements DeliveryLedger {
  async claim(db: DbOrTx, r: ClaimRequest): Promise<ClaimResult> {
    const [row] = await directQuery<ClaimRow>(db, TARGET_AND_CLAIM_SQL, [
      r.identityId,
      r.workspaceId,
      r.dedupeKey,
      r.sendingStaleMs / 1000,
      r.channels,
      r.chat?.channel ?? null,
      r.chat?.chatId ?? null,
      r.take !== false,
    ]);
    return {
      found: Boolean(row?.found),
      identityId: row?.id ?? null,
      channel: row?.channel ?? null,
      chatId: row?.chatId ?? null,
      unreachable: Boolean(row?.unreachable),
      unreachableReason: row?.unreachableReason ?? null,
      ledger: row?.ledger ?? null,
      refused: Boolean(row?.refused),
      claimed: Boolean(row?.claimed),
    };
  }

  async release(db: DbOrTx, dedupeKey: string, error: string): Promise<void> {
    await directExecute(db, RELEASE_SQL, [dedupeKey, error.slice(0, 1000)]);
  }

  async markSent(db: DbOrTx, s: SentRecord): Promise<void> {
    const ref = s.ref ?? {};
    const hasRef = Object.values(ref).some((v) => v !== undefined && v !== null);
    if (!hasRef && !s.dedupeKey && !s.messageId) return;
    const folded = s.folded ?? [];
    const args = [
      s.workspaceId,
      s.channel,
      s.chatId,
      s.externalMessageId,
      ref.userId ?? null,
      ref.conversationId ?? null,
      ref.leadId ?? null,
      ref.dealId ?? null,
      ref.taskId ?? null,
      s.dedupeKey,
      hasRef,
      s.messageId ?? null,
    ];
    if (folded.length) await directExecute(db, SENT_WITH_FOLDED_SQL, [...args, folded], { plan: 'custom' });
    else await directExecute(db, SENT_SQL, args);
  }

  async claimFolded(db: DbOrTx, into: FoldOwner, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await directQuery<{ dedupeKey: string }>(db, CLAIM_FOLDED_SQL, [into.dedupeKey, keys, into.workspaceId, into.identityId]);
    return rows.map((r) => r.dedupeKey);
  }

  async releaseFolded(db: DbOrTx, into: string, keys: string[]): Promise<void> {
    if (keys.length) await directExecute(db, RELEASE_FOLDED_SQL, [into, keys], { plan: 'custom' });
  }
}

/** The process's ledger (stateless; one instance is enough). */
export const deliveryLedger: DeliveryLedger = new PostgresDeliveryLedger();
