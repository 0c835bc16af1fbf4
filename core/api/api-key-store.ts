// The look-up every API request starts with, as a port (core/stores.ts): the key by its hash
// with its workspace and, for a member's key, that member, in one statement. The SQL lives in
// connectors/db/stores/api-keys.ts.
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
  userRole: Role | null;
  userName: string | null;
  userLocale: string | null;
  userTimezone: string | null;
  userActive: boolean | null;
  /** the member's own workspace's locale and zone (what their chat falls back to) */
  userWsLocale: string | null;
  userWsTimezone: string | null;
}

export interface ApiKeyStore {
  /** The key whose sha256 is `keyHash`, or null. */
  byHash(db: DbOrTx, keyHash: string): Promise<ApiKeyAuthRow | null>;
}
