// UTF-7 (RFC 2152) decoding. mailparser deliberately leaves UTF-7 bodies and encoded words
// undecoded (UTF-7 can smuggle markup past HTML filters); Leadline only ever shows the result
// as plain text, so decoding it is safe here and real Outlook/Exchange mail uses it.
import { Transform, type TransformCallback } from 'node:stream';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

export function isUtf7Charset(charset: string | null | undefined): boolean {
  return /^(?:(?:cs)?unicode11)?utf7$/.test((charset ?? '').toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** Incremental UTF-7 decoder: feed chunks (any split), get text. */
export class Utf7Decoder {
  private shifted = false;
  private justShifted = false;
  private bits = 0;
  private nbits = 0;
  private units: number[] = [];

  write(input: string): string {
    let out = '';
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (this.shifted) {
        const v = c < 128 ? B64_VALUE[c]! : -1;
        if (v >= 0) {
          this.justShifted = false;
          this.bits = ((this.bits << 6) | v) & 0xffffff;
          this.nbits += 6;
          if (this.nbits >= 16) {
            this.nbits -= 16;
            this.units.push((this.bits >> this.nbits) & 0xffff);
          }
          continue;
        }
        // end of the shifted run: "+-" is a literal "+", a "-" after base64 is absorbed
        if (c === 0x2d && this.justShifted) out += '+';
        out += this.flushUnits();
        this.shifted = false;
        this.justShifted = false;
        this.bits = 0;
        this.nbits = 0;
        if (c === 0x2d) continue;
        out += input[i];
        continue;
      }
      if (c === 0x2b) {
        this.shifted = true;
        this.justShifted = true;
        continue;
      }
      out += input[i];
    }
    return out + (this.shifted ? '' : this.flushUnits());
  }

  end(): string {
    const out = (this.shifted && this.justShifted ? '+' : '') + this.flushUnits();
    this.shifted = false;
    this.justShifted = false;
    return out;
  }

  private flushUnits(): string {
    if (!this.units.length) return '';
    const units = this.units.splice(0);
    let s = '';
    // in slices: a spread of a very long run would overflow the call stack
    for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.slice(i, i + 8192));
    return s;
  }
}

export function decodeUtf7(input: string): string {
  const d = new Utf7Decoder();
  return d.write(input) + d.end();
}

/** A byte stream in UTF-7 in, UTF-8 out (what mailparser expects from a charset decoder). */
export function createUtf7DecodeStream(): Transform {
  const decoder = new Utf7Decoder();
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      // UTF-7 is 7-bit: latin1 maps every byte to one char without loss
      const text = decoder.write(chunk.toString('latin1'));
      done(null, text ? Buffer.from(text, 'utf8') : undefined);
    },
    flush(done: TransformCallback) {
      const text = decoder.end();
      done(null, text ? Buffer.from(text, 'utf8') : undefined);
    },
  });
}
