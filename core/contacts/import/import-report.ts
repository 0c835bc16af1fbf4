// What an import run tells the operator: counts, each skipped row with its reason, and
// the per-row warnings (a dropped bad email or phone).
import type { Locale, MessageKey } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';

export interface ImportRowNote {
  line: number;
  code: string;
  message: string;
}

export interface ImportReport {
  /** data rows read (the header and completely blank rows not counted) */
  rows: number;
  /** contacts created */
  created: number;
  /** rows merged into an existing contact or into one created by an earlier row of the file */
  updated: number;
  skipped: number;
  skippedRows: ImportRowNote[];
  warnings: ImportRowNote[];
  columns: Array<{ header: string; field: string | null }>;
  /** columns no field matched and that were dropped (--unknown-columns drop) */
  ignoredColumns: string[];
  /** columns no field matched, kept as custom fields (the default) */
  fieldColumns: string[];
  /** columns no field matched, whose cells became tags */
  tagColumns: string[];
  durationMs: number;
}

export function emptyReport(): ImportReport {
  return {
    rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    skippedRows: [],
    warnings: [],
    columns: [],
    ignoredColumns: [],
    fieldColumns: [],
    tagColumns: [],
    durationMs: 0,
  };
}

/** The report as lines for a person, in their language. */
export function formatImportReport(report: ImportReport, locale: Locale): string[] {
  const lines = [t(locale, 'import.summary', { rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped })];
  if (report.ignoredColumns.length) lines.push(t(locale, 'import.ignored_columns', { columns: report.ignoredColumns.join(', ') }));
  if (report.fieldColumns.length) lines.push(t(locale, 'import.fields_columns', { columns: report.fieldColumns.join(', ') }));
  if (report.tagColumns.length) lines.push(t(locale, 'import.tags_columns', { columns: report.tagColumns.join(', ') }));
  for (const s of report.skippedRows) lines.push(t(locale, 'import.line.skipped', { line: s.line, reason: s.message }));
  for (const w of report.warnings) lines.push(t(locale, 'import.line.warning', { line: w.line, reason: w.message }));
  return lines;
}

export function noteKey(code: string): MessageKey {
  return `import.reason.${code}` as MessageKey;
}
