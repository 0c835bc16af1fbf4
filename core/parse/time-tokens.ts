// The tokenizer of the time grammar: one pass of one regular expression over the lower-cased
// text ("ё" as "е", which keeps every offset), giving numbers, clock times, dotted numbers,
// words, IANA zone names and single punctuation marks with their places in the message.

export type TokKind = 'num' | 'clock' | 'dotted' | 'iso' | 'word' | 'iana' | 'punct';

export interface Tok {
  kind: TokKind;
  /** The token's text, lower case ("a.m." -> "am"). */
  t: string;
  /** The token as written (for zone names). */
  raw: string;
  start: number;
  end: number;
  /** Written right after the previous token, without a space ("3pm", "15ч", "18-го" after "-"). */
  glued: boolean;
  /** num: its value; clock: hours; dotted: the first part. */
  n: number;
  /** clock: minutes; dotted: the parts as written; iso: [y, m, d]. */
  parts: string[];
  /** dotted: the separator (".", ",", "/"). */
  sep: string;
}

const TOKEN =
  /([a-z]+\/[a-z_]+(?:\/[a-z_]+)?)|(\d{4}-\d{1,2}-\d{1,2})(?!\d)|(\d{1,2}:\d{2})(?!\d)|(\d+(?:[.,/]\d+)+)|(\d+)|([ap]\.\s?m\.?)(?![\p{L}])|(\p{L}+(?:['’-]\p{L}+)*)|(\S)/gu;

export function normalizeForTime(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\u00A0\u202F\u2009]/g, ' ');
}

export function tokenize(original: string): Tok[] {
  const text = normalizeForTime(original);
  const out: Tok[] = [];
  let prevEnd = -1;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const tok: Tok = { kind: 'punct', t: m[0], raw: m[0], start, end, glued: start === prevEnd, n: NaN, parts: EMPTY, sep: '' };
    prevEnd = end;
    if (m[1]) {
      tok.kind = 'iana';
      tok.raw = original.slice(start, end);
    } else if (m[2]) {
      tok.kind = 'iso';
      tok.parts = m[2].split('-');
    } else if (m[3]) {
      const colon = m[3].indexOf(':');
      tok.kind = 'clock';
      tok.n = Number(m[3].slice(0, colon));
      tok.parts = [m[3].slice(colon + 1)];
    } else if (m[4]) {
      const sep = m[4].match(/[.,/]/)![0];
      const parts = m[4].split(/[.,/]/);
      // one kind of separator ("12.03.2026", "2,5", "20/03"); "12.03/26" stays punctuation
      if (parts.length - 1 === m[4].split(sep).length - 1) {
        tok.kind = 'dotted';
        tok.n = Number(parts[0]);
        tok.parts = parts;
        tok.sep = sep;
      }
    } else if (m[5]) {
      tok.kind = 'num';
      tok.n = Number(m[5]);
    } else if (m[6]) {
      tok.kind = 'word';
      tok.t = m[6].startsWith('a') ? 'am' : 'pm';
    } else if (m[7]) {
      tok.kind = 'word';
      if (m[7].includes('’')) tok.t = m[7].replace(/’/g, "'");
    }
    out.push(tok);
  }
  return out;
}

const EMPTY: string[] = [];
