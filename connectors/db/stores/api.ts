// The REST API's statements (core/api/api-store.ts is the port): the key look-up of every
// request in one statement instead of the key, its workspace and its member one query each, and
// the lead an API lead's message went to when its turn did not say (concurrent requests of a
// process share that one: group commit, connectors/db/group-commit.ts; a lone request's goes
// at once).
import type { Lead } from '../../../prisma/generated/client.js';
import type { ApiKeyAuthRow, ApiStore, MessageLead } from '../../../core/api/api-store.js';
import type { DbOrTx } from '../../../core/db.js';
import { statement } from '../statement.js';
import { rowFromJson, timestampColumnsSql } from '../json-row.js';
import { GroupCommit } from '../group-commit.js';
import { poolOf } from '../client.js';

/**
 * The key by its hash, with its workspace and the member it acts as with that member's
 * workspace. The times as timestamptz, which pg reads as the instants they are (the columns
 * keep UTC without a zone). One key per statement, named: its plan is made once per connection
 * (a look-up by a list of hashes was planned anew for every request, as Postgres kept a plan
 * per list, and planning that join cost it about 7 x running it).
 */
const byHash = statement<{ keyHash: string }, ApiKeyAuthRow>(
  `
SELECT k.id, k.name, k."workspaceId", k.scopes,
       k."revokedAt" AT TIME ZONE 'UTC' AS "revokedAt", k."lastUsedAt" AT TIME ZONE 'UTC' AS "lastUsedAt",
       w.locale AS "wsLocale", w.timezone AS "wsTimezone", w."phoneRegion",
       k."userId", u."workspaceId" AS "userWorkspaceId", u.role::text AS "userRole", u.name AS "userName", u.locale AS "userLocale", u.timezone AS "userTimezone",
       u.active AS "userActive", uw.locale AS "userWsLocale", uw.timezone AS "userWsTimezone"
FROM "ApiKey" k
JOIN "Workspace" w ON w.id = k."workspaceId"
LEFT JOIN "User" u ON u.id = k."userId"
LEFT JOIN "Workspace" uw ON uw.id = u."workspaceId"
WHERE k."keyHash" = :keyHash`,
  { direct: true },
);

interface MessageRef {
  workspaceId: number;
  channel: string;
  externalId: string;
}

/**
 * For each message (found by its unique platform id), the latest lead of the contact whose
 * conversation holds it, and when the message was stored (a few index look-ups each, whatever
 * the workspace's size); `n`: the message's place in the lists, from 1. The row as JSON, its
 * timestamps named (json-row.ts).
 */
const leadsOfMessages = statement<
  { workspaceIds: number[]; channels: string[]; externalIds: string[] },
  { n: number; lead: unknown; leadTimes: string[] | null; messageAt: Date }
>(
  `
SELECT q.n::int AS n, to_jsonb(l) - 'messageAt' AS lead, ${timestampColumnsSql('Lead')} AS "leadTimes", l."messageAt"
FROM unnest(:workspaceIds::int[], :channels::text[], :externalIds::text[]) WITH ORDINALITY AS q(ws, channel, ext, n)
CROSS JOIN LATERAL (
  SELECT l.*, m."createdAt" AT TIME ZONE 'UTC' AS "messageAt"
  FROM "Message" m
  JOIN "Conversation" c ON c.id = m."conversationId"
  JOIN "Lead" l ON l."contactId" = c."contactId" AND l."workspaceId" = m."workspaceId"
  WHERE m."workspaceId" = q.ws AND m.channel = q.channel::"Channel" AND m."externalId" = q.ext
  ORDER BY l.id DESC
  LIMIT 1
) l`,
  { direct: true, plan: 'custom' },
);

const runLeads = async (db: DbOrTx, refs: MessageRef[]) => {
  const rows = await leadsOfMessages.query(db, {
    workspaceIds: refs.map((r) => r.workspaceId),
    channels: refs.map((r) => r.channel),
    externalIds: refs.map((r) => r.externalId),
  });
  const found = new Map(rows.map((r) => [r.n, { lead: rowFromJson<Lead>(r.lead, r.leadTimes), messageAt: r.messageAt }]));
  return refs.map((_, i) => found.get(i + 1) ?? null);
};

/** Each process client's shared statement: the lead an API lead's message went to, when its turn did not say. */
const shared = new WeakMap<object, { leads: GroupCommit<MessageRef, MessageLead | null> }>();

function sharedOf(db: DbOrTx) {
  // a transaction (or a test double) runs its reads itself
  if (!poolOf(db)) return null;
  let s = shared.get(db);
  if (!s) {
    s = { leads: new GroupCommit({ run: (refs) => runLeads(db, refs) }) };
    shared.set(db, s);
  }
  return s;
}

export const sqlApiStore: ApiStore = {
  async keyByHash(db, keyHash) {
    const [row] = await byHash.query(db, { keyHash });
    return row ?? null;
  },
  async leadOfMessage(db, q) {
    const s = sharedOf(db);
    return s ? s.leads.submit(q) : (await runLeads(db, [q]))[0]!;
  },
};
