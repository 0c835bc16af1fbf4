// Bulk contact import. Rows come from a reader (CSV/XLSX in connectors/import); the first
// record is the header. Work is batched per chunk of rows: one query each to look up the
// chunk's emails and phones, bulk inserts, one UPDATE for merged contacts, one transaction
// per chunk. A bad row never aborts the rest.
//
// Duplicates: a row whose email or phone is already known (an existing contact, or an
// earlier row of the same file) is merged into that contact: missing fields are filled and
// new emails/phones added. Rows with only a name are always new contacts.
import { inOrder } from '../in-order.js';
import { Prisma } from '../../../prisma/generated/client.js';
import type { CoreContext } from '../../context.js';
import type { Actor } from '../../actor.js';
import { isSystemActor } from '../../actor.js';
import type { Tx, Db } from '../../db.js';
import { invalid } from '../../errors.js';
import { t } from '../../i18n/index.js';
import { recordChange } from '../../audit.js';
import { companyKey } from '../find-or-create-company.js';
import { mapHeaders, type HeaderMap } from './header-map.js';
import { parseRow, type ParsedRow, type RowIssue } from './parse-row.js';
import { emptyReport, noteKey, type ImportReport } from './import-report.js';

/** One record from a table reader: its cells, or why it could not be read. */
export type TableRecord = { line: number; cells: string[] } | { line: number; error: string };

export interface ImportOptions {
  chunkSize?: number;
  /** called after each chunk with the number of data rows handled so far */
  onProgress?: (rowsDone: number) => void;
  /** file name for the audit trail */
  source?: string;
}

interface ExistingContact {
  id: number;
  name: string;
  companyId: number | null;
  position: string | null;
  notes: string | null;
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
  lines: number[];
  /** existing contacts: fields this import fills */
  changed: boolean;
}

export async function importContacts(
  ctx: CoreContext,
  actor: Actor,
  records: AsyncIterable<TableRecord> | Iterable<TableRecord>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? 500;
  const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
  const report = emptyReport();
  const note = (line: number, code: string, params: Record<string, string | number> = {}) => ({
    line,
    code,
    message: t(actor.locale, noteKey(code), params),
  });
  const warn = (line: number, w: RowIssue) =>
    report.warnings.push(note(line, w.code, { value: w.value, contact: w.contactId ?? '' }));

  let map: HeaderMap | undefined;
  let chunk: ParsedRow[] = [];
  const flush = async () => {
    if (!chunk.length) return;
    const rows = chunk;
    chunk = [];
    const counts = await runChunk(ctx, actor, ws.id, rows);
    report.created += counts.created;
    report.updated += counts.updated;
    for (const row of rows) for (const w of row.warnings) warn(row.line, w);
    options.onProgress?.(report.rows);
  };

  for await (const record of records) {
    if (!map) {
      if ('error' in record) throw invalid('import.invalid.header', { detail: record.error });
      map = mapHeaders(record.cells);
      report.columns = map.columns.map((c) => ({ header: c.header, field: c.field }));
      report.ignoredColumns = map.ignored;
      if (!map.identifying) throw invalid('import.invalid.no_columns', { headers: record.cells.join(', ') || '-' });
      continue;
    }
    if ('error' in record) {
      report.rows++;
      report.skipped++;
      report.skippedRows.push(note(record.line, 'unreadable', { detail: record.error }));
      continue;
    }
    const outcome = parseRow(map, record.cells, record.line, ws.phoneRegion);
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
  }
  if (!map) throw invalid('import.invalid.empty_file');
  await flush();
  report.skippedRows.sort((a, b) => a.line - b.line);
  report.warnings.sort((a, b) => a.line - b.line);
  report.durationMs = Date.now() - started;

  await recordChange(
    ctx.db,
    actor,
    { type: 'contacts.imported', data: { source: options.source ?? null, rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped } },
    {
      action: 'contacts.import',
      entity: 'import',
      entityId: options.source ?? '-',
      after: { rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped, skippedLines: report.skippedRows.map((s) => s.line) },
    },
  );
  return report;
}

async function runChunk(ctx: CoreContext, actor: Actor, workspaceId: number, rows: ParsedRow[]) {
  const work = (tx: Tx) => importChunk(tx, actor, workspaceId, rows);
  if ('$transaction' in ctx.db) return (ctx.db as Db).$transaction(work, { timeout: 120_000, maxWait: 30_000 });
  return work(ctx.db);
}

async function importChunk(tx: Tx, actor: Actor, workspaceId: number, rows: ParsedRow[]) {
  const allEmails = [...new Set(rows.flatMap((r) => r.emails))];
  const allPhones = [...new Set(rows.flatMap((r) => r.phones))];
  const [knownEmails, knownPhones] = await inOrder([
    async () => allEmails.length ? tx.contactEmail.findMany({ where: { workspaceId, email: { in: allEmails } }, select: { email: true, contactId: true } }) : [],
    async () => allPhones.length ? tx.contactPhone.findMany({ where: { workspaceId, phone: { in: allPhones } }, select: { phone: true, contactId: true } }) : [],
  ]);
  const knownIds = [...new Set([...knownEmails, ...knownPhones].map((k) => k.contactId))];
  const existing = knownIds.length
    ? await tx.contact.findMany({
        where: { id: { in: knownIds }, mergedIntoId: null, erasedAt: null },
        select: { id: true, name: true, companyId: true, position: true, notes: true, emails: { select: { email: true } }, phones: { select: { phone: true } } },
      })
    : [];
  const existingTargets = new Map<number, Target>();
  const targetOf = (c: ExistingContact): Target => {
    let tgt = existingTargets.get(c.id);
    if (!tgt) {
      tgt = { kind: 'existing', id: c.id, existing: c, name: null, emails: [], phones: [], company: null, position: null, notes: null, lines: [], changed: false };
      existingTargets.set(c.id, tgt);
    }
    return tgt;
  };
  const byId = new Map(existing.map((c) => [c.id, c]));
  const emailOwner = new Map<string, Target>();
  const phoneOwner = new Map<string, Target>();
  for (const k of knownEmails) {
    const c = byId.get(k.contactId);
    if (c) emailOwner.set(k.email, targetOf(c));
  }
  for (const k of knownPhones) {
    const c = byId.get(k.contactId);
    if (c) phoneOwner.set(k.phone, targetOf(c));
  }

  const newTargets: Target[] = [];
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    let target = row.emails.map((e) => emailOwner.get(e)).find(Boolean) ?? row.phones.map((p) => phoneOwner.get(p)).find(Boolean);
    if (!target) {
      target = { kind: 'new', name: null, emails: [], phones: [], company: null, position: null, notes: null, lines: [], changed: true };
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
    if (tg.company && !(tg.existing?.companyId)) companyNames.set(companyKey(tg.company), tg.company);
  }
  const companyIds = new Map<string, number>();
  if (companyNames.size) {
    const keys = [...companyNames.keys()];
    const found = await tx.company.findMany({ where: { workspaceId, nameKey: { in: keys } }, select: { id: true, nameKey: true } });
    for (const c of found) companyIds.set(c.nameKey, c.id);
    const missing = keys.filter((k) => !companyIds.has(k));
    if (missing.length) {
      await tx.company.createMany({ data: missing.map((k) => ({ workspaceId, nameKey: k, name: companyNames.get(k)! })), skipDuplicates: true });
      const added = await tx.company.findMany({ where: { workspaceId, nameKey: { in: missing } }, select: { id: true, nameKey: true } });
      for (const c of added) companyIds.set(c.nameKey, c.id);
    }
  }
  const companyIdOf = (name: string | null) => (name ? (companyIds.get(companyKey(name)) ?? null) : null);

  // new contacts: ids reserved from the sequence in one query, then one bulk insert
  if (newTargets.length) {
    const ids = await tx.$queryRaw<Array<{ id: number }>>`SELECT nextval(pg_get_serial_sequence('"Contact"', 'id'))::int AS id FROM generate_series(1, ${newTargets.length}::int)`;
    newTargets.forEach((tg, i) => (tg.id = ids[i]!.id));
    const ownerId = isSystemActor(actor) ? null : actor.userId;
    await tx.contact.createMany({
      data: newTargets.map((tg) => {
        const name = tg.name ?? tg.emails[0] ?? tg.phones[0] ?? '?';
        return { id: tg.id!, workspaceId, name, nameKey: name.toLowerCase(), companyId: companyIdOf(tg.company), ownerId, position: tg.position, notes: tg.notes };
      }),
    });
  }

  // existing contacts: fill what they lack, in one UPDATE ... FROM (VALUES ...)
  const toUpdate = [...existingTargets.values()].filter((tg) => tg.changed);
  const withFields = toUpdate.filter((tg) => tg.name || tg.company || tg.position || tg.notes);
  if (withFields.length) {
    const values = withFields.map(
      (tg) => Prisma.sql`(${tg.id!}::int, ${tg.name}::text, ${companyIdOf(tg.company)}::int, ${tg.position}::text, ${tg.notes}::text)`,
    );
    await tx.$executeRaw`
      UPDATE "Contact" AS c SET
        "name" = COALESCE(v.name, c."name"),
        "nameKey" = lower(COALESCE(v.name, c."name")),
        "companyId" = COALESCE(c."companyId", v.company_id),
        "position" = COALESCE(c."position", v.position),
        "notes" = COALESCE(c."notes", v.notes),
        "updatedAt" = now()
      FROM (VALUES ${Prisma.join(values)}) AS v(id, name, company_id, position, notes)
      WHERE c."id" = v.id`;
  }

  const emailRows = [...newTargets, ...toUpdate].flatMap((tg) => tg.emails.map((email) => ({ workspaceId, contactId: tg.id!, email })));
  const phoneRows = [...newTargets, ...toUpdate].flatMap((tg) => tg.phones.map((phone) => ({ workspaceId, contactId: tg.id!, phone })));
  if (emailRows.length) await tx.contactEmail.createMany({ data: emailRows, skipDuplicates: true });
  if (phoneRows.length) await tx.contactPhone.createMany({ data: phoneRows, skipDuplicates: true });

  const touched = [...newTargets, ...existingTargets.values()];
  await tx.activity.createMany({
    data: touched.map((tg) => ({
      workspaceId,
      actorUserId: actor.userId || null,
      type: 'contact.imported',
      contactId: tg.id!,
      data: { action: tg.kind === 'new' ? 'created' : 'updated', lines: tg.lines },
    })),
  });
  return { created, updated };
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
}
