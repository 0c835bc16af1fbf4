// Picks the reader by file extension.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { TableRecord } from '../../core/contacts/import/import-contacts.js';
import { invalid } from '../../core/errors.js';
import { readCsv } from './read-csv.js';
import { readXlsx } from './read-xlsx.js';

export async function readTable(file: string): Promise<{ records: TableRecord[]; format: 'csv' | 'xlsx'; encoding?: string }> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx' && ext !== '.txt' && ext !== '.tsv') throw invalid('import.invalid.file_type', { file });
  try {
    await access(file, constants.R_OK);
  } catch {
    throw invalid('import.invalid.file_missing', { file });
  }
  try {
    if (ext === '.xlsx') return { records: await readXlsx(file), format: 'xlsx' };
    const csv = await readCsv(file);
    return { records: csv.records, format: 'csv', encoding: csv.encoding };
  } catch (e) {
    throw invalid('import.invalid.unreadable', { file, detail: (e as Error).message });
  }
}
