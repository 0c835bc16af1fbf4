// Who wrote a message, as a port (core/stores.ts): the identity by its platform id with the
// team member it is linked to, in one statement on every message that is not a returning
// customer's one-statement forward. The SQL lives in connectors/db/stores/speakers.ts.
import type { Identity, User } from '../../prisma/generated/client.js';
import type { DbOrTx } from '../db.js';

export interface SpeakerStore {
  /** The identity (workspace, channel, platform user id) with its linked user, or null. */
  identityWithUser(db: DbOrTx, q: { workspaceId: number; channel: string; externalId: string }): Promise<(Identity & { user: User | null }) | null>;
}
