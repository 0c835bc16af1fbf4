// Unlabelled 8-bit text (no charset, or us-ascii/utf-8/unknown-8bit over other bytes): decoded
// by sniffing, in the body and in headers, for Russian and Western European code pages; a legacy
// label over bytes that are really UTF-8 is read as UTF-8.
import { describe, expect, it } from 'vitest';
import { detectCharset, isUnsettledCharset } from '../../../connectors/email/charset.js';
import { parseEmail } from '../../../connectors/email/parse-email.js';

const limits = { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 };

/** Bytes of a text in a single-byte code page, through the platform's own table (TextDecoder's inverse). */
function encode(text: string, charset: string): Buffer {
  const decoder = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from([...text].map((ch) => table.get(ch) ?? 0x3f));
}

const SAMPLES: Array<[string, string[]]> = [
  ['Иван Петров <ivan@romashka.ru>', ['koi8-r', 'windows-1251']],
  ['ООО Ромашка', ['koi8-r', 'windows-1251']],
  ['Привет', ['koi8-r', 'windows-1251']],
  ['Добрый день! Интересует внедрение CRM для отдела продаж, пришлите коммерческое предложение.', ['koi8-r', 'windows-1251']],
  ['С уважением, Ольга', ['koi8-r', 'windows-1251']],
  ['Jürgen Müller <j@cafe-mueller.de>', ['windows-1252']],
  ['Réponse automatique : absent du bureau', ['windows-1252']],
  ['Señor Muñoz, ¿qué tal?', ['windows-1252']],
  ['Łódź, Zażółć gęślą jaźń', ['iso-8859-2']],
];

describe('charset sniffing', () => {
  for (const [text, charsets] of SAMPLES) {
    for (const charset of charsets) {
      it(`reads "${text.slice(0, 24)}" in ${charset}`, () => {
        const bytes = encode(text, charset);
        expect(new TextDecoder(detectCharset(bytes)).decode(bytes)).toBe(text);
      });
    }
  }

  it('keeps UTF-8 and ASCII as they are, and knows which labels settle nothing', () => {
    expect(detectCharset(Buffer.from('Добрый день', 'utf8'))).toBe('utf-8');
    expect(detectCharset(Buffer.from('hello', 'ascii'))).toBe('utf-8');
    for (const label of [undefined, '', 'us-ascii', 'US-ASCII', 'utf-8', 'unknown-8bit', 'x-unknown'])
      expect(isUnsettledCharset(label), String(label)).toBe(true);
    for (const label of ['koi8-r', 'windows-1251', 'iso-8859-1']) expect(isUnsettledCharset(label), label).toBe(false);
  });

  for (const charset of ['koi8-r', 'windows-1251']) {
    it(`decodes a ${charset} message without any charset: body, subject and sender name`, async () => {
      const head = [
        'From: Иван Петров <ivan@romashka.ru>',
        'To: sales@leadline.test',
        'Subject: Коммерческое предложение',
        'MIME-Version: 1.0',
        'Content-Type: text/plain',
        'Content-Transfer-Encoding: 8bit',
      ];
      const raw = encode([...head, '', 'Добрый день!', 'Интересует внедрение CRM для отдела продаж.', ''].join('\n'), charset);
      const parsed = await parseEmail(raw, limits);
      expect(parsed.subject).toBe('Коммерческое предложение');
      expect(parsed.from).toEqual({ name: 'Иван Петров', address: 'ivan@romashka.ru' });
      expect(parsed.text.trim()).toBe('Добрый день!\nИнтересует внедрение CRM для отдела продаж.');
    });
  }

  it('decodes 8-bit bytes labelled us-ascii or utf-8 that are not, and leaves real UTF-8 alone', async () => {
    for (const label of ['us-ascii', 'utf-8']) {
      const raw = Buffer.concat([
        Buffer.from(`From: a@b.ru\nSubject: x\nContent-Type: text/plain; charset=${label}\nContent-Transfer-Encoding: 8bit\n\n`),
        encode('Здравствуйте, сколько стоит подключение?\n', 'windows-1251'),
      ]);
      expect((await parseEmail(raw, limits)).text.trim(), label).toBe('Здравствуйте, сколько стоит подключение?');
    }
    const utf8 = Buffer.from('From: a@b.ru\nSubject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nJürgen, 你好, Иван\n');
    expect((await parseEmail(utf8, limits)).text.trim()).toBe('Jürgen, 你好, Иван');
  });

  it('reads a legacy label over UTF-8 bytes as UTF-8, and believes the label over its own bytes', async () => {
    const relabelled = Buffer.from(
      'From: a@b.ru\nSubject: x\nContent-Type: text/plain; charset=windows-1251\nContent-Transfer-Encoding: 8bit\n\nДобрый день, Иван\n',
    );
    expect((await parseEmail(relabelled, limits)).text.trim()).toBe('Добрый день, Иван');
    for (const charset of ['windows-1251', 'koi8-r']) {
      const raw = Buffer.concat([
        Buffer.from(`From: a@b.ru\nSubject: x\nContent-Type: text/plain; charset=${charset}\nContent-Transfer-Encoding: 8bit\n\n`),
        encode('Добрый день, Иван\n', charset),
      ]);
      expect((await parseEmail(raw, limits)).text.trim(), charset).toBe('Добрый день, Иван');
    }
  });
});
