import { describe, it, expect } from 'vitest';
import { normalizeEmail } from '../../../core/contacts/normalize-email.js';
import { normalizePhone } from '../../../core/contacts/normalize-phone.js';

describe('normalizeEmail', () => {
  it('trims, lower-cases and unwraps', () => {
    expect(normalizeEmail('  Ivan.Petrov@Example.COM ')).toBe('ivan.petrov@example.com');
    expect(normalizeEmail('Ivan Petrov <IVAN@x.ru>')).toBe('ivan@x.ru');
    expect(normalizeEmail('mailto:a+tag@b.co')).toBe('a+tag@b.co');
    expect(normalizeEmail('Иван@Почта.РФ')).toBe('иван@почта.рф');
  });
  it('rejects what is not an address', () => {
    for (const bad of ['', 'ivan', 'ivan@', '@x.ru', 'a@b', 'a@@b.ru', 'a..b@x.ru', 'a b@x.ru', 'a@-x.ru', 'a@x.r', null, undefined]) {
      expect(normalizeEmail(bad as string)).toBeNull();
    }
  });
});

describe('normalizePhone', () => {
  it('reads local numbers in the workspace region and returns E.164', () => {
    expect(normalizePhone('8 (916) 123-45-67', 'RU')).toBe('+79161234567');
    expect(normalizePhone('+7 916 123 45 67', 'US')).toBe('+79161234567');
    expect(normalizePhone('(212) 555-0100', 'US')).toBe('+12125550100');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone(79161234567, 'RU')).toBe('+79161234567');
  });
  it('rejects junk, short codes and dates', () => {
    for (const bad of ['', 'call me', '123', '2024-01-01', '+7 916 12', null]) expect(normalizePhone(bad as string, 'RU')).toBeNull();
  });
});
