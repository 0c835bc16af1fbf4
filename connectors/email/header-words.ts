// RFC 2047 encoded-word decoding for the one case mailparser leaves undone: words in UTF-7
// (`=?unicode-1-1-utf-7?Q?...?=`). Other charsets in the same header go through TextDecoder.
import { decodeUtf7, isUtf7Charset } from './utf7.js';

const WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;
// whitespace between two adjacent encoded words is not part of the text (RFC 2047 6.2)
const BETWEEN_WORDS = /(\?=)\s+(?==\?)/g;

export function hasUtf7Word(raw: string): boolean {
  for (const m of raw.matchAll(WORD)) if (isUtf7Charset(m[1])) return true;
  return false;
}

function wordBytes(encoding: string, data: string): Buffer {
  if (encoding.toLowerCase() === 'b') return Buffer.from(data, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const ch = data[i]!;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9a-fA-F]{2}$/.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBytes(charset: string, bytes: Buffer): string {
  if (isUtf7Charset(charset)) return decodeUtf7(bytes.toString('latin1'));
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** Decodes every encoded word of an unfolded header value. */
export function decodeWords(raw: string): string {
  return raw.replace(BETWEEN_WORDS, '$1').replace(WORD, (_m, charset: string, enc: string, data: string) => decodeBytes(charset, wordBytes(enc, data)));
}
