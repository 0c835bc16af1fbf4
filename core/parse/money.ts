// Amount and currency in a manager's phrase: "50 000 руб", "$5k", "1.5m EUR", "2,5 млн ₽",
// "120 тыс. рублей", "120000 RUB". Amounts stay decimal strings (no float rounding).

export interface Money {
  /** Digits with an optional "." and decimals: "2500000", "1500.5". */
  amount: string;
  /** ISO 4217 code, or null when the phrase names none. */
  currency: string | null;
  /** Where the money expression sits in the text (for cutting it out of a title). */
  index: number;
  end: number;
}

// Currency words and symbols people type; three-letter codes are checked against Intl.
const CURRENCY_WORDS: Array<[RegExp, string]> = [
  [/^(?:₽|руб(?:л(?:ь|я|ей|ях|ям))?\.?|р\.?|rub|rur|roubles?|rubles?)$/iu, 'RUB'],
  [/^(?:\$|us\$|usd|доллар(?:а|ов)?|бакс(?:а|ов)?|dollars?|bucks?)$/iu, 'USD'],
  [/^(?:€|eur|euros?|евро)$/iu, 'EUR'],
  [/^(?:£|gbp|фунт(?:а|ов)?(?:\s+стерлингов)?|pounds?)$/iu, 'GBP'],
  [/^(?:¥|cny|юан(?:ь|я|ей)|yuan)$/iu, 'CNY'],
  [/^(?:₸|kzt|тенге|tenge)$/iu, 'KZT'],
  [/^(?:₴|uah|грив(?:на|ны|ен))$/iu, 'UAH'],
  [/^(?:byn|бел(?:\.|орусских)?\s*руб(?:л(?:ь|я|ей))?\.?)$/iu, 'BYN'],
];

let isoCodes: Set<string> | undefined;
function isIsoCurrency(code: string): boolean {
  isoCodes ??= new Set(Intl.supportedValuesOf('currency'));
  return isoCodes.has(code.toUpperCase());
}

/** An ISO 4217 code for a currency word, symbol or code ("руб." -> RUB, "$" -> USD), else null. */
export function currencyCode(word: string): string | null {
  const w = word.trim();
  for (const [re, code] of CURRENCY_WORDS) if (re.test(w)) return code;
  // bare codes only in capitals, so words like "all" or "cup" stay words
  if (/^[A-Z]{3}$/.test(w) && isIsoCurrency(w)) return w;
  return null;
}

const MULTIPLIERS: Array<[RegExp, number]> = [
  [/^(?:k|к|тыс\.?|тысяч[аи]?|thousands?|тыщ[аи]?)$/iu, 3],
  [/^(?:m|mm|mn|mln|millions?|млн\.?|миллион(?:а|ов)?|лям(?:а|ов)?)$/iu, 6],
  [/^(?:b|bn|billions?|млрд\.?|миллиард(?:а|ов)?)$/iu, 9],
];

function multiplierPower(word: string | undefined): number {
  if (!word) return 0;
  for (const [re, power] of MULTIPLIERS) if (re.test(word.trim())) return power;
  return 0;
}

const SYMBOL = '[$€£₽¥₸₴]';
const CODE_WORD =
  'руб(?:л(?:ь|я|ей|ях|ям))?\\.?|р\\.|р(?![\\p{L}])|rub|rur|roubles?|rubles?|us\\$|usd|доллар(?:а|ов)?|бакс(?:а|ов)?|dollars?|bucks?|eur|euros?|евро|gbp|фунт(?:а|ов)?|pounds?|cny|юан(?:ь|я|ей)|yuan|kzt|тенге|tenge|uah|грив(?:на|ны|ен)|byn|[A-Z]{3}';
const MULT_WORD =
  'тыс\\.?|тысяч[аи]?|тыщ[аи]?|thousands?|млн\\.?|миллион(?:а|ов)?|лям(?:а|ов)?|millions?|mln|mn|mm|млрд\\.?|миллиард(?:а|ов)?|billions?|bn|k|к|m|b';
// digit groups of three after a space ("1 700 000") only when the group ends the number:
// "1 1700000" is two numbers (a lead number and an amount), not "1 170" and "0000"
const NUMBER = '\\d{1,3}(?:[ \\u00A0\\u202F]\\d{3})+(?!\\d)(?:[.,]\\d+)?|\\d+(?:[.,]\\d+)*';
const NOT_LETTER = '(?![\\p{L}\\d])';

const MONEY_RE = new RegExp(
  `(?<![\\p{L}\\d.,])(?:(?<pre>${SYMBOL}|(?:usd|eur|rub|gbp)(?=\\s*\\d))\\s*)?(?<num>${NUMBER})(?:\\s*(?<mult>${MULT_WORD})${NOT_LETTER})?(?:\\s*(?<post>${SYMBOL}|(?:${CODE_WORD})${NOT_LETTER}))?`,
  'giu',
);

/** "50 000" -> "50000", "1,500" -> "1500", "2,5" -> "2.5", "1.500.000" -> "1500000"; null if not a number. */
export function normalizeNumber(raw: string, hasMultiplier: boolean): string | null {
  let s = raw.replace(/[ \u00A0\u202F]/g, '');
  const commas = (s.match(/,/g) ?? []).length;
  const dots = (s.match(/\./g) ?? []).length;
  if (commas > 0 && dots > 0) {
    // the later separator is the decimal one: 1,500.50 or 1.500,50
    const decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    s = s.split(group).join('');
    s = s.replace(decimal, '.');
  } else if (commas > 1 || dots > 1) {
    const sep = commas > 1 ? ',' : '.';
    if (!new RegExp(`^\\d{1,3}(?:\\${sep}\\d{3})+$`).test(s)) return null;
    s = s.split(sep).join('');
  } else if (commas + dots === 1) {
    // "1,500" and "1.500" group thousands unless a multiplier follows ("1,5 млн", "1.5k");
    // nobody writes three decimals of a currency unit
    s = /^\d{1,3}[.,]\d{3}$/.test(s) && !hasMultiplier ? s.replace(/[.,]/, '') : s.replace(',', '.');
  }
  return /^\d+(?:\.\d+)?$/.test(s) ? s : null;
}

/** Multiplies a decimal string by 10^power without floating point. */
export function shiftDecimal(value: string, power: number): string {
  const [intPart = '0', frac = ''] = value.split('.');
  const digits = intPart + frac.padEnd(power, '0');
  const point = intPart.length + power;
  return tidy(digits.slice(0, point) + (digits.length > point ? '.' + digits.slice(point) : ''));
}

function tidy(value: string): string {
  let [i = '0', f = ''] = value.split('.');
  i = i.replace(/^0+(?=\d)/, '');
  f = f.replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}

/**
 * Finds the money expression in a text: the one that names a currency or a multiplier,
 * else the last bare number. `null` when there is no number at all.
 */
export function extractMoney(text: string): Money | null {
  let best: Money | null = null;
  let bestScore = -1;
  for (const m of text.matchAll(MONEY_RE)) {
    const g = m.groups ?? {};
    const power = multiplierPower(g.mult);
    const num = normalizeNumber(g.num ?? '', power > 0);
    if (num === null) continue;
    const currency = currencyCode(g.pre ?? g.post ?? '') ?? null;
    // an all-caps word after a number that is not a currency is not part of the amount
    const postIsCurrency = g.post === undefined || currency !== null;
    const end = (m.index ?? 0) + (postIsCurrency ? m[0].length : m[0].length - (g.post?.length ?? 0));
    const score = (currency ? 2 : 0) + (power ? 1 : 0);
    if (score >= bestScore) {
      bestScore = score;
      best = { amount: shiftDecimal(num, power), currency, index: m.index ?? 0, end };
    }
  }
  if (best) best.end = trimBackSpaces(text, best.index, best.end);
  return best;
}

function trimBackSpaces(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}
