// Deal amounts as exact decimals (never floats) and ISO 4217 currencies.
import { Prisma } from '../../prisma/generated/client.js';

type Decimal = Prisma.Decimal;
import { invalid } from '../errors.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** Decimal(18, 2): 16 digits before the point. */
const MAX_INTEGER_DIGITS = 16;

/**
 * Parses "120000.50", "120 000,50", "120000" or a number into a Decimal with at most two
 * decimals. Negative amounts and more precise values are refused rather than rounded.
 */
export function parseAmount(value: string | number): Decimal {
  const raw = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value ?? '');
  // spaces (incl. narrow no-break) as thousands separators; a decimal comma
  let text = raw.trim().replace(/[\s\u00a0\u202f_']/g, '');
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  else if (/^\d+,\d+$/.test(text)) text = text.replace(',', '.');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw invalid(text.startsWith('-') ? 'invalid.amount_negative' : 'invalid.amount', { value: raw });
  const [, whole = '', fraction = ''] = m;
  if (fraction.length > 2 && /[1-9]/.test(fraction.slice(2))) throw invalid('invalid.amount_precision', { value: raw });
  if (whole.replace(/^0+(?=\d)/, '').length > MAX_INTEGER_DIGITS) throw invalid('invalid.amount_too_large', { value: raw });
  return new Prisma.Decimal(`${whole}.${(fraction + '00').slice(0, 2)}`);
}

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code.trim().toUpperCase());
}

/** "rub" -> "RUB"; unknown codes are refused with the value named. */
export function normalizeCurrency(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper) || !CURRENCIES.has(upper)) throw invalid('invalid.currency', { value: code });
  return upper;
}

/**
 * The currency used when an amount comes without one: RUB for Russian-language
 * workspaces, USD otherwise.
 */
export function defaultCurrency(workspaceLocale: string): string {
  return workspaceLocale === 'ru' ? 'RUB' : 'USD';
}
