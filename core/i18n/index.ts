import { catalogs, type MessageKey } from './catalogs.js';
import { LOCALES, type Locale } from './types.js';

export type { Locale, MessageKey };
export { LOCALES };

export type Params = Record<string, string | number | bigint | null | undefined>;

const pluralRules = new Map<Locale, Intl.PluralRules>();
function rulesFor(locale: Locale): Intl.PluralRules {
  let r = pluralRules.get(locale);
  if (!r) pluralRules.set(locale, (r = new Intl.PluralRules(locale)));
  return r;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Picks a supported locale: the user's own, then the platform's language code, then the fallback. */
export function resolveLocale(...candidates: Array<string | null | undefined>): Locale {
  for (const c of candidates) {
    const base = c?.toLowerCase().split(/[-_]/)[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

/**
 * The language a message is written in, when its letters say so clearly: Cyrillic → ru,
 * Latin only (a few words at least) → en; commands and too little text say nothing.
 */
export function textLocale(text: string): Locale | undefined {
  const body = text.trim();
  if (!body || body.startsWith('/')) return undefined;
  const cyrillic = (body.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  const latin = (body.match(/\p{Script=Latin}/gu) ?? []).length;
  if (cyrillic >= 2 && cyrillic >= latin) return 'ru';
  if (cyrillic === 0 && latin >= 12) return 'en';
  return undefined;
}

function interpolate(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

/** Translates a catalog key. Plural entries use params.count with Intl.PluralRules. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  const entry = catalogs[locale][key] ?? catalogs.en[key];
  if (entry === undefined) return key;
  if (typeof entry === 'string') return interpolate(entry, params);
  const count = Number(params.count ?? 0);
  const form = rulesFor(locale).select(count) as keyof typeof entry;
  return interpolate(entry[form] ?? entry.other, params);
}

/** A translator bound to one locale. */
export type Translate = (key: MessageKey, params?: Params) => string;
export function translator(locale: Locale): Translate {
  return (key, params) => t(locale, key, params);
}

/** Formats a money amount for people, e.g. "120 000,00 ₽" in ru. */
// building an Intl.NumberFormat costs far more than using one: digests format thousands of amounts
const moneyFormats = new Map<string, Intl.NumberFormat | null>();
export function formatMoney(locale: Locale, amount: string | number, currency: string): string {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 });
    } catch {
      f = null;
    }
    moneyFormats.set(key, f);
  }
  return f ? f.format(Number(amount)) : `${amount} ${currency}`;
}

/** Formats an instant in a time zone, e.g. "Tue, 10 Mar, 15:00". */
// one formatter per locale and zone: building an Intl.DateTimeFormat costs ~100x formatting with one
// (bench:inbound spent 3.8% of its CPU here, one per new lead's notification)
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
export function formatDateTime(locale: Locale, date: Date, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    // an unknown zone throws here, as it did uncached; nothing is kept for it
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (dateTimeFormats.size >= 1000) dateTimeFormats.clear();
    dateTimeFormats.set(key, f);
  }
  return f.format(date);
}

/** A localized stage label: the default stages are translated, custom ones shown as named. */
export function stageLabel(locale: Locale, name: string): string {
  const key = `stage.${name}`;
  return key in catalogs.en ? t(locale, key as MessageKey) : name;
}
