// One spreadsheet row -> a normalised contact candidate, or the reason it cannot be one.
// Policy: a bad email or phone is dropped with a warning and the rest of the row is kept;
// the row is skipped only when nothing identifying (name, valid email, valid phone) remains.
import { normalizeEmail } from '../normalize-email.js';
import { normalizePhone } from '../normalize-phone.js';
import type { HeaderMap } from './header-map.js';
import { parseTagCell } from '../tags.js';
import { cleanFieldKey, cleanFieldValue } from '../custom-fields.js';

/** What becomes of the cells of columns no field matched. */
export type UnknownColumns = 'fields' | 'tags' | 'drop';
export const UNKNOWN_COLUMNS: readonly UnknownColumns[] = ['fields', 'tags', 'drop'];

export interface RowIssue {
  code: 'bad_email' | 'bad_phone' | 'email_elsewhere' | 'phone_elsewhere';
  value: string;
  contactId?: number;
}

export interface ParsedRow {
  line: number;
  name: string | null;
  emails: string[];
  phones: string[];
  company: string | null;
  position: string | null;
  notes: string | null;
  /** from a tags column, and from unknown columns when they become tags */
  tags: string[];
  /** unknown columns kept as custom fields: header -> cell */
  fields: Record<string, string>;
  warnings: RowIssue[];
}

export type RowOutcome = { kind: 'row'; row: ParsedRow } | { kind: 'empty' } | { kind: 'skip'; code: 'nothing_identifying'; invalid: string[] };

const MAX = { name: 200, company: 200, position: 200, notes: 5000 };

function clean(value: string | undefined, max: number): string | null {
  const v = (value ?? '').replace(/\s+/g, ' ').trim();
  return v ? v.slice(0, max) : null;
}

function splitValues(value: string, separators: RegExp): string[] {
  return value
    .split(separators)
    .map((v) => v.trim())
    .filter(Boolean);
}

export function parseRow(map: HeaderMap, cells: string[], line: number, region: string, unknown: UnknownColumns = 'drop'): RowOutcome {
  if (cells.every((c) => !c || !c.trim())) return { kind: 'empty' };
  const single: Partial<Record<string, string | null>> = {};
  const emails: string[] = [];
  const phones: string[] = [];
  const warnings: RowIssue[] = [];
  const tags: string[] = [];
  const fields: Record<string, string> = {};
  const addTags = (raw: string) => {
    for (const tag of parseTagCell(raw)) if (!tags.includes(tag)) tags.push(tag);
  };
  for (const col of map.columns) {
    const raw = cells[col.index] ?? '';
    if (!raw.trim()) continue;
    if (!col.field) {
      if (col.duplicate) continue;
      if (unknown === 'tags') addTags(raw);
      else if (unknown === 'fields') {
        const key = cleanFieldKey(col.header);
        const value = cleanFieldValue(raw);
        if (key && value && !(key in fields)) fields[key] = value;
      }
      continue;
    }
    if (col.field === 'tags') addTags(raw);
    else if (col.field === 'email') {
      for (const v of splitValues(raw, /[,;\s]+/)) {
        const e = normalizeEmail(v);
        if (e) {
          if (!emails.includes(e)) emails.push(e);
        } else warnings.push({ code: 'bad_email', value: v });
      }
    } else if (col.field === 'phone') {
      for (const v of splitValues(raw, /[,;/]+/)) {
        const p = normalizePhone(v, region);
        if (p) {
          if (!phones.includes(p)) phones.push(p);
        } else warnings.push({ code: 'bad_phone', value: v });
      }
    } else {
      single[col.field] = raw;
    }
  }
  const composed = [single.firstName, single.middleName, single.lastName]
    .map((v) => clean(v ?? undefined, MAX.name))
    .filter(Boolean)
    .join(' ');
  const name = clean(single.name ?? undefined, MAX.name) ?? clean(composed, MAX.name);
  if (!name && emails.length === 0 && phones.length === 0) {
    return { kind: 'skip', code: 'nothing_identifying', invalid: warnings.map((w) => w.value) };
  }
  return {
    kind: 'row',
    row: {
      line,
      name,
      emails,
      phones,
      company: clean(single.company ?? undefined, MAX.company),
      position: clean(single.position ?? undefined, MAX.position),
      notes: clean(single.notes ?? undefined, MAX.notes),
      tags,
      fields,
      warnings,
    },
  };
}
