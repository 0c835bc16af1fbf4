// The outgoing-webhook statements in SQL (core/webhooks/webhook-store.ts is the port).
import type { FailingEndpoint, UnrelayedEvent, WebhookStore } from '../../../core/webhooks/webhook-store.js';
import { statement } from '../statement.js';

/** Events not relayed yet, oldest first, locked for the caller's transaction; rows another relay holds are skipped. */
const takeUnrelayed = statement<{ limit: number }, UnrelayedEvent>(`
SELECT id, "workspaceId", type FROM "WebhookEvent" WHERE "relayedAt" IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED`);

/** A failed attempt: the endpoint is failing since :since unless it was already, with the error; its state back. */
const markFailing = statement<{ endpointId: number; since: Date; error: string }, FailingEndpoint>(`
UPDATE "WebhookEndpoint" SET "failingSince" = COALESCE("failingSince", :since::timestamp(3)), "lastError" = :error
WHERE id = :endpointId
RETURNING "failingSince", active, "workspaceId", url, "ownerId"`);

export const sqlWebhookStore: WebhookStore = {
  takeUnrelayed: (tx, q) => takeUnrelayed.query(tx, q),
  async markFailing(tx, q) {
    const [row] = await markFailing.query(tx, q);
    return row ?? null;
  },
};
