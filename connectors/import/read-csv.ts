// CSV -> table records for the importer: encoding and delimiter detected, quotes relaxed.
// Records are cut by line with quote balancing, so a stray or unclosed quote costs only
// its own line (reported by line number) instead of swallowing the rest of the file.
//
// Files are streamed: memory stays flat whatever the file's size (a window of lines for
// the quote look-ahead and one batch of records for csv-parse). The encoding is settled by
// a first streaming pass (strict UTF-8 over the whole file, else windows-1251), so a file
// whose only non-UTF-8 byte sits near the end is still read in one encoding throughout.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { TableRecord } from '../../core/contacts/import/import-contacts.js';
import { detectDelimiter, type Delimiter } from './detect-delimiter.js';

/** Text files from spreadsheets come as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or, from older Russian Excel/1C exports, windows-1251. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1251';

export interface CsvTable {
  records: TableRecord[];
  encoding: TextEncodingName;
  delimiter: Delimiter;
}

/** A quoted cell may hold line breaks; one spanning more lines than this is a broken quote. */
const MAX_LINES_PER_RECORD = 50;
/** well-formed records handed to csv-parse at once */
const PARSE_BATCH = 500;
/** bytes read for the BOM and the delimiter guess */
const SNIFF_BYTES = 64 * 1024;

interface Piece {
  line: number;
  text: string;
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

function readsAlone(line: string, delimiter: Delimiter, width: number): boolean {
  try {
    return parseOne(line, delimiter).length <= width;
  } catch {
    return false;
  }
}

/**
 * Cuts lines into records: lines are joined while a quoted cell is open. A record that
 * never closes its quote, or a multi-line record that does not parse or is wider than the
 * header (lines glued together by a stray quote), costs only its first line: that line is
 * reported broken and reading resumes on the next one. Lines are pushed one at a time; a
 * record is decided once enough lines are buffered for its look-ahead (or the input ended).
 */
class RecordCutter {
  private lines: string[] = [];
  private head = 0;
  /** file line number of lines[head] */
  private lineNo = 1;
  private width: number | null = null;

  constructor(private readonly delimiter: Delimiter) {}

  push(line: string, out: Piece[]) {
    this.lines.push(line);
    while (this.lines.length - this.head > MAX_LINES_PER_RECORD) this.take(out);
    if (this.head > 1024) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  end(out: Piece[]) {
    while (this.lines.length > this.head) this.take(out);
    this.lines = [];
    this.head = 0;
  }

  private consume(n: number) {
    this.head += n;
    this.lineNo += n;
  }

  /** decides the record starting at the head (the buffer holds its look-ahead, or all that is left) */
  private take(out: Piece[]) {
    const lines = this.lines;
    const i = this.head;
    const first = lines[i]!;
    if (!first.trim()) return this.consume(1);
    let end = i;
    let text = first;
    let quotes = quoteCount(first);
    while (quotes % 2 === 1 && end + 1 < lines.length && end - i < MAX_LINES_PER_RECORD) {
      end++;
      text += '\n' + lines[end];
      quotes += quoteCount(lines[end]!);
    }
    let ok = quotes % 2 === 0;
    if (ok && (end > i || this.width === null)) {
      try {
        const cells = parseOne(text, this.delimiter);
        if (this.width === null) this.width = cells.length;
        else ok = cells.length <= this.width;
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      // a stray quote inside a plain cell (5" screen) still reads fine on its own line
      const alone = quoteCount(first) % 2 === 1 && this.width !== null && readsAlone(first, this.delimiter, this.width);
      out.push(alone ? { line: this.lineNo, text: first } : { line: this.lineNo, text: first, broken: true });
      return this.consume(1);
    }
    out.push({ line: this.lineNo, text });
    this.consume(end - i + 1);
  }
}

/** Pieces -> records: one csv-parse pass over the well-formed pieces, piece by piece if that does not line up. */
function toRecords(pieces: Piece[], delimiter: Delimiter): TableRecord[] {
  const good = pieces.filter((p) => !p.broken);
  let parsed: string[][] | null = null;
  try {
    parsed = parse(good.map((p) => p.text).join('\n'), { ...OPTIONS, delimiter }) as string[][];
    if (parsed.length !== good.length) parsed = null;
  } catch {
    parsed = null;
  }
  let k = 0;
  return pieces.map((piece) => {
    if (piece.broken) return { line: piece.line, error: 'unclosed quote' };
    if (parsed) return { line: piece.line, cells: parsed[k++]! };
    try {
      return { line: piece.line, cells: parseOne(piece.text, delimiter) };
    } catch (e) {
      return { line: piece.line, error: (e as Error).message.replace(/\s*at line \d+\.?$/, '') };
    }
  });
}

/** Splits decoded text chunks into lines (\r\n, \n or \r), a line break may straddle two chunks. */
class LineSplitter {
  private rest = '';
  feed(chunk: string, emit: (line: string) => void) {
    let text = this.rest + chunk;
    // a trailing \r may be the first half of \r\n
    let hold = '';
    if (text.endsWith('\r')) {
      hold = '\r';
      text = text.slice(0, -1);
    }
    const parts = text.split(/\r\n|\n|\r/);
    this.rest = parts.pop()! + hold;
    for (const p of parts) emit(p);
  }
  end(emit: (line: string) => void) {
    const last = this.rest.replace(/\r$/, '');
    this.rest = '';
    emit(last);
  }
}

/** Whole text at once (tests, small inputs): the same cutting as the streaming reader. */
export function parseCsvText(text: string): Omit<CsvTable, 'encoding'> {
  const clean = text.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(clean.slice(0, SNIFF_BYTES));
  const cutter = new RecordCutter(delimiter);
  const pieces: Piece[] = [];
  for (const line of clean.split(/\r\n|\n|\r/)) cutter.push(line, pieces);
  cutter.end(pieces);
  return { records: toRecords(pieces, delimiter), delimiter };
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const BOMS: Array<{ bytes: number[]; encoding: TextEncodingName }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** The file's encoding: its BOM, else strict UTF-8 if the whole file decodes as such (streamed), else windows-1251. */
export async function detectFileEncoding(path: string): Promise<{ encoding: TextEncodingName; bomBytes: number }> {
  const head = await readHead(path, 4);
  for (const bom of BOMS) if (bom.bytes.every((b, i) => head[i] === b)) return { encoding: bom.encoding, bomBytes: bom.bytes.length };
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) strict.decode(chunk as Buffer, { stream: true });
    strict.decode();
    return { encoding: 'utf-8', bomBytes: 0 };
  } catch {
    return { encoding: 'windows-1251', bomBytes: 0 };
  }
}

export interface CsvStream {
  encoding: TextEncodingName;
  delimiter: Delimiter;
  /** file size in bytes, and bytes read so far (for progress) */
  size: number;
  bytesRead: () => number;
  records: AsyncIterable<TableRecord>;
}

/** Streams a CSV file's records in order, in batches, with flat memory. */
export async function streamCsv(path: string): Promise<CsvStream> {
  const { encoding, bomBytes } = await detectFileEncoding(path);
  // a multi-byte character cut at the sniff's end decodes as U+FFFD, harmless for the guess
  const delimiter = detectDelimiter(new TextDecoder(encoding).decode((await readHead(path, SNIFF_BYTES)).subarray(bomBytes)));
  const handle = await open(path, 'r');
  const size = (await handle.stat()).size;
  await handle.close();
  let read = 0;
  async function* records(): AsyncGenerator<TableRecord> {
    const decoder = new TextDecoder(encoding);
    const splitter = new LineSplitter();
    const cutter = new RecordCutter(delimiter);
    let pieces: Piece[] = [];
    const onLine = (line: string) => cutter.push(line, pieces);
    for await (const chunk of createReadStream(path, { start: bomBytes, highWaterMark: 256 * 1024 })) {
      read += (chunk as Buffer).length;
      splitter.feed(decoder.decode(chunk as Buffer, { stream: true }), onLine);
      if (pieces.length >= PARSE_BATCH) {
        const batch = pieces;
        pieces = [];
        yield* toRecords(batch, delimiter);
      }
    }
    splitter.feed(decoder.decode(), onLine);
    splitter.end(onLine);
    cutter.end(pieces);
    yield* toRecords(pieces, delimiter);
  }
  return { encoding, delimiter, size, bytesRead: () => read + bomBytes, records: records() };
}

/** Whole file into memory (small files and tests); the import path streams. */
export async function readCsv(path: string): Promise<CsvTable> {
  const stream = await streamCsv(path);
  const records: TableRecord[] = [];
  for await (const r of stream.records) records.push(r);
  return { records, encoding: stream.encoding, delimiter: stream.delimiter };
}
