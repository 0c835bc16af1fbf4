// The two hot shapes of a customer's message, each in very few SQL statements (raw SQL:
// no ORM query compilation, no round trip per row):
//
// - forwardReturning: a known customer (identity -> live contact, unchanged chat id and
//   language) with an open conversation and an open lead or deal. ONE statement claims the
//   dedupe key, stores the message, touches the conversation and returns the owner to
//   forward to. It creates no contact, conversation or lead, so it needs no per-customer
//   lock: anything racing with it that would create one (a first message, a closed lead)
//   is not this shape, and goes through the locked path. When the shape does not hold,
//   nothing is written and the caller runs the full customer flow.
// - captureNewCustomer: inside the caller's transaction, after claimNewCustomerEvent took
//   the customer's lock and claimed the dedupe key: ONE statement creates contact,
//   identity, conversation, message and lead (with the round-robin assignee picked before
//   the transaction and the SLA due time), with the same Activity and AuditLog rows as
//   findOrCreateContact and captureLead. Returns null (nothing written) when the identity
//   exists after all or the assignee is no longer active: the caller then runs the full
//   customer flow in the same transaction.
//
// Both write exactly the rows the ORM path writes; test/integration/chat covers both ways.
import type { DbOrTx } from '../db.js';
import type { InboundMessage } from './inbound.js';
import type { Workspace } from '../../prisma/generated/client.js';
import { messageExternalId, ackItem, pushNewLeadNotice } from './customer-flow.js';
import { push, type Turn } from './turn.js';
import type { Reply } from './reply.js';
import { messageBody } from './notify.js';
import { firstResponseDueAt, titleFromText } from '../leads/index.js';
import { t, resolveLocale } from '../i18n/index.js';
import { enqueueAi } from '../ai/chat-actions.js';

/** A customer's message that may take a fast path: not email, no button, no /start. */
export function fastPathCandidate(m: InboundMessage): boolean {
  return m.channel !== 'email' && !m.callbackData && !/^\/start\b/i.test(m.text.trim()) && m.externalUserId === m.externalUserId.trim();
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

// $1 workspace, $2 channel, $3 externalUserId, $4 chatId, $5 languageCode (null: any),
// $6 dedupeKey, $7 receivedAt, $8 wall clock now, $9 message external id, $10 text,
// $11 attachments (json), $12 turn time (conversation.lastMessageAt)
const RETURNING_SQL = `
WITH ident AS (
  SELECT i.id, i."contactId", i."userId", i."chatId", i."languageCode"
  FROM "Identity" i
  WHERE i."workspaceId" = $1 AND i.channel = $2::text::"Channel" AND i."externalId" = $3
),
c AS (
  SELECT c.id, c.name FROM "Contact" c JOIN ident ON c.id = ident."contactId"
  WHERE c."workspaceId" = $1 AND c."mergedIntoId" IS NULL AND c."erasedAt" IS NULL
    AND ident."userId" IS NULL AND ident."chatId" = $4
    AND ($5::text IS NULL OR ident."languageCode" IS NOT DISTINCT FROM $5::text)
),
conv AS (
  SELECT v.id FROM "Conversation" v JOIN c ON v."contactId" = c.id
  WHERE v."workspaceId" = $1 AND v.channel = $2::text::"Channel" AND v.status = 'open'
  ORDER BY v."lastMessageAt" DESC
  LIMIT 1
),
lead AS (
  SELECT l.id, l."assigneeId" FROM "Lead" l JOIN c ON l."contactId" = c.id
  WHERE l.status IN ('new', 'in_progress')
  ORDER BY l."createdAt" DESC, l.id DESC
  LIMIT 1
),
deal AS (
  SELECT d.id, d."ownerId" FROM "Deal" d JOIN c ON d."contactId" = c.id
  WHERE NOT EXISTS (SELECT 1 FROM lead) AND d."workspaceId" = $1 AND d.status = 'open'
  ORDER BY d.id DESC
  LIMIT 1
),
ok AS (
  SELECT ident.id AS "identityId", c.name AS "contactName", conv.id AS "conversationId",
         lead.id AS "leadId", lead."assigneeId", deal.id AS "dealId", deal."ownerId"
  FROM ident JOIN c ON true JOIN conv ON true LEFT JOIN lead ON true LEFT JOIN deal ON true
  WHERE lead.id IS NOT NULL OR deal.id IS NOT NULL
),
claim AS (
  INSERT INTO "InboundEvent" ("dedupeKey", source, "receivedAt", "processedAt")
  SELECT $6, $2::text, $7::timestamp(3), $8::timestamp(3) FROM ok
  ON CONFLICT ("dedupeKey") DO NOTHING
  RETURNING id
),
msg AS (
  INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, "externalId", text, attachments, "createdAt")
  SELECT $1, ok."conversationId", 'inbound', $2::text::"Channel", $9, $10, $11::jsonb, $7::timestamp(3) FROM ok, claim
  ON CONFLICT ("workspaceId", channel, "externalId") DO NOTHING
  RETURNING id
),
touch AS (
  UPDATE "Conversation" v SET "lastMessageAt" = $12::timestamp(3), "identityId" = ok."identityId"
  FROM ok, msg WHERE v.id = ok."conversationId"
)
SELECT EXISTS (SELECT 1 FROM ident) AS known, ok.*,
       EXISTS (SELECT 1 FROM claim) AS claimed, EXISTS (SELECT 1 FROM msg) AS stored
FROM (SELECT 1) one LEFT JOIN ok ON true`;

/** One statement; see the file comment. */
export async function forwardReturning(db: DbOrTx, ws: Workspace, m: InboundMessage, now: Date): Promise<ReturningResult> {
  const rows = await db.$queryRawUnsafe<ReturningRow[]>(
    RETURNING_SQL,
    ws.id,
    m.channel,
    m.externalUserId,
    m.externalChatId,
    m.languageCode ?? null,
    m.dedupeKey,
    new Date(m.receivedAt).toISOString(),
    new Date().toISOString(),
    messageExternalId(m.channel, m.externalChatId, m.messageExternalId),
    m.text,
    JSON.stringify(m.attachments),
    now.toISOString(),
  );
  const r = rows[0]!;
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
