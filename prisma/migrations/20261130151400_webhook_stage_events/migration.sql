-- deal.stage_changed is every change of a deal's stage: a move between open stages, a move to
-- the won or lost stage (which also writes deal.won / deal.lost) and a reopening. Before this a
-- won or lost move wrote only deal.won / deal.lost, so a deal.stage_changed subscriber missed
-- them, and a reopening wrote nothing. Each event is its own outbox row (own id, own delivery),
-- written in the transaction of the change as before; one subscribed to both types gets both.
CREATE OR REPLACE FUNCTION leadline_webhook_from_activity() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  events TEXT[] := CASE NEW.type
    WHEN 'lead.created' THEN ARRAY['lead.created']
    WHEN 'lead.assigned' THEN ARRAY['lead.assigned']
    WHEN 'lead.taken' THEN ARRAY['lead.assigned']
    WHEN 'deal.created' THEN ARRAY['deal.created']
    WHEN 'deal.stage_moved' THEN ARRAY['deal.stage_changed']
    WHEN 'deal.won' THEN ARRAY['deal.stage_changed', 'deal.won']
    WHEN 'deal.lost' THEN ARRAY['deal.stage_changed', 'deal.lost']
    WHEN 'deal.reopened' THEN ARRAY['deal.stage_changed']
  END;
  event TEXT;
  payload JSONB;
BEGIN
  IF events IS NULL THEN
    RETURN NULL;
  END IF;
  FOREACH event IN ARRAY events LOOP
    IF leadline_webhook_wanted(NEW."workspaceId", event) THEN
      IF payload IS NULL THEN
        IF event LIKE 'lead.%' THEN
          payload := jsonb_build_object('lead', leadline_webhook_lead(NEW."leadId"), 'contact', leadline_webhook_contact(NEW."contactId"), 'change', NEW.data);
        ELSE
          payload := jsonb_build_object('deal', leadline_webhook_deal(NEW."dealId"), 'change', NEW.data);
        END IF;
      END IF;
      INSERT INTO "WebhookEvent" ("workspaceId", type, data, "createdAt") VALUES (NEW."workspaceId", event, payload, NEW."createdAt");
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

DROP TRIGGER "Activity_webhook_event" ON "Activity";
CREATE TRIGGER "Activity_webhook_event" AFTER INSERT ON "Activity"
  FOR EACH ROW WHEN (NEW.type IN ('lead.created', 'lead.assigned', 'lead.taken', 'deal.created', 'deal.stage_moved', 'deal.won', 'deal.lost', 'deal.reopened'))
  EXECUTE FUNCTION leadline_webhook_from_activity();
