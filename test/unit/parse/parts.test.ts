// The parser's building blocks: money, Russian name forms, clarify labels and completion,
// and the time-zone arithmetic (DST gap, offsets).
import { describe, expect, it } from 'vitest';
import { extractMoney, normalizeNumber, shiftDecimal } from '../../../core/parse/money.js';
import { dealNameCandidates } from '../../../core/parse/name-candidates.js';
import { RuleParser, type IntentParser } from '../../../core/parse/parser.js';
import { resolveClarify } from '../../../core/parse/task-phrases.js';
import { formatIsoInZone, wallToInstant } from '../../../core/time/wall.js';
import { normalizeStage } from '../../../core/parse/stages.js';

describe('money', () => {
  it.each([
    ['50 000 руб', '50000', 'RUB'],
    ['$5k', '5000', 'USD'],
    ['1.5m EUR', '1500000', 'EUR'],
    ['2,5 млн ₽', '2500000', 'RUB'],
    ['120 тыс. рублей', '120000', 'RUB'],
    ['1,500.50 USD', '1500.5', 'USD'],
    ['1.500.000 р.', '1500000', 'RUB'],
    ['300 евро', '300', 'EUR'],
    ['0.75k', '750', null],
    ['5000 AED', '5000', 'AED'],
    ['1.500 EUR', '1500', 'EUR'],
    ['1 500', '1500', null],
    ['1,5 млн', '1500000', null],
    ['120k', '120000', null],
    ['50 тыс. руб', '50000', 'RUB'],
    ['1 1700000 RUB', '1700000', 'RUB'],
    ['1 700 000 руб.', '1700000', 'RUB'],
  ])('%s -> %s %s', (text, amount, currency) => {
    expect(extractMoney(text)).toMatchObject({ amount, currency });
  });

  it('leaves lower-case three-letter words alone and rejects broken numbers', () => {
    expect(extractMoney('5000 all')?.currency).toBeNull();
    expect(normalizeNumber('1,50,0', false)).toBeNull();
    expect(shiftDecimal('2.345', 2)).toBe('234.5');
    expect(extractMoney('no digits here')).toBeNull();
  });
});

describe('deal phrases (issue 20.1)', () => {
  const now = new Date('2026-03-10T09:00:00Z');
  it.each([
    ['deal 1 1700000 RUB', { intent: 'create_deal', title: '', amount: '1700000', currency: 'RUB', leadId: 1 }],
    ['/deal #12 1 500 000 руб', { intent: 'create_deal', title: '', amount: '1500000', currency: 'RUB', leadId: 12 }],
    ['deal Acme 1.500 EUR', { intent: 'create_deal', title: 'Acme', amount: '1500', currency: 'EUR' }],
    ['сделка Ромашка 1,5 млн', { intent: 'create_deal', title: 'Ромашка', amount: '1500000', currency: 'RUB' }],
    ['сделка Вектор 50 тыс. руб', { intent: 'create_deal', title: 'Вектор', amount: '50000', currency: 'RUB' }],
    ['/amount 5 1700000 RUB', { intent: 'set_deal_amount', deal: '5', amount: '1700000', currency: 'RUB' }],
    ['deal 5 amount 120000 RUB', { intent: 'set_deal_amount', deal: '5', amount: '120000', currency: 'RUB' }],
    ['set the amount of Acme Corp to $5k', { intent: 'set_deal_amount', deal: 'Acme Corp', amount: '5000', currency: 'USD' }],
    ['сделка Ромашка сумма 120 000', { intent: 'set_deal_amount', deal: 'Ромашка', amount: '120000', currency: null }],
    ['измени сумму сделки Ромашка на 1,2 млн руб', { intent: 'set_deal_amount', deal: 'Ромашка', amount: '1200000', currency: 'RUB' }],
    ['/сумма #7 300 тыс.', { intent: 'set_deal_amount', deal: '7', amount: '300000', currency: null }],
  ])('%s', async (text, expected) => {
    const locale = /[а-я]/iu.test(text) ? 'ru' : 'en';
    expect(await new RuleParser().parse(text, { now, timezone: 'Europe/Moscow', locale })).toEqual(expected);
  });
});

describe('dealNameCandidates', () => {
  it('adds dictionary forms for inflected Russian names, keeps the written form first', () => {
    expect(dealNameCandidates('Ромашку').slice(0, 2)).toEqual(['Ромашку', 'Ромашка']);
    expect(dealNameCandidates('«Вектором»')).toContain('Вектор');
    expect(dealNameCandidates('Зелёную Рощу')).toContain('Зелёная Роща');
    expect(dealNameCandidates('Ивану')).toContain('Иван');
    expect(dealNameCandidates('Acme')).toEqual(['Acme']);
  });
});

describe('stages', () => {
  it.each([
    ['переговоры', 'Negotiation'],
    ['КП', 'Proposal'],
    ['the proposal stage', 'Proposal'],
    ['квалификацию', 'Qualified'],
    ['Won', 'Won'],
    ['lunch', null],
  ])('%s -> %s', (word, stage) => expect(normalizeStage(word)).toBe(stage));
});

describe('clarify', () => {
  const parser: IntentParser = new RuleParser();
  const now = new Date('2026-03-10T09:00:00Z'); // 12:00 in Moscow

  it('asks in the user language with labelled options', async () => {
    const ru = await parser.parse('напомни позвонить Ивану', { now, timezone: 'Europe/Moscow', locale: 'ru' });
    expect(ru).toMatchObject({ intent: 'clarify', question: 'Когда напомнить?' });
    expect(ru.intent === 'clarify' && ru.options.map((o) => o.label)).toEqual(['сегодня 18:00', 'завтра 09:00']);
    const en = await parser.parse('at 5 call Ivan', { now, timezone: 'Europe/Moscow', locale: 'en' });
    expect(en.intent === 'clarify' && en.options.map((o) => o.label)).toEqual(['today 17:00', 'tomorrow 05:00']);
  });

  it('completes a chosen option into a task, recurring rules get the chosen hour', async () => {
    const once = await parser.parse('remind me to call Ivan', { now, timezone: 'Europe/Moscow', locale: 'en' });
    if (once.intent !== 'clarify') throw new Error('expected clarify');
    expect(resolveClarify(once, once.options[1]!.value)).toEqual({
      intent: 'create_task',
      title: 'call Ivan',
      dueAt: '2026-03-11T09:00:00+03:00',
      recurrence: null,
      confidence: 1,
    });
    const weekly = await parser.parse('каждый вторник в 4 созвон', { now, timezone: 'Europe/Moscow', locale: 'ru' });
    if (weekly.intent !== 'clarify') throw new Error('expected clarify');
    expect(resolveClarify(weekly, weekly.options[0]!.value)).toMatchObject({
      dueAt: '2026-03-10T16:00:00+03:00',
      recurrence: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=16;BYMINUTE=0',
    });
    expect(() => resolveClarify(weekly, 'soon')).toThrow(/not a valid date/);
  });

  it('a currency for amounts without one can be given', async () => {
    const deal = await parser.parse('new deal Hooli 10000', { now, timezone: 'UTC', locale: 'en', currency: 'EUR' });
    expect(deal).toEqual({ intent: 'create_deal', title: 'Hooli', amount: '10000', currency: 'EUR' });
  });
});

describe('zoned time', () => {
  it('moves a time inside the spring-forward gap forward and keeps the offset of each instant', () => {
    const gap = wallToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin');
    expect(formatIsoInZone(gap, 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    const autumn = wallToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin');
    expect(formatIsoInZone(autumn, 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
    expect(formatIsoInZone(new Date('2026-03-10T09:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-10T14:30:00+05:30');
    expect(formatIsoInZone(new Date('2026-03-10T09:00:00Z'), 'UTC')).toBe('2026-03-10T09:00:00+00:00');
  });
});
