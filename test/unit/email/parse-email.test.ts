// The mailparser connector: bounded bodies and attachments, UTF-7, streams, broken headers.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { parseEmail, TRUNCATION_MARKER } from '../../../connectors/email/parse-email.js';
import { decodeUtf7, Utf7Decoder } from '../../../connectors/email/utf7.js';
import { decodeWords } from '../../../connectors/email/header-words.js';

const limits = { maxBodyChars: 10_000, maxAttachmentBytes: 64 * 1024 };
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

describe('UTF-7', () => {
  it('decodes RFC 2152 text, "+-" and a run split across chunks', () => {
    // a bare "+" followed by base64 letters opens a run: "+1=" is a broken run, its bits dropped
    expect(decodeUtf7('Привет 1+1=2')).toBe('Привет 1=2');
    expect(decodeUtf7('Hi Mom -+Jjo--!')).toBe('Hi Mom -☺-!');
    expect(decodeUtf7('A+ImIDkQ.')).toBe('A≢Α.');
    expect(decodeUtf7('+-7 999')).toBe('+7 999');
    const d = new Utf7Decoder();
    const whole = '+BB8EQAQ4BDIENQRC-, world';
    const parts = [whole.slice(0, 5), whole.slice(5, 11), whole.slice(11)];
    expect(parts.map((p) => d.write(p)).join('') + d.end()).toBe('Привет, world');
  });

  it('decodes UTF-7 encoded words and leaves other charsets to TextDecoder', () => {
    expect(decodeWords('=?utf-7?Q?+BBcEMARPBDIEOgQw-?= =?koi8-r?B?8NLJ18XU?=')).toBe('ЗаявкаПривет');
  });

  it('decodes a UTF-7 body that mailparser alone leaves as +ADw- text', async () => {
    const body = 'Заказ: <5 шт.> +7 (912) 000-11-22'; // '<' and '>' encoded too
    const raw = crlf(`From: a@b.example\nSubject: t\nContent-Type: text/plain; charset=UNICODE-1-1-UTF-7\n\n${utf7(body)}\n`);
    const parsed = await parseEmail(Buffer.from(raw), limits);
    expect(parsed.text.trim()).toBe(body);
  });
});

/** A UTF-7 encoder for the test input (Node has no utf-7 codec). */
function utf7(s: string): string {
  const direct = /[A-Za-z0-9'(),./:? \-\n]/;
  let out = '';
  let run = '';
  const flush = () => {
    if (!run) return;
    const bytes = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) bytes.writeUInt16BE(run.charCodeAt(i), i * 2);
    out += '+' + bytes.toString('base64').replace(/=+$/, '') + '-';
    run = '';
  };
  for (const ch of s) {
    if (direct.test(ch)) {
      flush();
      out += ch;
    } else run += ch;
  }
  flush();
  return out;
}

describe('parseEmail limits', () => {
  it('keeps an attachment over the cap as metadata only, and small ones with content', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7); // 3 MB, generated here rather than committed
    const small = Buffer.from('hello attachment');
    const raw = Buffer.concat([
      Buffer.from(
        crlf(`From: Customer <c@acme.example>
To: sales@leadline.test
Subject: specs
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8

See the attached spec.
--XX
Content-Type: application/pdf; name="spec.pdf"
Content-Disposition: attachment; filename="spec.pdf"
Content-Transfer-Encoding: base64

`),
      ),
      Buffer.from(big.toString('base64').replace(/(.{76})/g, '$1\r\n')),
      Buffer.from(
        crlf(`
--XX
Content-Type: text/plain; name="note.txt"
Content-Disposition: attachment; filename="note.txt"

${small.toString()}
--XX--
`),
      ),
    ]);
    const parsed = await parseEmail(Readable.from([raw.subarray(0, 1000), raw.subarray(1000)]), { maxBodyChars: 1000, maxAttachmentBytes: 1024 * 1024 });
    expect(parsed.text.trim()).toBe('See the attached spec.');
    const pdf = parsed.attachments.find((a) => a.filename === 'spec.pdf');
    expect(pdf).toMatchObject({ mime: 'application/pdf', size: big.length, kept: false, content: null });
    const note = parsed.attachments.find((a) => a.filename === 'note.txt');
    expect(note?.kept).toBe(true);
    expect(Buffer.from(note!.content!).toString()).toBe(small.toString());
  });

  it('cuts a long body at maxBodyChars with a marker', async () => {
    const raw = crlf(`From: a@b.example\nSubject: long\n\n${'word '.repeat(5000)}\n`);
    const parsed = await parseEmail(Buffer.from(raw), { maxBodyChars: 1000, maxAttachmentBytes: 1000 });
    expect(parsed.truncated).toBe(true);
    expect(parsed.text.length).toBe(1000 + TRUNCATION_MARKER.length);
    expect(parsed.text.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('degrades on broken headers instead of throwing', async () => {
    const parsed = await parseEmail(Buffer.from(crlf('From: <>\nDate: yesterday-ish\nReferences: garbage\nIn-Reply-To:\nSubject:\n\nbody\n')), limits);
    expect(parsed.from).toBeNull();
    expect(parsed.date).toBeNull();
    expect(parsed.references).toEqual([]);
    expect(parsed.inReplyTo).toBeNull();
    expect(parsed.subject).toBe('');
    expect(parsed.text.trim()).toBe('body');
    expect(parsed.warnings).toContain('no usable From address');
  });

  it('reads thread headers, Return-Path <> and X-Failed-Recipients', async () => {
    const raw = crlf(`Return-Path: <>
From: Mailer <MAILER-DAEMON@mx.example>
Message-ID: <ABC@Example.COM>
In-Reply-To: <x1@example.com> (message from Sales)
References: <root@example.com>
 <x1@example.com>
X-Failed-Recipients: gone@example.org, <also-gone@example.org>
Subject: =?koi8-r?B?8NLJ18XU?=

x
`);
    const parsed = await parseEmail(Buffer.from(raw), limits);
    expect(parsed.messageId).toBe('abc@example.com');
    expect(parsed.inReplyTo).toBe('x1@example.com');
    expect(parsed.references).toEqual(['root@example.com', 'x1@example.com']);
    expect(parsed.returnPath).toBe('');
    expect(parsed.headers.xFailedRecipients).toEqual(['gone@example.org', 'also-gone@example.org']);
    expect(parsed.subject).toBe('Привет');
  });

  it('rejects when the source stream fails (an I/O error is not a parse result)', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(parseEmail(failing, limits)).rejects.toThrow('connection reset');
  });
});
