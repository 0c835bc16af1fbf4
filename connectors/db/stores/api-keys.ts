// The API key look-up in SQL (core/api/api-key-store.ts is the port): one statement per request
// instead of the key, its workspace and its member one query each.
import type { ApiKeyAuthRow, ApiKeyStore } from '../../../core/api/api-key-store.js';
import { statement } from '../statement.js';

/** The key by its hash, its workspace, and the member it acts as with that member's workspace. */
const byHash = statement<{ keyHash: string }, ApiKeyAuthRow>(`
SELECT k.id, k.name, k."workspaceId", k.scopes, k."revokedAt", k."lastUsedAt",
       w.locale AS "wsLocale", w.timezone AS "wsTimezone", w."phoneRegion",
       k."userId", u.role AS "userRole", u.name AS "userName", u.locale AS "userLocale", u.timezone AS "userTimezone",
       u.active AS "userActive", uw.locale AS "userWsLocale", uw.timezone AS "userWsTimezone"
FROM "ApiKey" k
JOIN "Workspace" w ON w.id = k."workspaceId"
LEFT JOIN "User" u ON u.id = k."userId"
LEFT JOIN "Workspace" uw ON uw.id = u."workspaceId"
WHERE k."keyHash" = :keyHash`);

export const sqlApiKeyStore: ApiKeyStore = {
  async byHash(db, keyHash) {
    const [row] = await byHash.query(db, { keyHash });
    return row ?? null;
  },
};
