// The bulk statements of a contact import chunk, as a port (connectors/db/stores/contact-import.ts).
// Array parameters (UNNEST / = ANY): a constant number of parameters per statement, whatever
// the chunk size. Core decides what is merged where and computes every key (company and
// contact name keys); the store only reads and writes rows.
import type { DbOrTx } from '../../db.js';

export interface KnownKey {
  kind: 'email' | 'phone';
  key: string;
  contactId: number;
}

/** A live contact (not merged away, not erased) with its emails and phones. */
export interface ImportedContactRow {
  id: number;
  name: string;
  companyId: number | null;
  position: string | null;
  notes: string | null;
  tags: string[];
  /** Contact.fields as stored (an object of text values) */
  fields: unknown;
  emails: string[];
  phones: string[];
}

/** A new contact (its id reserved with reserveContactIds) or the fields to fill on an existing one (null: keep). */
export interface ContactFields {
  id: number;
  name: string | null;
  nameKey: string | null;
  companyId: number | null;
  position: string | null;
  notes: string | null;
  /** tags to add (existing contacts: appended to theirs) */
  tags: string[];
  /** custom fields to add (existing contacts: keys they have keep their value) */
  fields: Record<string, string>;
}

/** Everything a chunk writes, in one statement (atomic on its own). */
export interface ImportChunkWrite {
  workspaceId: number;
  /** the new contacts' owner (null: nobody) */
  ownerId: number | null;
  /** the timeline rows' actor (null: Leadline itself) */
  actorUserId: number | null;
  /** new contacts: name and nameKey are set */
  created: ContactFields[];
  /** existing contacts: a set name replaces theirs; company, position and notes only fill what is empty; tags and fields are added */
  filled: ContactFields[];
  /** emails and phones to add; a key another contact got meanwhile is left to it */
  emails: Array<{ contactId: number; email: string }>;
  phones: Array<{ contactId: number; phone: string }>;
  /** timeline rows on existing contacts a row was merged into */
  activities: Array<{ contactId: number; type: string; data: unknown }>;
}

export interface ContactImportStore {
  /** Which of the emails and phones belong to a contact of the workspace already. */
  knownKeys(db: DbOrTx, q: { workspaceId: number; emails: string[]; phones: string[] }): Promise<KnownKey[]>;
  /** The live ones among these contacts. */
  liveContacts(db: DbOrTx, q: { ids: number[] }): Promise<ImportedContactRow[]>;
  /** The workspace's companies with these name keys. */
  companiesByKey(db: DbOrTx, q: { workspaceId: number; keys: string[] }): Promise<Array<{ id: number; nameKey: string }>>;
  /** Creates the companies; a name key taken meanwhile is skipped. */
  insertCompanies(db: DbOrTx, q: { workspaceId: number; companies: Array<{ name: string; nameKey: string }> }): Promise<void>;
  /** Reserves `count` contact ids from the sequence (for rows written in one statement). */
  reserveContactIds(db: DbOrTx, q: { count: number }): Promise<number[]>;
  writeChunk(db: DbOrTx, w: ImportChunkWrite): Promise<void>;
}
