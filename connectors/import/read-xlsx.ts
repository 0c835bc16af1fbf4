// XLSX -> table records: the first worksheet, rows as cell texts (numbers, dates, rich
// text, hyperlinks and formula results turned into plain strings).
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

export async function readXlsx(path: string): Promise<TableRecord[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const records: TableRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[];
    const cells: string[] = [];
    for (let col = 1; col < values.length; col++) cells.push(cellText(values[col] ?? null));
    records.push({ line: rowNumber, cells });
  });
  return records;
}
