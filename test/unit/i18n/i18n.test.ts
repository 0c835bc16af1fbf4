import { describe, it, expect } from 'vitest';
import { en, ru } from '../../../core/i18n/catalogs.js';
import { t, resolveLocale, formatMoney, formatDateTime } from '../../../core/i18n/index.js';

const placeholders = (m: unknown): string[] => [...new Set(JSON.stringify(m).match(/\{\w+\}/g) ?? [])].filter((p) => p !== '{count}').sort();

describe('catalogs', () => {
  it('ru has exactly the keys of en', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it('every ru entry uses the same placeholders as its en twin', () => {
    const mismatched = Object.keys(en).filter((k) => placeholders(en[k as keyof typeof en]).join() !== placeholders(ru[k as keyof typeof en]).join());
    expect(mismatched).toEqual([]);
  });

  it('no entry is empty, and ru plurals give one/few/many forms', () => {
    for (const [k, v] of Object.entries(ru)) {
      if (typeof v === 'string') expect(v.trim(), k).not.toBe('');
      else {
        expect(v.one && v.few && v.many && v.other, `${k} needs one/few/many/other`).toBeTruthy();
      }
    }
  });
});

describe('t', () => {
  it('chooses Russian plural forms', () => {
    expect(t('ru', 'count.leads', { count: 1 })).toBe('1 лид');
    expect(t('ru', 'count.leads', { count: 3 })).toBe('3 лида');
    expect(t('ru', 'count.leads', { count: 5 })).toBe('5 лидов');
    expect(t('ru', 'count.leads', { count: 21 })).toBe('21 лид');
    expect(t('ru', 'count.leads', { count: 112 })).toBe('112 лидов');
    expect(t('en', 'count.leads', { count: 1 })).toBe('1 lead');
    expect(t('en', 'count.leads', { count: 2 })).toBe('2 leads');
  });

  it('interpolates parameters', () => {
    expect(t('en', 'invalid.timezone', { value: 'Mars/X' })).toContain('"Mars/X"');
  });

  it('resolves a locale from user setting, then platform code, then en', () => {
    expect(resolveLocale(null, 'ru-RU')).toBe('ru');
    expect(resolveLocale('en', 'ru')).toBe('en');
    expect(resolveLocale(undefined, 'de')).toBe('en');
  });

  it('formats money per locale', () => {
    expect(formatMoney('en', '120000', 'USD')).toBe('$120,000.00');
    expect(formatMoney('ru', '50000', 'RUB').replace(/\s/g, ' ')).toBe('50 000,00 ₽');
  });
});

describe('formatDateTime (cached formatters)', () => {
  it('gives what a fresh formatter gives, per locale and zone, and still refuses an unknown zone', () => {
    const at = new Date('2026-03-10T12:00:00Z');
    const fresh = (locale: string, timeZone: string) =>
      new Intl.DateTimeFormat(locale, {
        timeZone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(at);
    for (const [locale, zone] of [
      ['en', 'Europe/Moscow'],
      ['ru', 'Europe/Moscow'],
      ['en', 'America/New_York'],
      ['en', 'Europe/Moscow'],
    ] as const) {
      expect(formatDateTime(locale, at, zone)).toBe(fresh(locale, zone));
    }
    expect(formatDateTime('en', at, 'Europe/Moscow')).toBe('Tue, Mar 10, 15:00');
    expect(() => formatDateTime('en', at, 'Not/AZone')).toThrow(RangeError);
    expect(() => formatDateTime('en', at, 'Not/AZone')).toThrow(RangeError);
  });
});

describe('Russian without declension (issue 20)', () => {
  // Russian puts a name after a preposition or a governing word in another case ("от Марии",
  // "клиенту Ивану"); Leadline cannot decline arbitrary names, so a catalog puts a person where
  // the nominative is right: first, after a colon or a dash, in parentheses, or after "как",
  // "был", "теперь", "клиент" ("Вы привязаны как Мария", "был Иван, теперь Мария").
  const PERSON = /(\p{Script=Cyrillic}+)[ \u00a0]+\{(name|contact|assignee|from|to|who|owner|manager|author|customer)\}/gu;
  const NOMINATIVE_AFTER = new Set(['как', 'был', 'была', 'теперь', 'клиент']);
  const texts = (m: unknown): string[] => (typeof m === 'string' ? [m] : Object.values(m as Record<string, string>));

  it('no person placeholder follows a word that would need its case', () => {
    const found: string[] = [];
    for (const [key, message] of Object.entries(ru)) {
      for (const text of texts(message)) {
        for (const m of text.matchAll(PERSON)) if (!NOMINATIVE_AFTER.has(m[1]!.toLowerCase())) found.push(`${key}: …${m[0]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('reads with real names and dates', () => {
    const due = formatDateTime('ru', new Date('2026-11-30T06:00:00Z'), 'Europe/Moscow');
    expect(t('ru', 'chat.task.created_recurring', { id: 5, title: 'планёрка', due })).toBe(`Повторяющееся напоминание #5: планёрка — первое: ${due}.`);
    expect(t('ru', 'chat.inbound.forwarded', { name: 'Мария' })).toBe('↪️ переслано, автор: Мария');
    expect(t('ru', 'chat.relay.sent', { name: 'Мария', text: 'Добрый день' })).toBe('Отправлено клиенту (Мария):\nДобрый день');
  });
});
