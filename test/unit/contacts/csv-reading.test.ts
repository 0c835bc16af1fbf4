import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { detectDelimiter } from '../../../connectors/import/detect-delimiter.js';
import { detectFileEncoding, parseCsvText, readCsv } from '../../../connectors/import/read-csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const file = async (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  await writeFile(p, bytes);
  return p;
};

describe('CSV reading', () => {
  it('detects comma, semicolon and tab', () => {
    expect(detectDelimiter('name,email\na,b@c.de\n')).toBe(',');
    expect(detectDelimiter('Имя;Почта;Компания\n"Петров, Иван";a@b.ru;"ООО ""Ромашка"""\n')).toBe(';');
    expect(detectDelimiter('name\temail\tphone\nx\ty\tz\n')).toBe('\t');
  });

  it('strips a UTF-8 BOM and falls back to windows-1251 when any byte of the file is not UTF-8', async () => {
    const bom = await file('bom.csv', Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('Имя\nИван\n', 'utf8')]));
    expect(await detectFileEncoding(bom)).toEqual({ encoding: 'utf-8', bomBytes: 3 });
    expect((await readCsv(bom)).records).toEqual([
      { line: 1, cells: ['Имя'] },
      { line: 2, cells: ['Иван'] },
    ]);
    // plain ASCII for 200 KB, then "Имя" in windows-1251 on the last line: the whole file is one encoding
    const ascii = Buffer.from('name,email\n' + 'a,a@x.ru\n'.repeat(200_000 / 9));
    const cp1251 = await file('late.csv', Buffer.concat([ascii, Uint8Array.from([0xc8, 0xec, 0xff, 0x2c, 0x78, 0x0a])]));
    const table = await readCsv(cp1251);
    expect(table.encoding).toBe('windows-1251');
    expect(table.records.at(-1)).toMatchObject({ cells: ['Имя', 'x'] });
  });

  it('gives line numbers, keeps multi-line cells, and costs a broken quote only its own line', () => {
    const { records } = parseCsvText('name,email\nA,a@x.ru\nB,"b@x.ru\nC,c@x.ru\n\n"E ""q""","multi\nline"\nF,5" tv\n');
    expect(records).toEqual([
      { line: 1, cells: ['name', 'email'] },
      { line: 2, cells: ['A', 'a@x.ru'] },
      { line: 3, error: 'unclosed quote' },
      { line: 4, cells: ['C', 'c@x.ru'] },
      { line: 6, cells: ['E "q"', 'multi\nline'] },
      { line: 8, cells: ['F', '5" tv'] },
    ]);
  });

  it('streams a large file to the same records as reading it whole (CRLF and quoted line breaks across read chunks)', async () => {
    const lines = ['name;email;notes'];
    for (let i = 0; i < 20_000; i++) {
      // a stray quote with no closing one within the look-ahead (multi-line cells are 100 lines away)
      if (i % 1000 === 100) lines.push(`"Broken ${i};b${i}@x.ru;`);
      else if (i % 200 === 0) lines.push(`Иван ${i};i${i}@x.ru;"first line\r\nsecond; line ""${i}"""`);
      else lines.push(`Anna ${i};a${i}@x.ru;`);
    }
    const text = lines.join('\r\n') + '\r\n';
    const p = await file('big.csv', text);
    const streamed = await readCsv(p);
    expect(streamed.delimiter).toBe(';');
    const whole = parseCsvText(text).records;
    expect(streamed.records.length).toBe(whole.length);
    expect(streamed.records).toEqual(whole);
    expect(streamed.records.filter((r) => 'error' in r).length).toBe(20);
    expect(streamed.records.find((r) => r.line === 203)).toEqual({ line: 203, cells: ['Иван 200', 'i200@x.ru', 'first line\nsecond; line "200"'] });
  });
});
