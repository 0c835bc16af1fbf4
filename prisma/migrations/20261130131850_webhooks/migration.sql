-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "ownerId" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "failingSince" TIMESTAMP(3),
    "lastError" TEXT,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "eventId" BIGINT NOT NULL,
    "endpointId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookEndpoint_workspaceId_active_idx" ON "WebhookEndpoint"("workspaceId", "active");

-- CreateIndex
CREATE INDEX "WebhookEvent_relayedAt_id_idx" ON "WebhookEvent"("relayedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_createdAt_idx" ON "WebhookDelivery"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_eventId_endpointId_key" ON "WebhookDelivery"("eventId", "endpointId");

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEvent" ADD CONSTRAINT "WebhookEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "WebhookEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The outbox for outgoing webhooks. Every use case records what it changed as an Activity row
-- in the transaction of the change (core/audit.ts recordChange; the raw-SQL fast paths write
-- the same rows), and a customer's message as a Message row. These triggers copy the ones a
-- webhook may carry into "WebhookEvent" in that same transaction, with a snapshot of the
-- record: an event exists exactly when its change committed, whichever code path made it.
-- Nothing is written while the workspace has no active endpoint for that event type.
CREATE FUNCTION leadline_webhook_wanted(ws INTEGER, event TEXT) RETURNS BOOLEAN LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM "WebhookEndpoint" e WHERE e."workspaceId" = ws AND e.active AND event = ANY (e.events))
$$;

CREATE FUNCTION leadline_webhook_lead(lead_id INTEGER) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', l.id, 'status', l.status::text, 'title', l.title, 'source', l.source::text, 'message', l."firstMessage",
           'contactId', l."contactId", 'assigneeId', l."assigneeId", 'firstResponseDueAt', to_char(l."firstResponseDueAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'createdAt', to_char(l."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
  FROM "Lead" l WHERE l.id = lead_id
$$;

CREATE FUNCTION leadline_webhook_deal(deal_id INTEGER) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', d.id, 'title', d.title, 'amount', d.amount::text, 'currency', trim(d.currency), 'status', d.status::text,
           'stage', jsonb_build_object('id', s.id, 'name', s.name, 'kind', s.kind::text), 'ownerId', d."ownerId", 'contactId', d."contactId",
           'leadId', d."leadId", 'lostReason', d."lostReason", 'createdAt', to_char(d."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
  FROM "Deal" d JOIN "Stage" s ON s.id = d."stageId" WHERE d.id = deal_id
$$;

CREATE FUNCTION leadline_webhook_contact(contact_id INTEGER) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', c.id, 'name', c.name,
           'emails', COALESCE((SELECT jsonb_agg(e.email ORDER BY e.id) FROM "ContactEmail" e WHERE e."contactId" = c.id), '[]'::jsonb),
           'phones', COALESCE((SELECT jsonb_agg(p.phone ORDER BY p.id) FROM "ContactPhone" p WHERE p."contactId" = c.id), '[]'::jsonb))
  FROM "Contact" c WHERE c.id = contact_id
$$;

CREATE FUNCTION leadline_webhook_from_activity() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  event TEXT := CASE NEW.type
    WHEN 'lead.created' THEN 'lead.created'
    WHEN 'lead.assigned' THEN 'lead.assigned'
    WHEN 'lead.taken' THEN 'lead.assigned'
    WHEN 'deal.created' THEN 'deal.created'
    WHEN 'deal.stage_moved' THEN 'deal.stage_changed'
    WHEN 'deal.won' THEN 'deal.won'
    WHEN 'deal.lost' THEN 'deal.lost'
  END;
  payload JSONB;
BEGIN
  IF event IS NULL OR NOT leadline_webhook_wanted(NEW."workspaceId", event) THEN
    RETURN NULL;
  END IF;
  IF event LIKE 'lead.%' THEN
    payload := jsonb_build_object('lead', leadline_webhook_lead(NEW."leadId"), 'contact', leadline_webhook_contact(NEW."contactId"), 'change', NEW.data);
  ELSE
    payload := jsonb_build_object('deal', leadline_webhook_deal(NEW."dealId"), 'change', NEW.data);
  END IF;
  INSERT INTO "WebhookEvent" ("workspaceId", type, data, "createdAt") VALUES (NEW."workspaceId", event, payload, NEW."createdAt");
  RETURN NULL;
END
$$;

CREATE TRIGGER "Activity_webhook_event" AFTER INSERT ON "Activity"
  FOR EACH ROW WHEN (NEW.type IN ('lead.created', 'lead.assigned', 'lead.taken', 'deal.created', 'deal.stage_moved', 'deal.won', 'deal.lost'))
  EXECUTE FUNCTION leadline_webhook_from_activity();

CREATE FUNCTION leadline_webhook_from_message() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  contact_id INTEGER;
BEGIN
  IF NOT leadline_webhook_wanted(NEW."workspaceId", 'message.received') THEN
    RETURN NULL;
  END IF;
  SELECT c."contactId" INTO contact_id FROM "Conversation" c WHERE c.id = NEW."conversationId";
  INSERT INTO "WebhookEvent" ("workspaceId", type, data, "createdAt")
  VALUES (NEW."workspaceId", 'message.received',
          jsonb_build_object('message', jsonb_build_object('id', NEW.id, 'conversationId', NEW."conversationId", 'channel', NEW.channel::text, 'text', NEW.text,
                               'createdAt', to_char(NEW."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                             'contact', leadline_webhook_contact(contact_id)),
          NEW."createdAt");
  RETURN NULL;
END
$$;

CREATE TRIGGER "Message_webhook_event" AFTER INSERT ON "Message"
  FOR EACH ROW WHEN (NEW.direction = 'inbound')
  EXECUTE FUNCTION leadline_webhook_from_message();

-- task.due: a reminder fires once per occurrence (its ReminderDelivery row is the claim)
CREATE FUNCTION leadline_webhook_from_reminder() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  ws INTEGER;
BEGIN
  SELECT t."workspaceId" INTO ws FROM "Task" t WHERE t.id = NEW."taskId";
  IF ws IS NULL OR NOT leadline_webhook_wanted(ws, 'task.due') THEN
    RETURN NULL;
  END IF;
  INSERT INTO "WebhookEvent" ("workspaceId", type, data)
  SELECT t."workspaceId", 'task.due',
         jsonb_build_object('task', jsonb_build_object('id', t.id, 'title', t.title, 'assigneeId', t."assigneeId", 'leadId', t."leadId", 'dealId', t."dealId",
                              'contactId', t."contactId", 'dueAt', to_char(NEW."dueAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
  FROM "Task" t WHERE t.id = NEW."taskId";
  RETURN NULL;
END
$$;

CREATE TRIGGER "ReminderDelivery_webhook_event" AFTER INSERT ON "ReminderDelivery"
  FOR EACH ROW EXECUTE FUNCTION leadline_webhook_from_reminder();
