import { describe, expect, it } from 'vitest';
import { cleanDeep, cleanLine, cleanText, escapedLength, fitEscaped, MAX_STORED_TEXT, neutralizeBidi, splitEscaped } from '../../../core/text/sanitize.js';
import { parseInboundMessage, sanitizeInbound } from '../../../core/chat/inbound.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('clean input', () => {
  it('removes NUL and other control characters but keeps tabs and line breaks', () => {
    expect(cleanText('a\u0000b\u0007c\td\ne\r\nf\u007f')).toBe('abc\td\ne\nf');
  });

  it('replaces lone surrogates and keeps real pairs', () => {
    expect(cleanText('x\uD800y')).toBe('x\uFFFDy');
    expect(cleanText('x\uDC00y')).toBe('x\uFFFDy');
    expect(cleanText('ok 😀 \uD83D')).toBe('ok 😀 \uFFFD');
    // what JSON.stringify gives for the result parses as JSON Postgres accepts: no lone escapes
    expect(JSON.stringify(cleanText('\uD83D')).includes('\\ud83d')).toBe(false);
  });

  it('bounds very long texts with a marker saying how much was cut', () => {
    const long = 'x'.repeat(MAX_STORED_TEXT + 5000);
    const kept = cleanText(long);
    expect(kept.length).toBeLessThan(MAX_STORED_TEXT + 100);
    expect(kept).toMatch(/\[… 5000 characters cut\]$/);
  });

  it('makes names one bidi-free line', () => {
    expect(cleanLine('  Ivan\u202Egnp.exe\u202C \n Petrov\u200F ')).toBe('Ivangnp.exe Petrov');
    expect(cleanLine('a'.repeat(400)).length).toBe(300);
    expect(neutralizeBidi('Pay \u202Eroted\u202C now')).toBe('Pay roted now');
  });

  it('cleans every string of a payload, keys too', () => {
    expect(cleanDeep({ 'k\u0000': ['a\u0000', { b: 'c\uD800' }], n: 5, f: false })).toEqual({ k: ['a', { b: 'c\uFFFD' }], n: 5, f: false });
  });
});

describe('inbound messages at the boundary', () => {
  const base = {
    channel: 'telegram',
    externalUserId: '1',
    externalChatId: '1',
    text: 'hi\u0000 there',
    dedupeKey: 'k1',
    receivedAt: '2026-03-10T09:00:00.000Z',
    displayName: '\u202EAdmin\u202C Bank',
    messageExternalId: 'm1',
    attachments: [{ kind: 'document', name: 'inv\u202Efdp.exe' }],
    email: { from: 'a@b.c', subject: 'Re:\u0000 price\nlist' },
  };
  const now = new Date('2026-03-10T10:00:00Z');

  it('cleans texts, names, subjects and file names before validation', () => {
    const m = parseInboundMessage(base, now);
    expect(m.text).toBe('hi there');
    expect(m.displayName).toBe('Admin Bank');
    expect(m.attachments[0]!.name).toBe('invfdp.exe');
    expect(m.email!.subject).toBe('Re: price list');
  });

  it("makes what a message says about its sender one line each, cut to the schema's bounds instead of refused", () => {
    const m = parseInboundMessage({ ...base, sender: { name: 'Ann\u202E\nLee', company: 'A'.repeat(500), phone: '+1 415\u0000 555 0100' } }, now);
    expect(m.sender!.name).toBe('Ann Lee');
    expect(m.sender!.company).toHaveLength(200);
    expect(m.sender!.phone).toBe('+1 415 555 0100');
  });

  it('takes an impossible or future receive time as now, and keeps a plausible one', () => {
    expect(sanitizeInbound({ ...base, receivedAt: '0000-01-01T00:00:00.000Z' }, now).receivedAt).toBe(now.toISOString());
    expect(sanitizeInbound({ ...base, receivedAt: '2099-01-01T00:00:00.000Z' }, now).receivedAt).toBe(now.toISOString());
    expect(sanitizeInbound({ ...base, receivedAt: 'yesterday' }, now).receivedAt).toBe(now.toISOString());
    expect(sanitizeInbound(base, now).receivedAt).toBe(base.receivedAt);
  });

  it('is idempotent', () => {
    const once = sanitizeInbound(base, now);
    expect(sanitizeInbound(once, now)).toEqual(once);
  });
});

describe('cutting after escaping', () => {
  it('counts the escaped length', () => {
    expect(escapedLength('a&<>')).toBe(escape('a&<>').length);
  });

  it('splits so that every escaped chunk fits, for texts made of & < > too, losing nothing but separators', () => {
    for (const text of ['&'.repeat(10_000), '<b>'.repeat(3000), Array.from({ length: 500 }, (_, i) => `line ${i} & <${i}>`).join('\n')]) {
      const chunks = splitEscaped(text, 3000);
      for (const c of chunks) expect(escape(c).length).toBeLessThanOrEqual(3000);
      expect(chunks.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('fits a preview to a budget of escaped characters and says how much is left', () => {
    const fit = fitEscaped('&'.repeat(2000), 5000);
    expect(escape(fit.text).length).toBeLessThanOrEqual(5000);
    expect(fit.rest).toBe(2000 - fit.text.length);
    expect(fitEscaped('short', 5000)).toEqual({ text: 'short', rest: 0 });
  });
});
