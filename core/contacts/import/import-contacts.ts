// Bulk contact import. Rows come from a reader (CSV/XLSX in connectors/import); the first
// record is the header. Work is batched per chunk of rows (1,000 by default): one query
// looks up the chunk's emails and phones, one reads the matching contacts, companies are
// found/created in bulk, and one statement writes the chunk (contacts, fills, emails,
// phones, timeline rows): the statements are the ContactImportStore's
// (contact-import-store.ts, ctx.stores.contactImport). A bad row never aborts the rest.
//
// Duplicates: a row whose email or phone is already known (an existing contact, or an
// earlier row of the same file) is merged into that contact: missing fields are filled and
// new emails/phones added. Rows with only a name are always new contacts.
import type { CoreContext } from '../../context.js';
import type { Actor } from '../../actor.js';
import { isSystemActor } from '../../actor.js';
import { invalid } from '../../errors.js';
import { t } from '../../i18n/index.js';
import { recordChange } from '../../audit.js';
import { companyKey } from '../find-or-create-company.js';
import { mapHeaders, type HeaderMap } from './header-map.js';
import { parseRow, UNKNOWN_COLUMNS, type ParsedRow, type RowIssue, type UnknownColumns } from './parse-row.js';
import { existingKey, MAX_FIELDS, readFields, type CustomFields } from '../custom-fields.js';
import { MAX_TAGS } from '../tags.js';
import { emptyReport, noteKey, type ImportReport } from './import-report.js';
import type { ContactFields } from './contact-import-store.js';

/** One record from a table reader: its cells, or why it could not be read. */
export type TableRecord = { line: number; cells: string[] } | { line: number; error: string };

export interface ImportOptions {
  chunkSize?: number;
  /** called after each chunk with the number of data rows handled so far */
  onProgress?: (rowsDone: number) => void;
  /** file name for the audit trail */
  source?: string;
  /** columns no field matched: kept as custom fields (default), as tags (their cells' words), or dropped */
  unknownColumns?: UnknownColumns;
}

/** rows parsed between two turns of the event loop */
const YIELD_EVERY = 200;

interface ExistingContact {
  id: number;
  name: string;
  companyId: number | null;
  position: string | null;
  notes: string | null;
  tags: string[];
  fields: CustomFields;
  emails: { email: string }[];
  phones: { phone: string }[];
}

interface Target {
  kind: 'new' | 'existing';
  id?: number;
  existing?: ExistingContact;
  name: string | null;
  emails: string[];
  phones: string[];
  company: string | null;
  position: string | null;
  notes: string | null;
  /** tags to add */
  tags: string[];
  /** custom fields to add (existing contacts: keys they lack) */
  fields: CustomFields;
  lines: number[];
  /** existing contacts: fields this import fills */
  changed: boolean;
}

/** A new contact with nothing gathered yet (always written: changed). */
function newTarget(): Target {
  return { kind: 'new', name: null, emails: [], phones: [], company: null, position: null, notes: null, tags: [], fields: {}, lines: [], changed: true };
}

export async function importContacts(
  ctx: CoreContext,
  actor: Actor,
  records: AsyncIterable<TableRecord> | Iterable<TableRecord>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? 1000;
  const unknownColumns = options.unknownColumns ?? 'fields';
  if (!UNKNOWN_COLUMNS.includes(unknownColumns)) throw invalid('invalid.unknown_columns', { value: String(unknownColumns) });
  const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
  const report = emptyReport();
  const note = (line: number, code: string, params: Record<string, string | number> = {}) => ({
    line,
    code,
    message: t(actor.locale, noteKey(code), params),
  });
  const warn = (line: number, w: RowIssue) => report.warnings.push(note(line, w.code, { value: w.value, contact: w.contactId ?? '' }));

  let map: HeaderMap | undefined;
  // created contacts as id ranges, kept per chunk: a list of every id would grow with the file
  const createdChunks: Array<[number, number]> = [];
  let chunk: ParsedRow[] = [];
  // pipelining: while one chunk is written, the next one is parsed (the loop yields to the
  // event loop now and then so the database replies are handled meanwhile). Chunks are
  // still written one after the other: each sees the contacts of the ones before it.
  let pending: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (!chunk.length) return;
    const rows = chunk;
    chunk = [];
    await pending;
    pending = runChunk(ctx, actor, ws.id, rows).then((counts) => {
      report.created += counts.created;
      report.updated += counts.updated;
      createdChunks.push(...idRanges(counts.createdIds));
      for (const row of rows) for (const w of row.warnings) warn(row.line, w);
      options.onProgress?.(report.rows);
    });
    // a failure surfaces at the next await of `pending`; never as an unhandled rejection
    pending.catch(() => undefined);
  };
  let sinceYield = 0;

  for await (const record of records) {
    if (!map) {
      if ('error' in record) throw invalid('import.invalid.header', { detail: record.error });
      map = mapHeaders(record.cells);
      report.columns = map.columns.map((c) => ({ header: c.header, field: c.field }));
      if (unknownColumns === 'fields') report.fieldColumns = map.ignored;
      else if (unknownColumns === 'tags') report.tagColumns = map.ignored;
      else report.ignoredColumns = map.ignored;
      if (!map.identifying) throw invalid('import.invalid.no_columns', { headers: record.cells.join(', ') || '-' });
      continue;
    }
    if ('error' in record) {
      report.rows++;
      report.skipped++;
      report.skippedRows.push(note(record.line, 'unreadable', { detail: record.error }));
      continue;
    }
    const outcome = parseRow(map, record.cells, record.line, ws.phoneRegion, unknownColumns);
    if (outcome.kind === 'empty') continue;
    report.rows++;
    if (outcome.kind === 'skip') {
      report.skipped++;
      const code = outcome.invalid.length ? 'nothing_valid' : 'nothing_identifying';
      report.skippedRows.push(note(record.line, code, { values: outcome.invalid.join(', ') }));
      continue;
    }
    chunk.push(outcome.row);
    if (chunk.length >= chunkSize) await flush();
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  if (!map) throw invalid('import.invalid.empty_file');
  await flush();
  await pending;
  report.skippedRows.sort((a, b) => a.line - b.line);
  report.warnings.sort((a, b) => a.line - b.line);
  report.durationMs = Date.now() - started;

  const createdRanges = mergeRanges(createdChunks);
  await recordChange(
    ctx.db,
    actor,
    {
      type: 'contacts.imported',
      data: {
        source: options.source ?? null,
        unknownColumns,
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        skipped: report.skipped,
        createdContactIds: createdRanges,
      },
    },
    {
      action: 'contacts.import',
      entity: 'import',
      entityId: options.source ?? '-',
      after: {
        unknownColumns,
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        skipped: report.skipped,
        skippedLines: report.skippedRows.map((s) => s.line),
        createdContactIds: createdRanges,
      },
    },
  );
  return report;
}

/**
 * A chunk needs no interactive transaction: its writes are one statement (atomic on its
 * own); the reads before it only decide what to merge, and keys taken meanwhile by a
 * parallel import are left to that import (the store skips them).
 */
async function runChunk(ctx: CoreContext, actor: Actor, workspaceId: number, rows: ParsedRow[]) {
  const store = ctx.stores.contactImport;
  const db = ctx.db;
  const allEmails = [...new Set(rows.flatMap((r) => r.emails))];
  const allPhones = [...new Set(rows.flatMap((r) => r.phones))];
  const known = await store.knownKeys(db, { workspaceId, emails: allEmails, phones: allPhones });
  const knownEmails = known.filter((k) => k.kind === 'email');
  const knownPhones = known.filter((k) => k.kind === 'phone');
  const knownIds = [...new Set(known.map((k) => k.contactId))];
  const existing: ExistingContact[] = knownIds.length
    ? (await store.liveContacts(db, { ids: knownIds })).map((c) => ({
        ...c,
        fields: readFields(c.fields),
        emails: c.emails.map((email) => ({ email })),
        phones: c.phones.map((phone) => ({ phone })),
      }))
    : [];
  const existingTargets = new Map<number, Target>();
  const targetOf = (c: ExistingContact): Target => {
    let tgt = existingTargets.get(c.id);
    if (!tgt) {
      tgt = { ...newTarget(), kind: 'existing', id: c.id, existing: c, changed: false };
      existingTargets.set(c.id, tgt);
    }
    return tgt;
  };
  const byId = new Map(existing.map((c) => [c.id, c]));
  const emailOwner = new Map<string, Target>();
  const phoneOwner = new Map<string, Target>();
  for (const k of knownEmails) {
    const c = byId.get(k.contactId);
    if (c) emailOwner.set(k.key, targetOf(c));
  }
  for (const k of knownPhones) {
    const c = byId.get(k.contactId);
    if (c) phoneOwner.set(k.key, targetOf(c));
  }

  const newTargets: Target[] = [];
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    let target = row.emails.map((e) => emailOwner.get(e)).find(Boolean) ?? row.phones.map((p) => phoneOwner.get(p)).find(Boolean);
    if (!target) {
      target = newTarget();
      newTargets.push(target);
      created++;
    } else {
      updated++;
    }
    target.lines.push(row.line);
    for (const e of row.emails) {
      const owner = emailOwner.get(e);
      if (!owner) {
        emailOwner.set(e, target);
        target.emails.push(e);
        target.changed = true;
      } else if (owner !== target) row.warnings.push({ code: 'email_elsewhere', value: e, contactId: owner.id ?? owner.existing?.id });
    }
    for (const p of row.phones) {
      const owner = phoneOwner.get(p);
      if (!owner) {
        phoneOwner.set(p, target);
        target.phones.push(p);
        target.changed = true;
      } else if (owner !== target) row.warnings.push({ code: 'phone_elsewhere', value: p, contactId: owner.id ?? owner.existing?.id });
    }
    fill(target, row);
  }

  // companies: one lookup, one bulk insert for the missing ones, one re-read
  const companyNames = new Map<string, string>();
  for (const tg of [...newTargets, ...existingTargets.values()]) {
    if (tg.company && !tg.existing?.companyId) companyNames.set(companyKey(tg.company), tg.company);
  }
  const companyIds = new Map<string, number>();
  if (companyNames.size) {
    const keys = [...companyNames.keys()];
    const readCompanies = async (wanted: string[]) => {
      for (const c of await store.companiesByKey(db, { workspaceId, keys: wanted })) companyIds.set(c.nameKey, c.id);
    };
    await readCompanies(keys);
    const missing = keys.filter((k) => !companyIds.has(k));
    if (missing.length) {
      await store.insertCompanies(db, { workspaceId, companies: missing.map((nameKey) => ({ name: companyNames.get(nameKey)!, nameKey })) });
      await readCompanies(missing);
    }
  }
  const companyIdOf = (name: string | null) => (name ? (companyIds.get(companyKey(name)) ?? null) : null);

  // new contacts get ids reserved from the sequence, so their emails, phones and timeline
  // rows can be written in the same statement
  if (newTargets.length) {
    const ids = await store.reserveContactIds(db, { count: newTargets.length });
    newTargets.forEach((tg, i) => (tg.id = ids[i]!));
  }
  const toUpdate = [...existingTargets.values()].filter((tg) => tg.changed);
  const withFields = toUpdate.filter((tg) => tg.name || tg.company || tg.position || tg.notes || tg.tags.length || Object.keys(tg.fields).length);
  const owners = [...newTargets, ...toUpdate];
  const fields = (tg: Target, name: string | null): ContactFields => ({
    id: tg.id!,
    name,
    nameKey: name === null ? null : name.toLowerCase(),
    companyId: companyIdOf(tg.company),
    position: tg.position,
    notes: tg.notes,
    tags: tg.tags,
    fields: tg.fields,
  });
  // one statement: insert new contacts, fill existing ones, add emails and phones, and the
  // timeline rows for the existing contacts a row was merged into; contacts the import
  // created are recorded (as id ranges) in the run's audit row and Activity instead, which
  // keeps the per-row write cost down (a timeline row per new contact doubled it)
  await store.writeChunk(db, {
    workspaceId,
    ownerId: isSystemActor(actor) ? null : actor.userId,
    actorUserId: actor.userId || null,
    created: newTargets.map((tg) => fields(tg, tg.name ?? tg.emails[0] ?? tg.phones[0] ?? '?')),
    filled: withFields.map((tg) => fields(tg, tg.name)),
    emails: owners.flatMap((tg) => tg.emails.map((email) => ({ contactId: tg.id!, email }))),
    phones: owners.flatMap((tg) => tg.phones.map((phone) => ({ contactId: tg.id!, phone }))),
    activities: [...existingTargets.values()].map((tg) => ({ contactId: tg.id!, type: 'contact.imported', data: { action: 'updated', lines: tg.lines } })),
  });
  return { created, updated, createdIds: newTargets.map((tg) => tg.id!) };
}

/** [3,4,5,9] -> [[3,5],[9,9]]: contact ids from the sequence are mostly consecutive. */
export function idRanges(ids: number[]): Array<[number, number]> {
  return mergeRanges(ids.map((id) => [id, id]));
}

/** Sorted, with touching or overlapping ranges joined: [[6,9],[1,5]] -> [[1,9]]. */
export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.map(([a, b]): [number, number] => [a, b]).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Fills fields the target lacks from a row. An existing contact's name is replaced only when it is a placeholder. */
function fill(tg: Target, row: ParsedRow) {
  const ex = tg.existing;
  if (row.name && !tg.name) {
    const placeholder = !ex || ex.name === '?' || ex.emails.some((e) => e.email === ex.name) || ex.phones.some((p) => p.phone === ex.name);
    if (placeholder) {
      tg.name = row.name;
      tg.changed = true;
    }
  }
  if (row.company && !tg.company && !ex?.companyId) {
    tg.company = row.company;
    tg.changed = true;
  }
  if (row.position && !tg.position && !ex?.position) {
    tg.position = row.position;
    tg.changed = true;
  }
  if (row.notes && !tg.notes && !ex?.notes) {
    tg.notes = row.notes;
    tg.changed = true;
  }
  // tags are added (up to MAX_TAGS in all); custom fields fill keys the contact lacks
  const have = ex?.tags.length ?? 0;
  for (const tag of row.tags) {
    if (ex?.tags.includes(tag) || tg.tags.includes(tag) || have + tg.tags.length >= MAX_TAGS) continue;
    tg.tags.push(tag);
    tg.changed = true;
  }
  const known: CustomFields = { ...(ex?.fields ?? {}), ...tg.fields };
  for (const [key, value] of Object.entries(row.fields)) {
    if (existingKey(known, key) in known) continue; // the contact, or an earlier row, has it
    if (Object.keys(known).length >= MAX_FIELDS) break;
    known[key] = value;
    tg.fields[key] = value;
    tg.changed = true;
  }
}
