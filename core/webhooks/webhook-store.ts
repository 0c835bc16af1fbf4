// The outgoing-webhook statements the ORM cannot state, as a port
// (connectors/db/stores/webhooks.ts). Both run in the caller's transaction.
import type { Tx } from '../db.js';

export interface UnrelayedEvent {
  id: bigint;
  workspaceId: number;
  type: string;
}

export interface FailingEndpoint {
  failingSince: Date;
  active: boolean;
  workspaceId: number;
  url: string;
  ownerId: number | null;
}

export interface WebhookStore {
  /** Up to `limit` events not relayed yet, oldest first, locked; rows another relay holds are skipped. */
  takeUnrelayed(tx: Tx, q: { limit: number }): Promise<UnrelayedEvent[]>;
  /** Records a failed attempt on the endpoint: `since` unless it was failing already, and the error. Null when the endpoint is gone. */
  markFailing(tx: Tx, q: { endpointId: number; since: Date; error: string }): Promise<FailingEndpoint | null>;
}
