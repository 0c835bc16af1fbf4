// Picks the reader by file extension. Both readers stream: records are handed on while the
// file is read, so an import's memory does not grow with the file.
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TableRecord } from '../../core/contacts/import/import-contacts.js';
import { invalid } from '../../core/errors.js';
import { streamCsv } from './read-csv.js';

export interface TableStream {
  format: 'csv' | 'xlsx';
  encoding?: string;
  /** file size in bytes, and how much of it has been read (progress; XLSX is compressed, so only CSV reports it) */
  size: number;
  bytesRead?: () => number;
  records: AsyncIterable<TableRecord>;
}

/** Opens a .csv/.tsv/.txt or .xlsx file for streaming; read errors while streaming surface as import.invalid.unreadable. */
export async function openTable(file: string): Promise<TableStream> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx' && ext !== '.txt' && ext !== '.tsv') throw invalid('import.invalid.file_type', { file });
  try {
    await access(file, constants.R_OK);
  } catch {
    throw invalid('import.invalid.file_missing', { file });
  }
  const unreadable = (e: unknown) => invalid('import.invalid.unreadable', { file, detail: (e as Error).message });
  const guarded = async function* (source: AsyncIterable<TableRecord>): AsyncGenerator<TableRecord> {
    try {
      yield* source;
    } catch (e) {
      throw unreadable(e);
    }
  };
  try {
    if (ext === '.xlsx') {
      // ExcelJS is large; loaded only for spreadsheets
      const { streamXlsx } = await import('./read-xlsx.js');
      return { format: 'xlsx', size: (await stat(file)).size, records: guarded(streamXlsx(file)) };
    }
    const csv = await streamCsv(file);
    return { format: 'csv', encoding: csv.encoding, size: csv.size, bytesRead: csv.bytesRead, records: guarded(csv.records) };
  } catch (e) {
    throw unreadable(e);
  }
}

/** The whole table in memory: small files and tests. */
export async function readTable(file: string): Promise<{ records: TableRecord[]; format: 'csv' | 'xlsx'; encoding?: string }> {
  const table = await openTable(file);
  const records: TableRecord[] = [];
  for await (const r of table.records) records.push(r);
  return { records, format: table.format, encoding: table.encoding };
}
