// core/outbound/coalesce.ts: the summary that carries folded notices, in en and ru.
import { describe, expect, it } from 'vitest';
import { foldable, foldedNotice, parseFoldedNotice, summaryOf, type FoldedNotice } from '../../../../core/outbound/coalesce.js';
import { escapedLength } from '../../../../core/text/sanitize.js';

function notice(i: number, o: { name?: string; leadId?: number | null; locale?: 'en' | 'ru'; text?: string; snippet?: string } = {}): FoldedNotice {
  const leadId = o.leadId === null ? undefined : (o.leadId ?? 100 + i);
  return {
    dedupeKey: `notify:tg:1:${i}`,
    text: o.text ?? `New lead #${leadId} from ${o.name ?? `Customer ${i}`} (Telegram):\nMessage ${i}`,
    buttons: leadId ? [[{ label: 'Take', data: `lead:take:${leadId}` }]] : undefined,
    ref: { userId: 7, conversationId: 1000 + i, leadId },
    notice: { name: o.name ?? `Customer ${i}`, leadId, snippet: o.snippet ?? `Message ${i}`, locale: o.locale ?? 'en' },
  };
}

describe('summaryOf', () => {
  it('counts messages and customers, lists each customer with a way to their lead, and shows the latest in full with its buttons and reference', () => {
    const notices = [notice(1), notice(2, { name: 'Ivan', leadId: 50 }), notice(3, { name: 'Ivan', leadId: 50 }), notice(4, { name: 'Anna' })];
    const s = summaryOf(notices);
    const lines = s.text.split('\n');
    expect(lines[0]).toBe('📥 4 new messages from 3 customers:');
    expect(lines).toContain('• Customer 1, lead #101: Message 1');
    expect(lines).toContain('• Ivan, lead #50 (2 messages): Message 3');
    expect(lines).toContain('• Anna, lead #104: Message 4');
    expect(s.text).toContain('In full: /lead N.');
    expect(s.text).toContain('The latest, from Anna. A reply to this message goes to them:\nNew lead #104 from Anna (Telegram):\nMessage 4');
    expect(s.buttons).toEqual([[{ label: 'Take', data: 'lead:take:104' }]]);
    expect(s.ref).toEqual({ userId: 7, conversationId: 1004, leadId: 104 });
  });

  it('for one customer lists each earlier message and shows the latest in full', () => {
    const notices = [1, 2, 3].map((i) => notice(i, { name: 'Ivan', leadId: 9, snippet: `part ${i}`, text: `Ivan (Telegram), lead #9:\npart ${i}` }));
    const s = summaryOf(notices);
    expect(s.text).toBe(
      '📥 3 new messages from Ivan:\n• part 1\n• part 2\n\nThe latest, from Ivan. A reply to this message goes to them:\nIvan (Telegram), lead #9:\npart 3',
    );
  });

  it('speaks Russian with the right plural forms', () => {
    const ru = (n: number, customers: number) =>
      summaryOf(Array.from({ length: n }, (_, i) => notice(i, { locale: 'ru', name: `Клиент ${i % customers}`, leadId: 200 + (i % customers) }))).text.split(
        '\n',
      )[0];
    expect(ru(2, 2)).toBe('📥 2 новых сообщения от 2 клиентов:');
    expect(ru(5, 3)).toBe('📥 5 новых сообщений от 3 клиентов:');
    expect(ru(21, 21)).toBe('📥 21 новое сообщение от 21 клиента:');
    expect(ru(22, 22)).toBe('📥 22 новых сообщения от 22 клиентов:');
    expect(ru(3, 1)).toBe('📥 3 новых сообщения, клиент Клиент 0:');
    const lines = summaryOf([
      notice(1, { locale: 'ru', name: 'Иван', leadId: 5 }),
      notice(2, { locale: 'ru', name: 'Иван', leadId: 5 }),
      notice(3, { locale: 'ru' }),
    ]).text.split('\n');
    expect(lines).toContain('• Иван, лид #5 (2 сообщения): Message 2');
    expect(lines).toContain('Полностью: /lead N.');
  });

  it('names a customer without a lead by name, and gives no buttons when the latest has none and no lead', () => {
    const s = summaryOf([notice(1), notice(2, { name: 'Deal customer', leadId: null, text: 'Deal customer (Telegram):\nhi' })]);
    expect(s.text).toContain('• Deal customer: Message 2');
    expect(s.buttons).toBeUndefined();
  });

  it('stays within one Telegram message with 41 notices and long texts, still naming every lead', () => {
    const long = 'x'.repeat(6000);
    const notices = Array.from({ length: 41 }, (_, i) =>
      notice(i, { name: `A customer with a rather long name number ${i}`, snippet: 'y'.repeat(80), text: i === 40 ? long : 'short' }),
    );
    const s = summaryOf(notices);
    expect(escapedLength(s.text)).toBeLessThanOrEqual(4096);
    for (let i = 0; i < 41; i++) expect(s.text).toContain(`/lead ${100 + i}`);
    // the latest's text is cut with the way to read it whole
    expect(s.text).toMatch(/more characters\. Full text: \/lead 140\]$/);
  });
});

describe('folded notices as registered', () => {
  it('round-trip through JSON, and anything else reads as null', () => {
    const item = {
      workspaceId: 1,
      identityId: 2,
      text: 'hello',
      dedupeKey: 'notify:x',
      ref: { leadId: 3 },
      notice: { name: 'Ivan', leadId: 3, snippet: 'hello', locale: 'en' as const },
    };
    expect(foldable(item)).toBe(true);
    expect(foldable({ ...item, dedupeKey: undefined })).toBe(false);
    expect(foldable({ ...item, notice: undefined })).toBe(false);
    const n = foldedNotice(item);
    expect(parseFoldedNotice(JSON.stringify(n))).toEqual(n);
    expect(parseFoldedNotice('not json')).toBeNull();
    expect(parseFoldedNotice(JSON.stringify({ dedupeKey: 'k', text: 'x' }))).toBeNull();
  });
});
