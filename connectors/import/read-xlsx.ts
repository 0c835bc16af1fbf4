// XLSX -> table records: the first worksheet, rows as cell texts (numbers, dates, rich
// text, hyperlinks and formula results turned into plain strings). Streamed with
// ExcelJS's WorkbookReader, so rows are handed on as they are read.
import ExcelJS from 'exceljs';
import type { TableRecord } from '../../core/contacts/import/import-contacts.js';

export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) {
      const text = (value as { text: unknown }).text;
      if (typeof text === 'string') return text;
      if (text && typeof text === 'object' && 'richText' in text) return cellText(text as ExcelJS.CellValue);
    }
    if ('error' in value) return '';
  }
  return String(value);
}

function rowCells(values: ExcelJS.CellValue[]): string[] {
  const cells: string[] = [];
  for (let col = 1; col < values.length; col++) cells.push(cellText(values[col] ?? null));
  return cells;
}

/** The first worksheet's non-empty rows, streamed. */
export async function* streamXlsx(path: string): AsyncGenerator<TableRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'cache',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cells = rowCells(row.values as ExcelJS.CellValue[]);
      if (cells.some((c) => c !== '')) yield { line: row.number, cells };
    }
    return; // the first worksheet only
  }
}
