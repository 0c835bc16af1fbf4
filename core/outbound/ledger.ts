// The OutboundDelivery ledger as core sees it: the statements around one platform call.
// Implemented on Postgres in connectors/db/delivery-ledger.ts (core holds no raw SQL).
//
// What it guarantees: a deduplicated item is claimed ("sending") before its platform call
// and marked "sent" in ONE statement right after the platform accepted it (ledger row,
// NotificationRef and the outbound Message's status and platform id together), so the
// window in which a killed process leaves a sent message unrecorded is one round trip.
// Notices folded into another's message (core/outbound/coalesce.ts) are claimed by it
// ("coalescing") before the call and marked "coalesced" in that same statement.
import type { Channel } from '../../prisma/generated/enums.js';
import type { DbOrTx } from '../db.js';

export interface ClaimRequest {
  workspaceId: number;
  /** the identity to reach; null for an item addressed to a chat (a reply where the message came from) */
  identityId: number | null;
  /** the chat an identity-less item is addressed to */
  chat: { channel: Channel; chatId: string } | null;
  dedupeKey: string | null;
  /** a "sending" mark older than this is taken for a crashed worker's */
  sendingStaleMs: number;
  /** the channels this process can send on: nothing is claimed for another */
  channels: string[];
  /** false: look the target and the key's row up, claim nothing (default true) */
  take?: boolean;
}

export interface ClaimResult {
  /** the identity (or, for a chat-addressed item, the chat); null fields when it is gone */
  identityId: number | null;
  channel: Channel | null;
  chatId: string | null;
  unreachable: boolean;
  unreachableReason: string | null;
  /** false when there is no such identity */
  found: boolean;
  /** the dedupe key's ledger status before this call */
  ledger: string | null;
  /** on a look-up (take: false): the key's row would refuse a claim now (final, or someone else's send or fold in progress) */
  refused?: boolean;
  /** this call took the send (ledger row now "sending") */
  claimed: boolean;
}

export interface SentRecord {
  workspaceId: number;
  channel: Channel;
  chatId: string;
  externalMessageId: string;
  dedupeKey: string | null;
  ref: { userId?: number; conversationId?: number; leadId?: number; dealId?: number; taskId?: number } | null;
  messageId: number | null;
  /** the notices this message carried besides its own (coalescing): marked "coalesced" with it */
  folded?: string[];
}

/** The notice whose message carries others, and the target they all go to. */
export interface FoldOwner {
  dedupeKey: string;
  workspaceId: number;
  identityId: number | null;
}

export interface DeliveryLedger {
  /** the target and, when this process can send it, the claim of a deduplicated item: one statement */
  claim(db: DbOrTx, request: ClaimRequest): Promise<ClaimResult>;
  /** hands a claim back (not sent: postponed or a transient error) */
  release(db: DbOrTx, dedupeKey: string, error: string): Promise<void>;
  /** records a platform-accepted message: ledger, NotificationRef, Message status and id, one statement */
  markSent(db: DbOrTx, record: SentRecord): Promise<void>;
  /**
   * Takes the ledger rows of notices another one's message is to carry ("coalescing", naming
   * `into`): those not final yet, made where a notice has none yet. Resolves to the keys
   * taken; only they go in the message.
   */
  claimFolded(db: DbOrTx, into: FoldOwner, keys: string[]): Promise<string[]>;
  /** Hands such rows back (the carrying message was not sent): their own jobs send them. */
  releaseFolded(db: DbOrTx, into: string, keys: string[]): Promise<void>;
}
