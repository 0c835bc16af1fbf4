// Who wrote a message in SQL (core/chat/speaker-store.ts is the port): the identity and its
// linked user in one statement, straight through the pg pool (direct.ts), the rows as JSON
// with their timestamps named (json-row.ts), so they read as Prisma's rows do.
import type { Identity, User } from '../../../prisma/generated/client.js';
import type { SpeakerStore } from '../../../core/chat/speaker-store.js';
import { statement } from '../statement.js';
import { rowFromJson, timestampColumnsSql } from '../json-row.js';

/** The identity by its unique key (workspace, channel, platform user id) and the user it is linked to. */
const identityWithUser = statement<
  { workspaceId: number; channel: string; externalId: string },
  { identity: unknown; identityTimes: string[] | null; user: unknown; userTimes: string[] | null }
>(
  `
SELECT to_jsonb(i) AS identity, ${timestampColumnsSql('Identity')} AS "identityTimes",
       to_jsonb(u) AS "user", ${timestampColumnsSql('User')} AS "userTimes"
FROM "Identity" i
LEFT JOIN "User" u ON u.id = i."userId"
WHERE i."workspaceId" = :workspaceId AND i.channel = :channel::text::"Channel" AND i."externalId" = :externalId`,
  { direct: true },
);

export const sqlSpeakerStore: SpeakerStore = {
  async identityWithUser(db, q) {
    const [row] = await identityWithUser.query(db, q);
    if (!row) return null;
    const identity = rowFromJson<Identity>(row.identity, row.identityTimes);
    return { ...identity, user: row.user ? rowFromJson<User>(row.user, row.userTimes) : null };
  },
};
