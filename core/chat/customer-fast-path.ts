// The two hot shapes of a customer's message, each in very few SQL statements (raw SQL:
// no ORM query compilation, no round trip per row):
//
// - forwardReturning: a known customer (identity -> live contact, unchanged chat id and
//   language) with an open conversation and an open lead or deal. ONE statement claims the
//   dedupe key, stores the message, touches the conversation and returns the owner to
//   forward to. It creates no contact, conversation or lead, so it needs no per-customer
//   lock: anything racing with it that would create one (a first message, a closed lead)
//   is not this shape, and goes through the locked path. When the shape does not hold,
//   nothing is written and the caller runs the full customer flow. Concurrent calls of a
//   process share statements (group commit, see ReturningBatcher).
// - captureNewCustomer: inside the caller's transaction, after claimNewCustomerEvent took
//   the customer's lock and claimed the dedupe key: ONE statement creates contact,
//   identity, conversation, message and lead (with the round-robin assignee picked before
//   the transaction and the SLA due time), with the same Activity and AuditLog rows as
//   findOrCreateContact and captureLead. Returns null (nothing written) when the identity
//   exists after all or the assignee is no longer active: the caller then runs the full
//   customer flow in the same transaction.
//
// Both write the rows the ORM flow writes (test/integration/chat/fast-path.test.ts).
import type { DbOrTx } from '../db.js';
import type { InboundMessage } from './inbound.js';
import type { Workspace } from '../../prisma/generated/client.js';
import { messageExternalId, ackItem, pushNewLeadNotice } from './customer-flow.js';
import { push, type Turn } from './turn.js';
import type { Reply } from './reply.js';
import { messageBody } from './notify.js';
import { firstResponseDueAt, titleFromText } from '../leads/index.js';
import { t, resolveLocale } from '../i18n/index.js';
import { enqueueAi } from './ai/chat-actions.js';

/** A customer's message that may take a fast path: not email, not a mention/command/shortcut, no button, no slash command (/start, /help), nothing said about the sender to fill in. */
export function fastPathCandidate(m: InboundMessage): boolean {
  return m.channel !== 'email' && !m.origin && !m.sender && !m.callbackData && !m.text.trim().startsWith('/') && m.externalUserId === m.externalUserId.trim();
}

export interface ReturningResult {
  /** an identity exists for the sender (customer or member) */
  known: boolean;
  /** the message was handled here (false: nothing was written, run the full flow) */
  handled: boolean;
  /** handled and this dedupe key was new (false: a redelivery, nothing to do) */
  claimed: boolean;
  /** claimed and the platform message was new (false: already stored under another key) */
  stored: boolean;
  contactName: string;
  conversationId: number;
  leadId: number | null;
  dealId: number | null;
  /** whom to forward to: the open lead's assignee, else the open deal's owner */
  ownerId: number | null;
}

interface ReturningRow {
  n: number;
  known: boolean;
  identityId: number | null;
  contactName: string | null;
  conversationId: number | null;
  leadId: number | null;
  assigneeId: number | null;
  dealId: number | null;
  ownerId: number | null;
  claimed: boolean;
  stored: boolean;
}

// One statement for a batch of messages (arrays, one element per message, n = position):
// $1 workspace, $2 channel, $3 externalUserId, $4 chatId, $5 languageCode (null: any),
// $6 dedupeKey, $7 receivedAt, $8 message external id, $9 text, $10 attachments (json),
// $11 turn time (conversation.lastMessageAt); $12 wall clock now.
// Conversations are locked in id order before they are touched, so two batches sharing
// customers never wait on each other in opposite orders.
const RETURNING_SQL = `
WITH inp AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamp(3)[], $8::text[], $9::text[], $10::text[], $11::timestamp(3)[])
    WITH ORDINALITY AS x(ws, ch, ext_user, chat, lang, dedupe, received, ext_msg, body, att, turn_at, n)
),
found AS (
  SELECT inp.*, i.id AS identity_id, c.id AS contact_id, c.name AS contact_name, conv.id AS conversation_id,
         lead.id AS lead_id, lead."assigneeId" AS assignee_id, deal.id AS deal_id, deal."ownerId" AS owner_id
  FROM inp
  LEFT JOIN "Identity" i ON i."workspaceId" = inp.ws AND i.channel = inp.ch::"Channel" AND i."externalId" = inp.ext_user
  LEFT JOIN "Contact" c ON c.id = i."contactId" AND c."workspaceId" = inp.ws AND c."mergedIntoId" IS NULL AND c."erasedAt" IS NULL
    AND i."userId" IS NULL AND i."chatId" = inp.chat AND (inp.lang IS NULL OR i."languageCode" IS NOT DISTINCT FROM inp.lang)
  LEFT JOIN LATERAL (
    SELECT v.id FROM "Conversation" v
    WHERE v."contactId" = c.id AND v."workspaceId" = inp.ws AND v.channel = inp.ch::"Channel" AND v.status = 'open'
    ORDER BY v."lastMessageAt" DESC LIMIT 1
  ) conv ON true
  LEFT JOIN LATERAL (
    SELECT l.id, l."assigneeId" FROM "Lead" l
    WHERE l."contactId" = c.id AND l.status IN ('new', 'in_progress')
    ORDER BY l."createdAt" DESC, l.id DESC LIMIT 1
  ) lead ON true
  LEFT JOIN LATERAL (
    SELECT d.id, d."ownerId" FROM "Deal" d
    WHERE lead.id IS NULL AND d."contactId" = c.id AND d."workspaceId" = inp.ws AND d.status = 'open'
    ORDER BY d.id DESC LIMIT 1
  ) deal ON true
),
ok AS (
  SELECT * FROM found
  WHERE conversation_id IS NOT NULL AND (lead_id IS NOT NULL OR deal_id IS NOT NULL)
),
claim AS (
  -- pendingOutbox {"forward": true}: this event's forward is derived again if its job is
  -- redelivered (a worker died before queueing it); not for a platform message already stored
  INSERT INTO "InboundEvent" ("dedupeKey", source, "receivedAt", "processedAt", "pendingOutbox")
  SELECT dedupe, ch, received, $12::timestamp(3),
         CASE WHEN EXISTS (
           SELECT 1 FROM "Message" mm WHERE mm."workspaceId" = ok.ws AND mm.channel = ok.ch::"Channel" AND mm."externalId" = ok.ext_msg
         ) THEN NULL ELSE '{"forward": true}'::jsonb END
  FROM ok ORDER BY dedupe
  ON CONFLICT ("dedupeKey") DO NOTHING
  RETURNING "dedupeKey"
),
msg AS (
  INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, "externalId", text, attachments, "createdAt")
  SELECT ok.ws, ok.conversation_id, 'inbound', ok.ch::"Channel", ok.ext_msg, ok.body, ok.att::jsonb, ok.received
  FROM ok JOIN claim ON claim."dedupeKey" = ok.dedupe
  ORDER BY ok.n
  ON CONFLICT ("workspaceId", channel, "externalId") DO NOTHING
  RETURNING "workspaceId", channel::text AS ch, "externalId"
),
stored AS (
  SELECT ok.* FROM ok JOIN msg ON msg."workspaceId" = ok.ws AND msg.ch = ok.ch AND msg."externalId" = ok.ext_msg
),
locked AS (
  SELECT v.id FROM "Conversation" v WHERE v.id IN (SELECT conversation_id FROM stored) ORDER BY v.id FOR NO KEY UPDATE
),
touch AS (
  UPDATE "Conversation" v SET "lastMessageAt" = t.turn_at, "identityId" = t.identity_id
  FROM (
    SELECT DISTINCT ON (stored.conversation_id) stored.conversation_id, stored.identity_id, stored.turn_at
    FROM stored JOIN locked ON locked.id = stored.conversation_id
    ORDER BY stored.conversation_id, stored.turn_at DESC, stored.n DESC
  ) t
  WHERE v.id = t.conversation_id
)
SELECT f.n::int AS n, f.identity_id IS NOT NULL AS known,
       ok.identity_id AS "identityId", ok.contact_name AS "contactName", ok.conversation_id AS "conversationId",
       ok.lead_id AS "leadId", ok.assignee_id AS "assigneeId", ok.deal_id AS "dealId", ok.owner_id AS "ownerId",
       EXISTS (SELECT 1 FROM claim WHERE claim."dedupeKey" = f.dedupe) AS claimed,
       EXISTS (SELECT 1 FROM stored WHERE stored.n = f.n) AS stored
FROM found f LEFT JOIN ok ON ok.n = f.n
ORDER BY f.n`;

interface ReturningItem {
  workspaceId: number;
  m: InboundMessage;
  now: Date;
}

/** One statement for several messages; results in input order. */
async function runReturning(db: DbOrTx, items: ReturningItem[]): Promise<ReturningResult[]> {
  const rows = await db.$queryRawUnsafe<ReturningRow[]>(
    RETURNING_SQL,
    items.map((i) => i.workspaceId),
    items.map((i) => i.m.channel),
    items.map((i) => i.m.externalUserId),
    items.map((i) => i.m.externalChatId),
    items.map((i) => i.m.languageCode ?? null),
    items.map((i) => i.m.dedupeKey),
    items.map((i) => new Date(i.m.receivedAt).toISOString()),
    items.map((i) => messageExternalId(i.m.channel, i.m.externalChatId, i.m.messageExternalId)),
    items.map((i) => i.m.text),
    items.map((i) => JSON.stringify(i.m.attachments)),
    items.map((i) => i.now.toISOString()),
    new Date().toISOString(),
  );
  if (rows.length !== items.length) throw new Error(`forwardReturning: ${rows.length} rows for ${items.length} messages`);
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

/**
 * Group commit for forwardReturning: at most MAX_IN_FLIGHT statements run at once per
 * client; messages arriving meanwhile wait and go together in the next statement (a
 * lone message goes at once). One statement is one implicit transaction: a message's
 * rows are committed when its promise resolves, and a failed batch is retried one
 * message at a time, so one bad message never fails the others.
 */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 64;

interface Pending extends ReturningItem {
  resolve(r: ReturningResult): void;
  reject(e: unknown): void;
}

class ReturningBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  constructor(private readonly db: DbOrTx) {}

  submit(item: ReturningItem): Promise<ReturningResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next batch: no dedupe key or platform message twice (each must map to one row). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    for (const p of this.queue) {
      const k1 = `d:${p.m.dedupeKey}`;
      const k2 = `m:${p.workspaceId}:${p.m.channel}:${messageExternalId(p.m.channel, p.m.externalChatId, p.m.messageExternalId)}`;
      if (batch.length >= MAX_BATCH || keys.has(k1) || keys.has(k2)) rest.push(p);
      else {
        keys.add(k1).add(k2);
        batch.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const results = await runReturning(this.db, batch);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      // the statement rolled back as a whole: each message on its own
      await Promise.all(
        batch.map(async (p) => {
          try {
            p.resolve((await runReturning(this.db, [p]))[0]!);
          } catch (err) {
            p.reject(err);
          }
        }),
      );
    }
  }
}

const batchers = new WeakMap<object, ReturningBatcher>();

/** A returning customer's message in one statement (shared with concurrent ones); see the file comment. */
export async function forwardReturning(db: DbOrTx, ws: Workspace, m: InboundMessage, now: Date): Promise<ReturningResult> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new ReturningBatcher(db)));
  return batcher.submit({ workspaceId: ws.id, m, now });
}

/** The per-customer lock of the customer flow (same key as handleCustomerMessage). */
export function customerLockKey(m: Pick<InboundMessage, 'channel' | 'externalUserId'>): string {
  return `${m.channel}:${m.externalUserId}`;
}

const CLAIM_LOCKED_SQL = `
WITH lk AS MATERIALIZED (SELECT pg_advisory_xact_lock($1::int, hashtext($2)))
INSERT INTO "InboundEvent" ("dedupeKey", source, "receivedAt", "processedAt")
SELECT $3, $4, $5::timestamp(3), $6::timestamp(3) FROM lk
ON CONFLICT ("dedupeKey") DO NOTHING
RETURNING id`;

/**
 * In a transaction: takes the customer's lock, then claims the dedupe key (one statement).
 * False when the event was handled already.
 */
export async function claimNewCustomerEvent(tx: DbOrTx, workspaceId: number, m: InboundMessage): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: number }>>(
    CLAIM_LOCKED_SQL,
    workspaceId,
    customerLockKey(m),
    m.dedupeKey,
    m.channel,
    new Date(m.receivedAt).toISOString(),
    new Date().toISOString(),
  );
  return rows.length === 1;
}

export interface NewCustomerInput {
  contactName: string;
  assigneeId: number;
  leadTitle: string;
  /** the lead's first message (null when empty) */
  firstMessage: string | null;
  firstResponseDueAt: Date;
  /** the turn's time: lead.createdAt and conversation.lastMessageAt */
  now: Date;
}

export interface NewCustomerResult {
  contactId: number;
  identityId: number;
  conversationId: number;
  /** null when the platform message was stored already (then no lead, as in the full flow) */
  leadId: number | null;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (col: string) => `to_char(${col}, ${ISO})`;

// $1 workspace, $2 channel, $3 externalUserId, $4 chatId, $5 displayName, $6 username,
// $7 languageCode, $8 contact name, $9 name key, $10 wall clock now, $11 message external
// id, $12 text, $13 attachments, $14 receivedAt, $15 turn time, $16 assignee, $17 title,
// $18 first message, $19 first response due
const NEW_CUSTOMER_SQL = `
WITH guard AS (
  SELECT 1 AS ok
  WHERE NOT EXISTS (SELECT 1 FROM "Identity" WHERE "workspaceId" = $1 AND channel = $2::text::"Channel" AND "externalId" = $3)
    AND EXISTS (SELECT 1 FROM "User" WHERE id = $16 AND "workspaceId" = $1 AND active)
),
ids AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('"Contact"', 'id'))::int AS contact,
         nextval(pg_get_serial_sequence('"Identity"', 'id'))::int AS identity,
         nextval(pg_get_serial_sequence('"Conversation"', 'id'))::int AS conversation,
         nextval(pg_get_serial_sequence('"Activity"', 'id'))::int AS contact_activity,
         nextval(pg_get_serial_sequence('"AuditLog"', 'id'))::int AS contact_audit,
         nextval(pg_get_serial_sequence('"Activity"', 'id'))::int AS lead_activity,
         nextval(pg_get_serial_sequence('"AuditLog"', 'id'))::int AS lead_audit
  FROM guard
),
contact AS (
  INSERT INTO "Contact" (id, "workspaceId", name, "nameKey", "createdAt", "updatedAt")
  SELECT ids.contact, $1, $8, $9, $10::timestamp(3), $10::timestamp(3) FROM ids
  RETURNING *
),
identity AS (
  INSERT INTO "Identity" (id, "workspaceId", channel, "externalId", "chatId", "displayName", username, "languageCode", "contactId", "createdAt", "updatedAt")
  SELECT ids.identity, $1, $2::text::"Channel", $3, $4, $5, $6, $7, ids.contact, $10::timestamp(3), $10::timestamp(3) FROM ids
  RETURNING id
),
conversation AS (
  INSERT INTO "Conversation" (id, "workspaceId", "contactId", channel, "identityId", "lastMessageAt", "createdAt")
  SELECT ids.conversation, $1, ids.contact, $2::text::"Channel", ids.identity, $15::timestamp(3), $10::timestamp(3) FROM ids
  RETURNING id
),
contact_activity AS (
  INSERT INTO "Activity" (id, "workspaceId", type, "contactId", data, "createdAt")
  SELECT ids.contact_activity, $1, 'contact.created', contact.id, jsonb_build_object('channel', $2::text), $10::timestamp(3) FROM ids, contact
  RETURNING id
),
contact_audit AS (
  INSERT INTO "AuditLog" (id, "workspaceId", "actorKind", action, entity, "entityId", "after", "createdAt")
  SELECT ids.contact_audit, $1, 'system', 'contact.create', 'contact', contact.id::text,
         jsonb_build_object('id', contact.id, 'workspaceId', contact."workspaceId", 'name', contact.name, 'nameKey', contact."nameKey",
           'companyId', contact."companyId", 'ownerId', contact."ownerId", 'position', contact.position, 'notes', contact.notes,
           'mergedIntoId', contact."mergedIntoId", 'erasedAt', ${iso('contact."erasedAt"')},
           'createdAt', ${iso('contact."createdAt"')}, 'updatedAt', ${iso('contact."updatedAt"')}, 'email', NULL, 'phone', NULL),
         $10::timestamp(3)
  FROM ids, contact
  RETURNING id
),
msg AS (
  INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, "externalId", text, attachments, "createdAt")
  SELECT $1, ids.conversation, 'inbound', $2::text::"Channel", $11, $12, $13::jsonb, $14::timestamp(3) FROM ids
  ON CONFLICT ("workspaceId", channel, "externalId") DO NOTHING
  RETURNING id
),
lead AS (
  INSERT INTO "Lead" ("workspaceId", "contactId", "conversationId", source, status, title, "firstMessage", "assigneeId", "firstResponseDueAt", "createdAt", "updatedAt")
  SELECT $1, ids.contact, ids.conversation, $2::text::"Channel", 'new', $17, $18, $16, $19::timestamp(3), $15::timestamp(3), $10::timestamp(3) FROM ids, msg
  RETURNING *
),
lead_activity AS (
  INSERT INTO "Activity" (id, "workspaceId", type, "contactId", "leadId", data, "createdAt")
  SELECT ids.lead_activity, $1, 'lead.created', lead."contactId", lead.id,
         jsonb_build_object('source', lead.source::text, 'assigneeId', lead."assigneeId", 'roundRobin', false), $10::timestamp(3)
  FROM ids, lead
  RETURNING id
),
lead_audit AS (
  INSERT INTO "AuditLog" (id, "workspaceId", "actorKind", action, entity, "entityId", "after", "createdAt")
  SELECT ids.lead_audit, $1, 'system', 'lead.create', 'lead', lead.id::text,
         jsonb_build_object('id', lead.id, 'workspaceId', lead."workspaceId", 'contactId', lead."contactId", 'conversationId', lead."conversationId",
           'source', lead.source::text, 'status', lead.status::text, 'title', lead.title, 'firstMessage', lead."firstMessage",
           'assigneeId', lead."assigneeId", 'firstResponseDueAt', ${iso('lead."firstResponseDueAt"')},
           'firstResponseAt', ${iso('lead."firstResponseAt"')}, 'slaBreachedAt', ${iso('lead."slaBreachedAt"')}, 'junkReason', lead."junkReason",
           'createdAt', ${iso('lead."createdAt"')}, 'updatedAt', ${iso('lead."updatedAt"')}),
         $10::timestamp(3)
  FROM ids, lead
  RETURNING id
)
SELECT ids.contact AS "contactId", ids.identity AS "identityId", ids.conversation AS "conversationId",
       (SELECT id FROM lead) AS "leadId"
FROM ids`;

/** One statement in the caller's transaction (after claimNewCustomerEvent); see the file comment. */
export async function captureNewCustomer(tx: DbOrTx, workspaceId: number, m: InboundMessage, input: NewCustomerInput): Promise<NewCustomerResult | null> {
  const rows = await tx.$queryRawUnsafe<NewCustomerResult[]>(
    NEW_CUSTOMER_SQL,
    workspaceId,
    m.channel,
    m.externalUserId,
    m.externalChatId,
    m.displayName ?? null,
    m.username ?? null,
    m.languageCode ?? null,
    input.contactName,
    input.contactName.toLowerCase(),
    new Date().toISOString(),
    messageExternalId(m.channel, m.externalChatId, m.messageExternalId),
    m.text,
    JSON.stringify(m.attachments),
    new Date(m.receivedAt).toISOString(),
    input.now.toISOString(),
    input.assigneeId,
    input.leadTitle,
    input.firstMessage,
    input.firstResponseDueAt.toISOString(),
  );
  const r = rows[0];
  return r ? { contactId: r.contactId, identityId: r.identityId, conversationId: r.conversationId, leadId: r.leadId } : null;
}

/**
 * A brand-new customer's first message in the caller's transaction, after
 * claimNewCustomerEvent: contact, identity, conversation, message and lead in one statement,
 * then the acknowledgement and the assignee's notification pushed to the turn, the SLA check
 * scheduled and the AI extraction asked for, as handleCustomerMessage does. Null when the
 * fast shape does not hold (nothing written): run handleCustomerMessage instead.
 */
export async function captureFirstMessage(turn: Turn, assigneeId: number): Promise<Reply[] | null> {
  const { workspace: ws, message: m, now } = turn;
  const name = m.displayName?.trim() || m.username || m.externalUserId;
  const text = m.text || messageBody('en', '', m.attachments);
  const due = firstResponseDueAt(ws, now);
  const created = await captureNewCustomer(turn.ctx.db, ws.id, m, {
    contactName: name,
    assigneeId,
    leadTitle: titleFromText(text) || t(resolveLocale(ws.locale), 'leads.title.from', { name }),
    firstMessage: text || null,
    firstResponseDueAt: due,
    now,
  });
  if (!created) return null;
  // the same platform message under another dedupe key: already handled
  if (created.leadId === null) return [];
  await turn.ctx.scheduler?.scheduleSlaCheck(created.leadId, due);
  push(turn, ackItem(turn, created.identityId, m.languageCode ?? null));
  await pushNewLeadNotice(turn, { id: created.leadId, assigneeId, firstResponseDueAt: due }, name, created.conversationId);
  await enqueueAi(turn, { kind: 'extract', workspaceId: ws.id, leadId: created.leadId });
  return [];
}
