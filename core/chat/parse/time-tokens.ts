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
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index!;
    const end = start + m[0].length;
    const base = { raw: original.slice(start, end), start, end, glued: start === prevEnd, n: NaN, parts: [] as string[], sep: '' };
    prevEnd = end;
    if (m[1]) out.push({ ...base, kind: 'iana', t: m[1] });
    else if (m[2]) out.push({ ...base, kind: 'iso', t: m[2], parts: m[2].split('-') });
    else if (m[3]) {
      const [h, mi] = m[3].split(':') as [string, string];
      out.push({ ...base, kind: 'clock', t: m[3], n: Number(h), parts: [mi] });
    } else if (m[4]) {
      const sep = /[.,/]/.exec(m[4])![0];
      const parts = m[4].split(/[.,/]/);
      const mixed = !m[4].split('').every((c) => /\d/.test(c) || c === sep);
      out.push({ ...base, kind: mixed ? 'punct' : 'dotted', t: m[4], n: Number(parts[0]), parts, sep });
    } else if (m[5]) out.push({ ...base, kind: 'num', t: m[5], n: Number(m[5]) });
    else if (m[6]) out.push({ ...base, kind: 'word', t: m[6].startsWith('a') ? 'am' : 'pm' });
    else if (m[7]) out.push({ ...base, kind: 'word', t: m[7].replace(/’/g, "'") });
    else out.push({ ...base, kind: 'punct', t: m[8]! });
  }
  return out;
}
