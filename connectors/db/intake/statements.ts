// The intake store's statements (connectors/db/intake/sql-intake.ts runs them). Each has a
// header saying what it does and what it guarantees; parameters are named (statement.ts).
// Rules come in as parameters (:openLeadStatuses), times from the caller's clock (:now).
import { statement } from '../statement.js';
import { NEXT_ASSIGNED_AT } from '../stores/fragments.js';
import { timestampColumnsSql } from '../json-row.js';
import type { LeadStatus } from '../../../prisma/generated/enums.js';

/** Claims a dedupe key; a row back = this event is new. */
export const claimEvent = statement<{ dedupeKey: string; source: string; receivedAt: Date; now: Date }, { id: number }>(`
INSERT INTO "InboundEvent" ("dedupeKey", source, "receivedAt", "processedAt")
VALUES (:dedupeKey, :source, :receivedAt::timestamp(3), :now::timestamp(3))
ON CONFLICT ("dedupeKey") DO NOTHING
RETURNING id`);

/** Serializes one customer's messages until the transaction ends (the key: channel:externalUserId). */
export const lockCustomer = statement<{ workspaceId: number; customerKey: string }>(`
SELECT pg_advisory_xact_lock(:workspaceId::int, hashtext(:customerKey))::text AS locked`);

/** lockCustomer, then claimEvent, in one statement; a row back = this event is new. */
export const lockAndClaim = statement<
  { workspaceId: number; customerKey: string; dedupeKey: string; source: string; receivedAt: Date; now: Date },
  { id: number }
>(`
WITH lk AS MATERIALIZED (SELECT pg_advisory_xact_lock(:workspaceId::int, hashtext(:customerKey)))
INSERT INTO "InboundEvent" ("dedupeKey", source, "receivedAt", "processedAt")
SELECT :dedupeKey, :source, :receivedAt::timestamp(3), :now::timestamp(3) FROM lk
ON CONFLICT ("dedupeKey") DO NOTHING
RETURNING id`);

export interface ReturningBatch {
  workspaceIds: number[];
  channels: string[];
  externalUserIds: string[];
  chatIds: string[];
  /** null: any language */
  languageCodes: (string | null)[];
  dedupeKeys: string[];
  receivedAts: Date[];
  messageExternalIds: string[];
  texts: string[];
  /** JSON text per message */
  attachments: string[];
  /** the turn's time per message (conversation.lastMessageAt, InboundEvent.processedAt) */
  turnAts: Date[];
  openLeadStatuses: readonly LeadStatus[];
}

export interface ReturningRow {
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

/**
 * A returning customer's messages, one statement for a batch (arrays, one element per
 * message; n = position). For each message whose sender is a known customer (identity ->
 * live contact, same chat id and language) with an open conversation (the bot's own chat with
 * them: not a Business account's or a client group's) and an open lead
 * (:openLeadStatuses) or deal: claims the dedupe key, stores the message, touches the
 * conversation. Messages not of that shape write nothing. Conversations are locked in id
 * order before they are touched, so two batches sharing customers never wait on each other
 * in opposite orders. pendingOutbox {"forward": true}: the forward is derived again if the
 * job is redelivered (a worker died before queueing it); not for a platform message stored
 * already under another key.
 */
export const forwardReturning = statement<ReturningBatch, ReturningRow>(
  `
WITH inp AS (
  SELECT * FROM unnest(:workspaceIds::int[], :channels::text[], :externalUserIds::text[], :chatIds::text[], :languageCodes::text[],
                       :dedupeKeys::text[], :receivedAts::timestamp(3)[], :messageExternalIds::text[], :texts::text[],
                       :attachments::text[], :turnAts::timestamp(3)[])
    WITH ORDINALITY AS x(ws, ch, ext_user, chat, lang, dedupe, received, ext_msg, body, att, turn_at, n)
),
found AS (
  SELECT inp.*, i.id AS identity_id, c.id AS contact_id, c.name AS contact_name, conv.id AS conversation_id,
         lead.id AS lead_id, lead."assigneeId" AS assignee_id, deal.id AS deal_id, deal."ownerId" AS owner_id
  FROM inp
  LEFT JOIN "Identity" i ON i."workspaceId" = inp.ws AND i.channel = inp.ch::"Channel" AND i."externalId" = inp.ext_user
  LEFT JOIN "Contact" c ON c.id = i."contactId" AND c."workspaceId" = inp.ws AND c."mergedIntoId" IS NULL AND c."erasedAt" IS NULL
    AND i."userId" IS NULL AND NOT i.unreachable AND i."chatId" = inp.chat AND (inp.lang IS NULL OR i."languageCode" IS NOT DISTINCT FROM inp.lang)
  LEFT JOIN LATERAL (
    SELECT v.id FROM "Conversation" v
    WHERE v."contactId" = c.id AND v."workspaceId" = inp.ws AND v.channel = inp.ch::"Channel" AND v.status = 'open'
      AND v."businessConnectionId" IS NULL AND v."groupId" IS NULL
    ORDER BY v."lastMessageAt" DESC LIMIT 1
  ) conv ON true
  LEFT JOIN LATERAL (
    SELECT l.id, l."assigneeId" FROM "Lead" l
    WHERE l."contactId" = c.id AND l.status = ANY(:openLeadStatuses::"LeadStatus"[])
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
  INSERT INTO "InboundEvent" ("dedupeKey", source, "receivedAt", "processedAt", "pendingOutbox")
  SELECT dedupe, ch, received, turn_at,
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
ORDER BY f.n`,
  // its own implicit transaction on the process's client: through the pool (direct.ts; plain
  // results), on a kept plan (client.ts ClientPools.kept: planned for each batch's arrays, it
  // cost Postgres about 3 x its run); every access is by an indexed key
  { direct: true, plan: 'kept' },
);

export interface NewCustomerParams {
  workspaceId: number;
  channel: string;
  externalUserId: string;
  chatId: string;
  displayName: string | null;
  username: string | null;
  languageCode: string | null;
  contactName: string;
  nameKey: string;
  /** the contact's keys as the message gives them (normalised), or null */
  email: string | null;
  phone: string | null;
  messageExternalId: string;
  text: string;
  /** JSON text */
  attachments: string;
  receivedAt: Date;
  /** the turn's time: rows' createdAt/updatedAt, conversation.lastMessageAt */
  now: Date;
  assigneeId: number;
  leadTitle: string;
  firstMessage: string | null;
  firstResponseDueAt: Date;
}

export interface NewCustomerRow {
  identityId: number;
  conversationId: number;
  contact: unknown;
  contactTimes: string[] | null;
  lead: unknown;
  leadTimes: string[] | null;
  leadRules: boolean;
}

/**
 * A brand-new customer's first message, in the caller's transaction after lockAndClaim: one
 * statement creates contact (with its e-mail and phone when the message gives them: a web
 * form, the REST API), identity, conversation, message and lead (the assignee picked before
 * the transaction, the SLA due time given), with the Activity rows findOrCreateContact and
 * captureLead write. No row back (nothing written) when the identity, the e-mail or the phone
 * exists after all, or the assignee is no longer active. An e-mail or phone inserted by a
 * concurrent transaction after the guard fails the statement on its unique key (the caller
 * runs it in a savepoint and takes the full flow). The lead is not created when the platform
 * message was stored already. Contact and lead come back as JSON rows with their timestamp
 * columns (json-row.ts): the audit rows are built from them by core/audit.ts.
 */
export const captureNewCustomer = statement<NewCustomerParams, NewCustomerRow>(`
WITH guard AS (
  SELECT 1 AS ok
  WHERE NOT EXISTS (SELECT 1 FROM "Identity" WHERE "workspaceId" = :workspaceId AND channel = :channel::text::"Channel" AND "externalId" = :externalUserId)
    AND EXISTS (SELECT 1 FROM "User" WHERE id = :assigneeId AND "workspaceId" = :workspaceId AND active)
    AND (:email::text IS NULL OR NOT EXISTS (SELECT 1 FROM "ContactEmail" WHERE "workspaceId" = :workspaceId AND email = :email::text))
    AND (:phone::text IS NULL OR NOT EXISTS (SELECT 1 FROM "ContactPhone" WHERE "workspaceId" = :workspaceId AND phone = :phone::text))
),
ids AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('"Contact"', 'id'))::int AS contact,
         nextval(pg_get_serial_sequence('"Identity"', 'id'))::int AS identity,
         nextval(pg_get_serial_sequence('"Conversation"', 'id'))::int AS conversation,
         nextval(pg_get_serial_sequence('"Activity"', 'id'))::int AS contact_activity,
         nextval(pg_get_serial_sequence('"Activity"', 'id'))::int AS lead_activity
  FROM guard
),
contact AS (
  INSERT INTO "Contact" (id, "workspaceId", name, "nameKey", "createdAt", "updatedAt")
  SELECT ids.contact, :workspaceId, :contactName, :nameKey, :now::timestamp(3), :now::timestamp(3) FROM ids
  RETURNING *
),
contact_email AS (
  INSERT INTO "ContactEmail" ("workspaceId", "contactId", email, "createdAt")
  SELECT :workspaceId, ids.contact, :email::text, :now::timestamp(3) FROM ids, contact WHERE :email::text IS NOT NULL
  RETURNING id
),
contact_phone AS (
  INSERT INTO "ContactPhone" ("workspaceId", "contactId", phone, "createdAt")
  SELECT :workspaceId, ids.contact, :phone::text, :now::timestamp(3) FROM ids, contact WHERE :phone::text IS NOT NULL
  RETURNING id
),
identity AS (
  INSERT INTO "Identity" (id, "workspaceId", channel, "externalId", "chatId", "displayName", username, "languageCode", "contactId", "createdAt", "updatedAt")
  SELECT ids.identity, :workspaceId, :channel::text::"Channel", :externalUserId, :chatId, :displayName, :username, :languageCode, ids.contact,
         :now::timestamp(3), :now::timestamp(3)
  FROM ids
  RETURNING id
),
conversation AS (
  INSERT INTO "Conversation" (id, "workspaceId", "contactId", channel, "identityId", "lastMessageAt", "createdAt")
  SELECT ids.conversation, :workspaceId, ids.contact, :channel::text::"Channel", ids.identity, :now::timestamp(3), :now::timestamp(3) FROM ids
  RETURNING id
),
contact_activity AS (
  INSERT INTO "Activity" (id, "workspaceId", type, "contactId", data, "createdAt")
  SELECT ids.contact_activity, :workspaceId, 'contact.created', contact.id, jsonb_build_object('channel', :channel::text), :now::timestamp(3)
  FROM ids, contact
  RETURNING id
),
msg AS (
  INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, "externalId", text, attachments, "createdAt")
  SELECT :workspaceId, ids.conversation, 'inbound', :channel::text::"Channel", :messageExternalId, :text, :attachments::jsonb, :receivedAt::timestamp(3)
  FROM ids
  ON CONFLICT ("workspaceId", channel, "externalId") DO NOTHING
  RETURNING id
),
lead AS (
  INSERT INTO "Lead" ("workspaceId", "contactId", "conversationId", source, status, title, "firstMessage", "assigneeId", "firstResponseDueAt", "createdAt", "updatedAt")
  SELECT :workspaceId, ids.contact, ids.conversation, :channel::text::"Channel", 'new', :leadTitle, :firstMessage, :assigneeId,
         :firstResponseDueAt::timestamp(3), :now::timestamp(3), :now::timestamp(3)
  FROM ids, msg
  RETURNING *
),
lead_activity AS (
  INSERT INTO "Activity" (id, "workspaceId", type, "contactId", "leadId", data, "createdAt")
  SELECT ids.lead_activity, :workspaceId, 'lead.created', lead."contactId", lead.id,
         jsonb_build_object('source', lead.source::text, 'assigneeId', lead."assigneeId", 'roundRobin', false), :now::timestamp(3)
  FROM ids, lead
  RETURNING id
)
SELECT ids.identity AS "identityId", ids.conversation AS "conversationId",
       (SELECT to_jsonb(c) FROM contact c) AS contact, ${timestampColumnsSql('Contact')} AS "contactTimes",
       (SELECT to_jsonb(l) FROM lead l) AS lead, ${timestampColumnsSql('Lead')} AS "leadTimes",
       EXISTS (SELECT 1 FROM "AutomationRule" WHERE "workspaceId" = :workspaceId AND trigger = 'new_lead' AND enabled) AS "leadRules"
FROM ids`);

/** The fast round-robin pick: one UPDATE ... RETURNING in its own implicit transaction (see sql-intake.ts pickAssignee). */
export const pickManager = statement<{ workspaceId: number; now: Date }, { id: number }>(
  `
UPDATE "User" SET "lastAssignedAt" = ${NEXT_ASSIGNED_AT}, "updatedAt" = :now::timestamp(3)
WHERE "id" = (
  SELECT "id" FROM "User"
  WHERE "workspaceId" = :workspaceId AND "active" AND "onDuty" AND "role" = 'manager'::"Role"
  ORDER BY "lastAssignedAt" ASC NULLS FIRST, "id" ASC
  LIMIT 1
  FOR NO KEY UPDATE SKIP LOCKED
)
RETURNING "id"`,
  { direct: true },
);

/**
 * The turn's closing write, in its transaction: the audit rows it deferred (JSON array of
 * AuditEntry, in order) and the outbox items kept on its InboundEvent until they are queued
 * (:pending null leaves pendingOutbox as it is).
 */
export const storeTurn = statement<{ dedupeKey: string; pending: string | null; audits: string; now: Date }>(`
WITH audit AS (
  INSERT INTO "AuditLog" ("workspaceId", "actorUserId", "actorKind", action, entity, "entityId", before, after, "createdAt")
  SELECT a."workspaceId", a."actorUserId", a."actorKind", a.action, a.entity, a."entityId", a.before, a.after, :now::timestamp(3)
  FROM jsonb_array_elements(:audits::jsonb) WITH ORDINALITY AS e(value, n),
       jsonb_to_record(e.value) AS a("workspaceId" int, "actorUserId" int, "actorKind" text, action text, entity text, "entityId" text, before jsonb, after jsonb)
  ORDER BY e.n
)
UPDATE "InboundEvent" SET "pendingOutbox" = COALESCE(:pending::jsonb, "pendingOutbox")
WHERE "dedupeKey" = :dedupeKey`);

export const loadPending = statement<{ dedupeKey: string }, { pending: unknown }>(`
SELECT "pendingOutbox" AS pending FROM "InboundEvent" WHERE "dedupeKey" = :dedupeKey`);

/**
 * Clears the items once they are on the queue (a forward marker stays: it is not an item list),
 * for several events at once (concurrent turns share it: sql-intake.ts).
 */
export const clearPending = statement<{ dedupeKeys: string[] }>(
  `
UPDATE "InboundEvent" SET "pendingOutbox" = NULL WHERE "dedupeKey" = ANY(:dedupeKeys::text[]) AND jsonb_typeof("pendingOutbox") = 'array'`,
  { direct: true, plan: 'custom' },
);
