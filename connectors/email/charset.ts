// 8-bit text that does not say its charset (no charset parameter, "us-ascii" over 8-bit bytes,
// "unknown-8bit", or "utf-8" over bytes that are not UTF-8): old Russian mailers send KOI8-R or
// windows-1251 that way. The bytes are kept until the part ends, then decoded as UTF-8 when they
// are valid UTF-8, else in the charset chardet finds most likely (statistical models of the
// single-byte Cyrillic, Latin, Greek ... code pages), else windows-1252, which loses no byte.
//
// chardet (npm, MIT) was picked over jschardet: it is maintained, typed, has no dependencies,
// and its Cyrillic models tell KOI8-R from windows-1251 on a few words (see charset.test).
import { Transform, type TransformCallback } from 'node:stream';
import chardet from 'chardet';

/** Declared charsets that do not settle how 8-bit bytes decode. */
const UNSETTLED = /^(|ascii|usascii|us|ansix3\.?41968|iso646us|utf8|unknown|unknown8bit|xunknown|xunknown8bit|xuserdefined|default|none|8bit|binary|charset)$/;

export function isUnsettledCharset(charset: string | null | undefined): boolean {
  return UNSETTLED.test((charset ?? '').toLowerCase().replace(/[^a-z0-9.]/g, ''));
}

/** chardet's names -> names TextDecoder knows; ISO-8859-1 is read as its superset windows-1252. */
const DECODER_NAME: Record<string, string> = {
  'ISO-8859-1': 'windows-1252',
  'ISO-8859-2': 'iso-8859-2',
  'ISO-8859-5': 'iso-8859-5',
  'ISO-8859-6': 'iso-8859-6',
  'ISO-8859-7': 'iso-8859-7',
  'ISO-8859-8': 'iso-8859-8',
  'ISO-8859-9': 'windows-1254',
  'KOI8-R': 'koi8-r',
  'windows-1250': 'windows-1250',
  'windows-1251': 'windows-1251',
  'windows-1252': 'windows-1252',
  'windows-1253': 'windows-1253',
  'windows-1254': 'windows-1254',
  'windows-1255': 'windows-1255',
  'windows-1256': 'windows-1256',
  Shift_JIS: 'shift_jis',
  'EUC-JP': 'euc-jp',
  'EUC-KR': 'euc-kr',
  GB18030: 'gb18030',
  Big5: 'big5',
  'UTF-16BE': 'utf-16be',
  'UTF-16LE': 'utf-16le',
};

const SAMPLE_BYTES = 64 * 1024;

export interface Decoded {
  text: string;
  /** the charset the bytes were read in */
  charset: string;
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Below this many 8-bit bytes, or this confidence, chardet's statistics are checked by reading the text. */
const SHORT_SAMPLE = 64;
const SURE = 50;
/** The single-byte code pages a short unlabelled text is most likely in (Russian and Western European mail). */
const SHORT_TEXT_CANDIDATES = ['windows-1251', 'koi8-r', 'windows-1252', 'iso-8859-2'];

/** The charset 8-bit bytes most likely are in (never null: windows-1252 as the last resort). */
export function detectCharset(bytes: Uint8Array): string {
  if (isAscii(bytes) || isUtf8(bytes)) return 'utf-8';
  const sample = bytes.length > SAMPLE_BYTES ? bytes.subarray(0, SAMPLE_BYTES) : bytes;
  const ranked = chardet
    .analyse(sample)
    .map((m) => ({ name: DECODER_NAME[m.name], confidence: m.confidence }))
    .filter((m): m is { name: string; confidence: number } => Boolean(m.name));
  const best = ranked[0];
  let high = 0;
  for (const b of sample) if (b >= 0x80) high++;
  if (best && best.confidence >= SURE && high >= SHORT_SAMPLE) return best.name;
  // a name, a subject, a two-line note: too little for statistics; read it in each likely code
  // page and keep the one that reads as words (no Latin and Cyrillic mixed in a word, no
  // capital letters after small ones inside a word, as KOI8-R read as windows-1251 gives)
  // the two code pages most mail uses get a point ahead of the rarer ones
  const scored = SHORT_TEXT_CANDIDATES.map((name, i) => ({ name, score: readability(new TextDecoder(name).decode(sample)) + (i === 0 || i === 2 ? 1 : 0) }));
  const top = Math.max(...scored.map((c) => c.score));
  const winners = scored.filter((c) => c.score === top).map((c) => c.name);
  if (best && winners.includes(best.name)) return best.name;
  return winners[0] ?? best?.name ?? 'windows-1252';
}

/** How much a decoded text reads as words: letters count, implausible words cost. */
function readability(text: string): number {
  let score = 0;
  for (const word of text.match(/[\p{L}]+/gu) ?? []) {
    score += word.length;
    const latin = /\p{Script=Latin}/u.test(word);
    const cyrillic = /\p{Script=Cyrillic}/u.test(word);
    if (latin && cyrillic) score -= 3 * word.length;
    // "Èâàí": a Latin word without a single plain letter is Cyrillic read in a Western code page
    if (latin && word.length >= 3 && !/[a-z]/i.test(word)) score -= word.length;
    // "пЕТРОВ": small then capital inside a word
    score -= 2 * (word.match(/\p{Ll}\p{Lu}/gu)?.length ?? 0);
    // "ПЕТРОв": capitals then a small letter at the end of a longer word (KOI8-R read as windows-1251)
    if (word.length > 2 && /^\p{Lu}{2,}\p{Ll}+$/u.test(word)) score -= word.length;
  }
  // C1 controls, box drawing, replacement characters: not text
  score -= 3 * (text.match(/[\u0080-\u009f\u2500-\u25ff\ufffd]/g)?.length ?? 0);
  return score;
}

/** Decodes bytes whose charset is not settled by the message. */
export function decodeUnlabelled(bytes: Uint8Array): Decoded {
  const charset = detectCharset(bytes);
  return { text: new TextDecoder(charset).decode(bytes), charset };
}

/** A header value read as latin1 by the parser ("ðÒÉ×ÅÔ") back to its bytes, then decoded by sniffing. */
export function redecodeLatin1(value: string): string {
  // only a string made of single bytes can be turned back into them
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : decodeUnlabelled(bytes).text;
}

/** Charsets whose label is believed as stated: the Unicode encodings (UTF-7 has its own decoder). */
const UNICODE_LABEL = /^(utf7|utf16|utf16le|utf16be|utf32|utf32le|utf32be|ucs2|unicode11utf7)$/;

/** A declared legacy charset (windows-1251, Big5 ...) over bytes that may really be UTF-8. */
export function isLegacyLabel(charset: string | null | undefined): boolean {
  const c = (charset ?? '').toLowerCase().replace(/[^a-z0-9.]/g, '');
  return c !== '' && !isUnsettledCharset(charset) && !UNICODE_LABEL.test(c);
}

/** 8-bit bytes that are valid UTF-8 (at least one multi-byte sequence). */
export function isMultibyteUtf8(bytes: Uint8Array): boolean {
  return !isAscii(bytes) && isUtf8(bytes);
}

/**
 * A part labelled with a legacy charset whose bytes are valid UTF-8 is UTF-8: mailers relabel
 * (a UTF-8 body sent as "Big5" or "windows-1251"), and text really in a single-byte or CJK code
 * page practically never forms valid multi-byte UTF-8. Otherwise the label decodes, through the
 * parser's own decoder.
 */
export function createLabelledDecodeStream(charset: string, labelled: (charset: string) => NodeJS.ReadWriteStream): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      chunks.push(chunk);
      done();
    },
    flush(done: TransformCallback) {
      const bytes = Buffer.concat(chunks);
      if (isMultibyteUtf8(bytes)) {
        this.push(bytes);
        done();
        return;
      }
      const decoder = labelled(charset);
      const out: Buffer[] = [];
      decoder.on('data', (c: Buffer | string) => out.push(Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8')));
      decoder.on('error', (err: Error) => done(err));
      decoder.on('end', () => {
        this.push(Buffer.concat(out));
        done();
      });
      decoder.end(bytes);
    },
  });
}

/** A stream for mailparser: collects the part's bytes, decodes them at the end (parts are bounded by the parser's limits). */
export function createSniffingDecodeStream(onCharset?: (charset: string) => void): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      chunks.push(chunk);
      done();
    },
    flush(done: TransformCallback) {
      const bytes = Buffer.concat(chunks);
      const { text, charset } = decodeUnlabelled(bytes);
      onCharset?.(charset);
      this.push(Buffer.from(text, 'utf8'));
      done();
    },
  });
}
