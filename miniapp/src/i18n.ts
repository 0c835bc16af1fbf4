// The Mini App's texts: core's catalogs (core/i18n/{en,ru}/miniapp.ts) bundled as they are, so
// the server's and the front end's words never drift; {placeholders} and plural forms as in core.
import { miniapp as en } from '../../core/i18n/en/miniapp.js';
import { miniapp as ru } from '../../core/i18n/ru/miniapp.js';

export type Locale = 'en' | 'ru';
export type Key = keyof typeof en;
type Entry = string | { one: string; other: string; few?: string; many?: string };
const catalogs: Record<Locale, Record<Key, Entry>> = { en, ru };

export function pickLocale(...candidates: Array<string | null | undefined>): Locale {
  for (const c of candidates) {
    const base = c?.toLowerCase().split(/[-_]/)[0];
    if (base === 'en' || base === 'ru') return base;
  }
  return 'en';
}

export function translate(locale: Locale, key: Key, params: Record<string, string | number> = {}): string {
  const entry = catalogs[locale][key] ?? catalogs.en[key];
  let text: string;
  if (typeof entry === 'string') text = entry;
  else {
    const form = new Intl.PluralRules(locale).select(Number(params.count ?? 0)) as keyof typeof entry;
    text = entry[form] ?? entry.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

export function money(locale: Locale, amount: string | null, currency: string | null): string {
  if (amount === null || !currency) return '';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

export function dateTime(locale: Locale, iso: string, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return new Date(iso).toISOString();
  }
}

export function day(locale: Locale, iso: string, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
