// The REST API's statements beyond the ORM, as a port (core/stores.ts): the look-up every
// request starts with (the key by its hash with its workspace and, for a member's key, that
// member) and the lead an API lead's message went to, one statement each. The SQL lives in
// connectors/db/stores/api.ts.
import type { Lead } from '../../prisma/generated/client.js';
import type { Role } from '../../prisma/generated/enums.js';
import type { DbOrTx } from '../db.js';

/** A key, its workspace, and the member it acts as (userId: the key's; the other user fields null for an integration's key, or a member gone). */
export interface ApiKeyAuthRow {
  id: number;
  name: string;
  workspaceId: number;
  scopes: string[];
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  wsLocale: string;
  wsTimezone: string;
  phoneRegion: string;
  userId: number | null;
  userWorkspaceId: number | null;
  userRole: Role | null;
  userName: string | null;
  userLocale: string | null;
  userTimezone: string | null;
  userActive: boolean | null;
  /** the member's own workspace's locale and zone (what their chat falls back to) */
  userWsLocale: string | null;
  userWsTimezone: string | null;
}

export interface MessageLead {
  lead: Lead;
  /** when the message was stored (a lead created at or after it was created by it) */
  messageAt: Date;
}

export interface ApiStore {
  /** The key whose sha256 is `keyHash`, or null. */
  keyByHash(db: DbOrTx, keyHash: string): Promise<ApiKeyAuthRow | null>;
  /** The latest lead of the contact whose conversation holds this message (the one it created or joined), or null. */
  leadOfMessage(db: DbOrTx, q: { workspaceId: number; channel: string; externalId: string }): Promise<MessageLead | null>;
}
