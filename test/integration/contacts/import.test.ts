import { describe, it, expect } from 'vitest';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { testDb } from '../../support/db.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { importContacts } from '../../../core/contacts/import/import-contacts.js';
import { readTable } from '../../../connectors/import/read-table.js';
import { makeWorkspace } from './contacts-support.js';

const db = testDb();
const ctx = dbContext(db);
const fixture = (name: string) => path.join(import.meta.dirname, '..', '..', 'fixtures', name);

async function contactsOf(workspaceId: number) {
  return db.contact.findMany({
    where: { workspaceId },
    include: { emails: { orderBy: { id: 'asc' } }, phones: { orderBy: { id: 'asc' } }, company: true },
    orderBy: { id: 'asc' },
  });
}

describe('import contacts', () => {
  it('English CSV: merges duplicates into existing contacts and earlier rows, reports each bad row', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    const maria = await findOrCreateContact(ctx, sys, { email: 'maria@acme.test' });
    expect(maria.contact.name).toBe('maria@acme.test');

    const { records } = await readTable(fixture('contacts-en.csv'));
    const report = await importContacts(ctx, sys, records, { source: 'contacts-en.csv', chunkSize: 4 });
    expect({ rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped }).toEqual({
      rows: 10,
      created: 4,
      updated: 3,
      skipped: 3,
    });
    expect(report.skippedRows.map((s) => [s.line, s.code])).toEqual([
      [8, 'nothing_valid'],
      [9, 'nothing_identifying'],
      [11, 'unreadable'],
    ]);
    expect(report.skippedRows[0]!.message).toBe('no name and no valid email or phone (not valid: bad@, 12)');
    expect(report.warnings.map((w) => [w.line, w.code, w.message])).toEqual([[6, 'bad_email', 'email "not-an-email" is not valid and was left out']]);
    // a column no field matches is kept as a custom field by default (--unknown-columns fields)
    expect(report.ignoredColumns).toEqual([]);
    expect(report.fieldColumns).toEqual(['Favourite colour']);

    const all = await contactsOf(ws.id);
    expect(all.map((c) => c.name)).toEqual(['Maria Ivanova', 'Ivan Petrov', 'Bob Broken', 'Oleg 5" Screen', 'Zed']);
    const ivan = all[1]!;
    expect(ivan.emails.map((e) => e.email)).toEqual(['ivan@acme.test']);
    expect(ivan.phones.map((p) => p.phone)).toEqual(['+79161000001', '+79161000002']);
    expect([ivan.company?.name, ivan.position, ivan.notes]).toEqual(['Acme', 'CEO', 'met at expo']);
    expect(ivan.fields).toEqual({ 'Favourite colour': 'blue' });
    expect(all[0]!.fields).toEqual({});
    expect(all[0]!.companyId).toBe(ivan.companyId);
    expect(all[2]!.emails).toEqual([]);
    expect(await db.company.count({ where: { workspaceId: ws.id } })).toBe(2); // Acme, Beta
    // one audit row for the run, naming the created contacts; timeline rows on the contacts rows were merged into
    const audits = await db.auditLog.findMany({ where: { workspaceId: ws.id, action: 'contacts.import' } });
    expect(audits).toHaveLength(1);
    const ranges = (audits[0]!.after as { createdContactIds: Array<[number, number]> }).createdContactIds;
    const createdIds = ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
    expect(createdIds.sort()).toEqual(
      all
        .slice(1)
        .map((c) => c.id)
        .sort(),
    );
    const timeline = await db.activity.findMany({ where: { workspaceId: ws.id, type: 'contact.imported' } });
    expect(timeline.map((a) => [a.contactId, a.data])).toEqual([[maria.contact.id, { action: 'updated', lines: [3] }]]);

    // the same file again: nothing new is created
    const again = await importContacts(ctx, sys, (await readTable(fixture('contacts-en.csv'))).records);
    expect({ created: again.created, updated: again.updated, skipped: again.skipped }).toEqual({ created: 1, updated: 6, skipped: 3 });
    // (Bob Broken has no valid email or phone, so he cannot be recognised and is created again)
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(6);
  });

  it('Russian CSV in windows-1251 with semicolons, CRLF and a multi-line cell', async () => {
    const ws = await makeWorkspace(db);
    const table = await readTable(fixture('contacts-ru-cp1251.csv'));
    expect(table.encoding).toBe('windows-1251');
    const report = await importContacts(ctx, { ...systemActor(ws), locale: 'ru' }, table.records);
    expect({ rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped }).toEqual({
      rows: 5,
      created: 3,
      updated: 1,
      skipped: 1,
    });
    expect(report.skippedRows).toEqual([{ line: 6, code: 'nothing_valid', message: 'нет имени и нет корректной почты или телефона (некорректно: почта@)' }]);
    const all = await contactsOf(ws.id);
    expect(all.map((c) => c.name)).toEqual(['Иван Сергеевич Петров', 'Анна Сидорова', 'Кузнецов']);
    expect(all[0]!.phones.map((p) => p.phone)).toEqual(['+79162000001', '+79162000002']);
    expect(all[0]!.notes).toBe('Звонить после 12, только по будням');
    expect(all[0]!.company?.name).toBe('ООО «Ромашка»');
    expect(all[2]!.phones.map((p) => p.phone)).toEqual(['+79162000003']);
  });

  it('XLSX with numbers, hyperlinks and rich text', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-import-'));
    try {
      const file = path.join(dir, 'contacts.xlsx');
      const wb = new ExcelJS.Workbook();
      const sheet = wb.addWorksheet('Contacts');
      sheet.addRow(['Name', 'Email', 'Phone', 'Company']);
      sheet.addRow(['Anna Lee', 'anna@lee.test', 79161230001, 'Lee LLC']);
      sheet.addRow(['Anna L', { text: 'ANNA@lee.test', hyperlink: 'mailto:anna@lee.test' }, null, null]);
      sheet.addRow(['', 'broken', '', 'X']);
      sheet.addRow([{ richText: [{ text: 'Tom ' }, { text: 'Hardy', font: { bold: true } }] }, '', '+1 212 555 0100', '']);
      await wb.xlsx.writeFile(file);

      const ws = await makeWorkspace(db);
      const report = await importContacts(ctx, systemActor(ws), (await readTable(file)).records);
      expect({ rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped }).toEqual({
        rows: 4,
        created: 2,
        updated: 1,
        skipped: 1,
      });
      expect(report.skippedRows.map((s) => [s.line, s.code])).toEqual([[4, 'nothing_valid']]);
      const all = await contactsOf(ws.id);
      expect(all.map((c) => [c.name, c.emails.map((e) => e.email), c.phones.map((p) => p.phone)])).toEqual([
        ['Anna Lee', ['anna@lee.test'], ['+79161230001']],
        ['Tom Hardy', [], ['+12125550100']],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file without any identifying column, and an unsupported file type', async () => {
    const ws = await makeWorkspace(db);
    await expect(
      importContacts(ctx, systemActor(ws), [
        { line: 1, cells: ['Colour', 'Size'] },
        { line: 2, cells: ['red', 'L'] },
      ]),
    ).rejects.toMatchObject({
      key: 'import.invalid.no_columns',
    });
    await expect(readTable('contacts.pdf')).rejects.toMatchObject({ key: 'import.invalid.file_type' });
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(0);
  });
});
