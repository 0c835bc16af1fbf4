import { describe, it, expect } from 'vitest';
import { mapHeaders, normalizeHeader } from '../../../core/contacts/import/header-map.js';
import { parseRow } from '../../../core/contacts/import/parse-row.js';

const fields = (headers: string[]) => mapHeaders(headers).columns.map((c) => c.field);

describe('mapHeaders', () => {
  it('recognises English variants case-insensitively', () => {
    expect(fields(['Full Name', 'E-mail', 'Mobile', 'Organization', 'Job Title', 'Comment', 'Favourite colour'])).toEqual([
      'name',
      'email',
      'phone',
      'company',
      'position',
      'notes',
      null,
    ]);
    expect(fields(['FIRST NAME', 'last_name', 'Email Address', 'Phone 2', 'company name'])).toEqual(['firstName', 'lastName', 'email', 'phone', 'company']);
  });
  it('recognises Russian variants', () => {
    expect(fields(['ФИО', 'Электронная почта', 'Моб.', 'Организация', 'Должность', 'Комментарий'])).toEqual([
      'name',
      'email',
      'phone',
      'company',
      'position',
      'notes',
    ]);
    expect(fields(['Имя', 'Фамилия', 'Отчество', 'Почта', 'Телефон', 'Компания'])).toEqual([
      'firstName',
      'lastName',
      'middleName',
      'email',
      'phone',
      'company',
    ]);
  });
  it('reads "Имя" as the whole name when there is no surname column', () => {
    expect(fields(['Имя', 'Телефон'])).toEqual(['name', 'phone']);
  });
  it('keeps several phone and email columns, but only the first of single fields', () => {
    expect(fields(['Name', 'Phone', 'Mobile', 'Email', 'Name'])).toEqual(['name', 'phone', 'phone', 'email', null]);
  });
  it('does not take a Telegram column for a phone', () => {
    expect(fields(['Name', 'Telegram', 'Телеграм'])).toEqual(['name', null, null]);
  });
  it('reports ignored columns and whether anything identifies a person', () => {
    const map = mapHeaders(['Company', 'Colour']);
    expect(map.identifying).toBe(false);
    expect(map.ignored).toEqual(['Colour']);
    expect(mapHeaders(['\uFEFFEmail']).identifying).toBe(true);
  });
  it('normalises punctuation, ё and spacing', () => {
    expect(normalizeHeader(' Эл. Почта ')).toBe('элпочта');
    expect(normalizeHeader('Ещё')).toBe('еще');
  });
});

describe('parseRow', () => {
  const map = mapHeaders(['First name', 'Last name', 'Email', 'Phone', 'Company']);
  it('composes the name, normalises and splits emails and phones', () => {
    const out = parseRow(map, ['Ivan', 'Petrov', 'IVAN@x.ru; ivan2@x.ru', '8 916 123 45 67, +7 916 000 00 01', ' Acme  Ltd '], 7, 'RU');
    expect(out).toEqual({
      kind: 'row',
      row: {
        line: 7,
        name: 'Ivan Petrov',
        emails: ['ivan@x.ru', 'ivan2@x.ru'],
        phones: ['+79161234567', '+79160000001'],
        company: 'Acme Ltd',
        position: null,
        notes: null,
        tags: [],
        fields: {},
        warnings: [],
      },
    });
  });
  it('unknown columns: custom fields by header, tags from their cells, or dropped; a tags column always gives tags', () => {
    const wide = mapHeaders(['Name', 'Tags', 'Segment', 'Source', 'Name']);
    expect(wide.columns.map((c) => c.field)).toEqual(['name', 'tags', null, null, null]);
    const cells = ['Ann', 'VIP; #Wholesale', 'Retail', 'Fair 2026', 'Ann again'];
    const row = (mode: 'fields' | 'tags' | 'drop') => {
      const out = parseRow(wide, cells, 2, 'RU', mode);
      if (out.kind !== 'row') throw new Error(out.kind);
      return { tags: out.row.tags, fields: out.row.fields };
    };
    // the second Name column is a duplicate of a single-valued field: dropped in every mode
    expect(row('fields')).toEqual({ tags: ['vip', 'wholesale'], fields: { Segment: 'Retail', Source: 'Fair 2026' } });
    expect(row('tags')).toEqual({ tags: ['vip', 'wholesale', 'retail', 'fair-2026'], fields: {} });
    expect(row('drop')).toEqual({ tags: ['vip', 'wholesale'], fields: {} });
  });
  it('drops a bad email with a warning and keeps the row', () => {
    const out = parseRow(map, ['Ivan', '', 'ivan@', '', ''], 3, 'RU');
    expect(out.kind).toBe('row');
    if (out.kind === 'row') expect(out.row.warnings).toEqual([{ code: 'bad_email', value: 'ivan@' }]);
  });
  it('skips a row with nothing identifying left, and ignores blank rows', () => {
    expect(parseRow(map, ['', '', 'nope', '12', 'Acme'], 4, 'RU')).toEqual({ kind: 'skip', code: 'nothing_identifying', invalid: ['nope', '12'] });
    expect(parseRow(map, ['', ' ', '', '', ''], 5, 'RU')).toEqual({ kind: 'empty' });
  });
});
