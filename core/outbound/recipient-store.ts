// Loading team members as recipients, as a port (connectors/db/stores/recipients.ts).
import type { ChannelName } from '../channels.js';
import type { DbOrTx } from '../db.js';

export interface RecipientRow {
  id: number;
  workspaceId: number;
  name: string;
  locale: string | null;
  timezone: string | null;
  active: boolean;
  wsLocale: string;
  wsTimezone: string;
  identityId: number | null;
  languageCode: string | null;
  /** the identity's channel (queries that do not select it leave it out) */
  channel?: string | null;
}

/**
 * Loads team members with their preferred reachable identity (id, language, channel) in one statement
 * (connectors/db/stores/recipients.ts): not unreachable, with a chat id, on the first channel
 * of `channelOrder`, the most recently updated on a tie. Users not found are left out.
 */
export interface RecipientStore {
  load(db: DbOrTx, q: { userIds: number[]; channelOrder: readonly ChannelName[] }): Promise<RecipientRow[]>;
}
