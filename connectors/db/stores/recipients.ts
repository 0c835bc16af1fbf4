// Team members as recipients in SQL (core/outbound/recipient-store.ts is the port): one
// statement for many users, the hot path of notifications and SLA alerts.
import type { RecipientRow, RecipientStore } from '../../../core/outbound/recipient-store.js';
import { statement } from '../statement.js';
import { PREFERRED_IDENTITY_JOIN } from './fragments.js';

/** The users with their workspace's locale and time zone and their preferred reachable identity. */
const recipients = statement<{ userIds: number[]; channelOrder: readonly string[] }, RecipientRow>(`
SELECT u.id, u."workspaceId", u.name, u.locale, u.timezone, u.active,
       w.locale AS "wsLocale", w.timezone AS "wsTimezone", i.id AS "identityId", i."languageCode", i.channel
FROM "User" u
JOIN "Workspace" w ON w.id = u."workspaceId"
${PREFERRED_IDENTITY_JOIN}
WHERE u.id = ANY(:userIds::int[])`);

export const sqlRecipientStore: RecipientStore = {
  load: (db, q) => recipients.query(db, q),
};
