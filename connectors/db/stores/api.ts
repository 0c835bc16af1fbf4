// The REST API's statements (core/api/api-store.ts is the port): the key look-up of every
// request in one statement instead of the key, its workspace and its member one query each, and
// the lead an API lead's message went to.
import type { Lead } from '../../../prisma/generated/client.js';
import type { ApiKeyAuthRow, ApiStore } from '../../../core/api/api-store.js';
import { statement } from '../statement.js';
import { rowFromJson, timestampColumnsSql } from '../json-row.js';

/** The key by its hash, its workspace, and the member it acts as with that member's workspace. */
const byHash = statement<{ keyHash: string }, ApiKeyAuthRow>(`
SELECT k.id, k.name, k."workspaceId", k.scopes, k."revokedAt", k."lastUsedAt",
       w.locale AS "wsLocale", w.timezone AS "wsTimezone", w."phoneRegion",
       k."userId", u."workspaceId" AS "userWorkspaceId", u.role AS "userRole", u.name AS "userName", u.locale AS "userLocale", u.timezone AS "userTimezone",
       u.active AS "userActive", uw.locale AS "userWsLocale", uw.timezone AS "userWsTimezone"
FROM "ApiKey" k
JOIN "Workspace" w ON w.id = k."workspaceId"
LEFT JOIN "User" u ON u.id = k."userId"
LEFT JOIN "Workspace" uw ON uw.id = u."workspaceId"
WHERE k."keyHash" = :keyHash`);

/**
 * The latest lead of the contact whose conversation holds the message (found by its unique
 * platform id, then the conversation's contact and that contact's leads: a few index look-ups
 * whatever the workspace's size). The row as JSON, its timestamps named (json-row.ts).
 */
const leadOfMessage = statement<{ workspaceId: number; channel: string; externalId: string }, { lead: unknown; leadTimes: string[] | null }>(
  `
SELECT to_jsonb(l) AS lead, ${timestampColumnsSql('Lead')} AS "leadTimes"
FROM "Message" m
JOIN "Conversation" c ON c.id = m."conversationId"
JOIN "Lead" l ON l."contactId" = c."contactId" AND l."workspaceId" = m."workspaceId"
WHERE m."workspaceId" = :workspaceId AND m.channel = :channel::text::"Channel" AND m."externalId" = :externalId
ORDER BY l.id DESC
LIMIT 1`,
  { direct: true },
);

export const sqlApiStore: ApiStore = {
  async keyByHash(db, keyHash) {
    const [row] = await byHash.query(db, { keyHash });
    return row ?? null;
  },
  async leadOfMessage(db, q) {
    const [row] = await leadOfMessage.query(db, q);
    return row ? rowFromJson<Lead>(row.lead, row.leadTimes) : null;
  },
};
