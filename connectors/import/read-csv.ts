// CSV -> table records for the importer: encoding and delimiter detected, quotes relaxed.
// Records are cut by line with quote balancing, so a stray or unclosed quote costs only
// its own line (reported by line number) instead of swallowing the rest of the file.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { TableRecord } from '../../core/contacts/import/import-contacts.js';
import { decodeText, type TextEncodingName } from './decode-text.js';
import { detectDelimiter, type Delimiter } from './detect-delimiter.js';

export interface CsvTable {
  records: TableRecord[];
  encoding: TextEncodingName;
  delimiter: Delimiter;
}

/** A quoted cell may hold line breaks; one spanning more lines than this is a broken quote. */
const MAX_LINES_PER_RECORD = 50;

interface Piece {
  line: number;
  text: string;
  /** physical lines this record spans */
  span: number;
  broken?: boolean;
}

function quoteCount(line: string): number {
  let n = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) n++;
  return n;
}

const OPTIONS = { relax_quotes: true, relax_column_count: true, bom: true } as const;

function parseOne(text: string, delimiter: Delimiter): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  return (parse(text, { ...OPTIONS, delimiter }) as string[][]).flat();
}

/**
 * Cuts the text into records: lines are joined while a quoted cell is open. A record that
 * never closes its quote, or a multi-line record that does not parse or is wider than the
 * header (lines glued together by a stray quote), costs only its first line: that line is
 * reported broken and reading resumes on the next one.
 */
function cut(lines: string[], delimiter: Delimiter): Piece[] {
  const pieces: Piece[] = [];
  let width: number | null = null;
  for (let i = 0; i < lines.length;) {
    const first = lines[i]!;
    if (!first.trim()) {
      i++;
      continue;
    }
    let end = i;
    let text = first;
    let quotes = quoteCount(first);
    while (quotes % 2 === 1 && end + 1 < lines.length && end - i < MAX_LINES_PER_RECORD) {
      end++;
      text += '\n' + lines[end];
      quotes += quoteCount(lines[end]!);
    }
    let ok = quotes % 2 === 0;
    if (ok && (end > i || width === null)) {
      try {
        const cells = parseOne(text, delimiter);
        if (width === null) width = cells.length;
        else ok = cells.length <= width;
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      // a stray quote inside a plain cell (5" screen) still reads fine on its own line
      if (quoteCount(first) % 2 === 1 && width !== null && readsAlone(first, delimiter, width)) {
        pieces.push({ line: i + 1, text: first, span: 1 });
        i++;
        continue;
      }
      pieces.push({ line: i + 1, text: first, span: 1, broken: true });
      i++;
      continue;
    }
    pieces.push({ line: i + 1, text, span: end - i + 1 });
    i = end + 1;
  }
  return pieces;
}

function readsAlone(line: string, delimiter: Delimiter, width: number): boolean {
  try {
    return parseOne(line, delimiter).length <= width;
  } catch {
    return false;
  }
}

export function parseCsvText(text: string): Omit<CsvTable, 'encoding'> {
  const delimiter = detectDelimiter(text);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const pieces = cut(lines, delimiter);
  const good = pieces.filter((p) => !p.broken);
  let parsed: string[][] | null = null;
  try {
    // one csv-parse pass over all well-formed pieces; piece by piece if that does not line up
    parsed = parse(good.map((p) => p.text).join('\n'), { ...OPTIONS, delimiter }) as string[][];
    if (parsed.length !== good.length) parsed = null;
  } catch {
    parsed = null;
  }
  let k = 0;
  const records: TableRecord[] = pieces.map((piece) => {
    if (piece.broken) return { line: piece.line, error: 'unclosed quote' };
    if (parsed) return { line: piece.line, cells: parsed[k++]! };
    try {
      return { line: piece.line, cells: parseOne(piece.text, delimiter) };
    } catch (e) {
      return { line: piece.line, error: (e as Error).message.replace(/\s*at line \d+\.?$/, '') };
    }
  });
  return { records, delimiter };
}

export async function readCsv(path: string): Promise<CsvTable> {
  const { text, encoding } = decodeText(await readFile(path));
  return { ...parseCsvText(text), encoding };
}
