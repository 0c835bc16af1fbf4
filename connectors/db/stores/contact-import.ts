// A contact import chunk's statements in SQL (core/contacts/import/contact-import-store.ts is
// the port). Array parameters (UNNEST / = ANY): a constant number of parameters per
// statement, whatever the chunk size.
import type { ContactImportStore, ImportChunkWrite, ImportedContactRow, KnownKey } from '../../../core/contacts/import/contact-import-store.js';
import { statement } from '../statement.js';

/** Which of :emails and :phones belong to a contact of the workspace. */
const knownKeys = statement<{ workspaceId: number; emails: string[]; phones: string[] }, KnownKey>(`
SELECT 'email' AS kind, "email" AS key, "contactId" FROM "ContactEmail" WHERE "workspaceId" = :workspaceId AND "email" = ANY(:emails::text[])
UNION ALL
SELECT 'phone', "phone", "contactId" FROM "ContactPhone" WHERE "workspaceId" = :workspaceId AND "phone" = ANY(:phones::text[])`);

/** The live contacts (not merged away, not erased) among :ids, with their emails and phones. */
const liveContacts = statement<{ ids: number[] }, ImportedContactRow>(`
SELECT c."id", c."name", c."companyId", c."position", c."notes", c."tags", c."fields",
  ARRAY(SELECT e."email" FROM "ContactEmail" e WHERE e."contactId" = c."id") AS emails,
  ARRAY(SELECT p."phone" FROM "ContactPhone" p WHERE p."contactId" = c."id") AS phones
FROM "Contact" c
WHERE c."id" = ANY(:ids::int[]) AND c."mergedIntoId" IS NULL AND c."erasedAt" IS NULL`);

const companiesByKey = statement<{ workspaceId: number; keys: string[] }, { id: number; nameKey: string }>(`
SELECT "id", "nameKey" FROM "Company" WHERE "workspaceId" = :workspaceId AND "nameKey" = ANY(:keys::text[])`);

/** Creates companies; a name key taken meanwhile (by a parallel import) is skipped. */
const insertCompanies = statement<{ workspaceId: number; names: string[]; keys: string[] }>(`
INSERT INTO "Company" ("workspaceId", "name", "nameKey", "updatedAt")
SELECT :workspaceId, n, k, now() FROM UNNEST(:names::text[], :keys::text[]) AS u(n, k)
ON CONFLICT ("workspaceId", "nameKey") DO NOTHING`);

const reserveContactIds = statement<{ count: number }, { id: number }>(`
SELECT nextval(pg_get_serial_sequence('"Contact"', 'id'))::int AS id FROM generate_series(1, :count::int)`);

interface ChunkParams {
  workspaceId: number;
  ownerId: number | null;
  actorUserId: number | null;
  newIds: number[];
  newNames: (string | null)[];
  newNameKeys: (string | null)[];
  newCompanyIds: (number | null)[];
  newPositions: (string | null)[];
  newNotes: (string | null)[];
  /** JSON text per new contact: an array of tags */
  newTags: string[];
  /** JSON text per new contact: an object of custom fields */
  newFields: string[];
  fillIds: number[];
  fillNames: (string | null)[];
  fillNameKeys: (string | null)[];
  fillCompanyIds: (number | null)[];
  fillPositions: (string | null)[];
  fillNotes: (string | null)[];
  fillTags: string[];
  fillFields: string[];
  emailContactIds: number[];
  emails: string[];
  phoneContactIds: number[];
  phones: string[];
  activityContactIds: number[];
  activityTypes: string[];
  /** JSON text per timeline row */
  activityData: string[];
}

/**
 * A chunk's writes in one statement: inserts the new contacts (ids reserved before), fills
 * existing ones (a given name replaces theirs; company, position and notes only fill what is
 * empty; tags are appended, custom fields added where the key is new), adds emails and phones (a key another contact got meanwhile is left to it) and
 * the timeline rows. Foreign keys are checked at the end of the statement, when the new
 * contacts exist.
 */
const writeChunk = statement<ChunkParams>(`
WITH new_contacts AS (
  INSERT INTO "Contact" ("id", "workspaceId", "name", "nameKey", "companyId", "ownerId", "position", "notes", "tags", "fields", "updatedAt")
  SELECT u.id, :workspaceId, u.name, u.name_key, u.company_id, :ownerId::int, u.position, u.notes,
         ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb)), u.fields::jsonb, now()
  FROM UNNEST(:newIds::int[], :newNames::text[], :newNameKeys::text[], :newCompanyIds::int[], :newPositions::text[], :newNotes::text[],
              :newTags::text[], :newFields::text[])
    AS u(id, name, name_key, company_id, position, notes, tags, fields)
),
filled AS (
  UPDATE "Contact" AS c SET
    "name" = COALESCE(v.name, c."name"),
    "nameKey" = COALESCE(v.name_key, c."nameKey"),
    "companyId" = COALESCE(c."companyId", v.company_id),
    "position" = COALESCE(c."position", v.position),
    "notes" = COALESCE(c."notes", v.notes),
    "tags" = c."tags" || ARRAY(SELECT t FROM jsonb_array_elements_text(v.tags::jsonb) AS t WHERE t <> ALL(c."tags")),
    "fields" = v.fields::jsonb || c."fields",
    "updatedAt" = now()
  FROM UNNEST(:fillIds::int[], :fillNames::text[], :fillNameKeys::text[], :fillCompanyIds::int[], :fillPositions::text[], :fillNotes::text[],
              :fillTags::text[], :fillFields::text[])
    AS v(id, name, name_key, company_id, position, notes, tags, fields)
  WHERE c."id" = v.id
),
emails AS (
  INSERT INTO "ContactEmail" ("workspaceId", "contactId", "email")
  SELECT :workspaceId, u.contact_id, u.email FROM UNNEST(:emailContactIds::int[], :emails::text[]) AS u(contact_id, email)
  ON CONFLICT ("workspaceId", "email") DO NOTHING
),
phones AS (
  INSERT INTO "ContactPhone" ("workspaceId", "contactId", "phone")
  SELECT :workspaceId, u.contact_id, u.phone FROM UNNEST(:phoneContactIds::int[], :phones::text[]) AS u(contact_id, phone)
  ON CONFLICT ("workspaceId", "phone") DO NOTHING
)
INSERT INTO "Activity" ("workspaceId", "actorUserId", "type", "contactId", "data")
SELECT :workspaceId, :actorUserId::int, u.type, u.contact_id, u.data::jsonb
FROM UNNEST(:activityContactIds::int[], :activityTypes::text[], :activityData::text[]) AS u(contact_id, type, data)`);

export const sqlContactImportStore: ContactImportStore = {
  knownKeys: (db, q) => knownKeys.query(db, q),
  liveContacts: (db, q) => liveContacts.query(db, q),
  companiesByKey: (db, q) => companiesByKey.query(db, q),
  async insertCompanies(db, q) {
    await insertCompanies.execute(db, { workspaceId: q.workspaceId, names: q.companies.map((c) => c.name), keys: q.companies.map((c) => c.nameKey) });
  },
  async reserveContactIds(db, q) {
    return (await reserveContactIds.query(db, q)).map((r) => r.id);
  },
  async writeChunk(db, w: ImportChunkWrite) {
    await writeChunk.execute(db, {
      workspaceId: w.workspaceId,
      ownerId: w.ownerId,
      actorUserId: w.actorUserId,
      newIds: w.created.map((c) => c.id),
      newNames: w.created.map((c) => c.name),
      newNameKeys: w.created.map((c) => c.nameKey),
      newCompanyIds: w.created.map((c) => c.companyId),
      newPositions: w.created.map((c) => c.position),
      newNotes: w.created.map((c) => c.notes),
      newTags: w.created.map((c) => JSON.stringify(c.tags)),
      newFields: w.created.map((c) => JSON.stringify(c.fields)),
      fillIds: w.filled.map((c) => c.id),
      fillNames: w.filled.map((c) => c.name),
      fillNameKeys: w.filled.map((c) => c.nameKey),
      fillCompanyIds: w.filled.map((c) => c.companyId),
      fillPositions: w.filled.map((c) => c.position),
      fillNotes: w.filled.map((c) => c.notes),
      fillTags: w.filled.map((c) => JSON.stringify(c.tags)),
      fillFields: w.filled.map((c) => JSON.stringify(c.fields)),
      emailContactIds: w.emails.map((e) => e.contactId),
      emails: w.emails.map((e) => e.email),
      phoneContactIds: w.phones.map((p) => p.contactId),
      phones: w.phones.map((p) => p.phone),
      activityContactIds: w.activities.map((a) => a.contactId),
      activityTypes: w.activities.map((a) => a.type),
      activityData: w.activities.map((a) => JSON.stringify(a.data)),
    });
  },
};
