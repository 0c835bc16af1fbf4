import { describe, expect, it } from 'vitest';
import { contactTagsWhere, normalizeTag, parseTagCell, parseTags, MAX_TAG_LENGTH } from '../../../core/contacts/tags.js';
import { mergeFields } from '../../../core/contacts/custom-fields.js';
import { groupByCurrency } from '../../../core/value/top-customers.js';

describe('tags', () => {
  it('normalizes: lower case, no #, spaces to dashes, ё to е, within the button byte budget', () => {
    expect(normalizeTag('  #VIP Client ')).toBe('vip-client');
    expect(normalizeTag('Ёлки_Палки')).toBe('елки-палки');
    expect(normalizeTag('###')).toBeNull();
    expect(normalizeTag('a/b\\c:d')).toBe('abcd');
    const long = normalizeTag('очень-длинный-тег-для-проверки-обрезки')!;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_TAG_LENGTH);
    expect(`tag:rm:999999999:${long}`.length).toBeLessThan(64);
    expect(Buffer.byteLength(`ctag:rm:999999999:${long}`)).toBeLessThanOrEqual(64);
  });
  it('parses chat words and spreadsheet cells', () => {
    expect(parseTags('vip, wholesale #Moscow vip')).toEqual(['vip', 'wholesale', 'moscow']);
    expect(parseTagCell('VIP, Fair 2026; web\nvip')).toEqual(['vip', 'fair-2026', 'web']);
  });
  it('the search filter wants every tag given, normalized; none given filters nothing', () => {
    expect(contactTagsWhere(['VIP', '#vip', 'Opt'])).toEqual({ tags: { hasEvery: ['vip', 'opt'] } });
    expect(contactTagsWhere([])).toEqual({});
  });
});

describe('custom fields', () => {
  it('set, update case-insensitively keeping the first spelling, clear', () => {
    const a = mergeFields({}, [{ key: ' INN ', value: ' 7701 ' }]);
    expect(a).toEqual({ INN: '7701' });
    expect(mergeFields(a, [{ key: 'inn', value: '7702' }])).toEqual({ INN: '7702' });
    expect(mergeFields(a, [{ key: 'Inn', value: null }])).toEqual({});
    expect(mergeFields(a, [{ key: 'inn', value: '   ' }])).toEqual({});
  });
});

describe('top customers', () => {
  it('groups ranked rows per currency, currencies in code order, order kept', () => {
    const row = (id: number, currency: string, total: string) => ({ id, name: `c${id}`, currency, n: 1, total });
    expect(groupByCurrency([row(1, 'USD', '9'), row(2, 'EUR', '8'), row(3, 'USD', '5')])).toEqual([
      { currency: 'EUR', rows: [row(2, 'EUR', '8')] },
      { currency: 'USD', rows: [row(1, 'USD', '9'), row(3, 'USD', '5')] },
    ]);
  });
});
