import { describe, it, expect } from 'vitest';
import { parseAmount, normalizeCurrency, defaultCurrency } from '../../../core/deals/money.js';
import { matchStage } from '../../../core/deals/stage-match.js';
import { DEFAULT_STAGES } from '../../../core/workspaces/default-pipeline.js';
import { errorKey } from '../../support/domain-error.js';

describe('currency', () => {
  it('accepts ISO 4217 codes in any case and upper-cases them', () => {
    expect(normalizeCurrency('rub')).toBe('RUB');
    expect(normalizeCurrency(' usd ')).toBe('USD');
    expect(normalizeCurrency('EUR')).toBe('EUR');
  });
  it.each(['XYZ', 'US', 'dollars', '', 'RUBX'])('refuses %j', (code) => {
    expect(errorKey(() => normalizeCurrency(code))).toBe('invalid.currency');
  });
  it('defaults to RUB for ru workspaces, USD otherwise', () => {
    expect(defaultCurrency('ru')).toBe('RUB');
    expect(defaultCurrency('en')).toBe('USD');
  });
});

describe('parseAmount', () => {
  it.each([
    ['120000.50', '120000.50'],
    ['120 000,50', '120000.50'],
    ['1,500', '1500.00'],
    ['0.1', '0.10'],
    ['1.500', '1.50'],
    ['9999999999999999.99', '9999999999999999.99'],
  ])('reads %j exactly', (input, expected) => {
    expect(parseAmount(input).toFixed(2)).toBe(expected);
  });
  it('reads numbers without float noise', () => {
    expect(parseAmount(120000.5).toFixed(2)).toBe('120000.50');
    expect(parseAmount(0.3).toFixed(2)).toBe('0.30');
  });
  it('refuses bad amounts with the reason', () => {
    expect(errorKey(() => parseAmount('1.005'))).toBe('invalid.amount_precision');
    expect(errorKey(() => parseAmount('-5'))).toBe('invalid.amount_negative');
    expect(errorKey(() => parseAmount('abc'))).toBe('invalid.amount');
    expect(errorKey(() => parseAmount(Number.NaN))).toBe('invalid.amount');
    expect(errorKey(() => parseAmount('12345678901234567'))).toBe('invalid.amount_too_large');
  });
});

describe('matchStage', () => {
  const stages = DEFAULT_STAGES.map((s) => ({ name: s.name }));
  it.each([
    ['negotiation', 'Negotiation'],
    ['NEGOTIATION', 'Negotiation'],
    ['Переговоры', 'Negotiation'],
    ['переговоры', 'Negotiation'],
    ['nego', 'Negotiation'],
    ['пред', 'Proposal'],
    ['квал', 'Qualified'],
    ['won', 'Won'],
    ['Проиграна', 'Lost'],
  ])('%j -> %s', (query, name) => {
    expect(matchStage(stages, query).name).toBe(name);
  });
  it('refuses ambiguous prefixes and unknown names', () => {
    expect(errorKey(() => matchStage(stages, 'n'))).toBe('invalid.stage_ambiguous');
    expect(errorKey(() => matchStage(stages, 'closed'))).toBe('error.not_found');
  });
});
