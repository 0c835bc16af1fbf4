import { describe, it, expect } from 'vitest';
import { decodeText } from '../../../connectors/import/decode-text.js';
import { detectDelimiter } from '../../../connectors/import/detect-delimiter.js';
import { parseCsvText } from '../../../connectors/import/read-csv.js';

describe('CSV reading', () => {
  it('detects comma, semicolon and tab', () => {
    expect(detectDelimiter('name,email\na,b@c.de\n')).toBe(',');
    expect(detectDelimiter('Имя;Почта;Компания\n"Петров, Иван";a@b.ru;"ООО ""Ромашка"""\n')).toBe(';');
    expect(detectDelimiter('name\temail\tphone\nx\ty\tz\n')).toBe('\t');
  });
  it('strips a UTF-8 BOM and falls back to windows-1251 for invalid UTF-8', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('Имя', 'utf8')]);
    expect(decodeText(bom)).toEqual({ text: 'Имя', encoding: 'utf-8' });
    const cp1251 = Uint8Array.from([0xc8, 0xec, 0xff]); // "Имя" in windows-1251
    expect(decodeText(cp1251)).toEqual({ text: 'Имя', encoding: 'windows-1251' });
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
});
