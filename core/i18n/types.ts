/** A catalog entry: plain text with {placeholders}, or plural forms chosen by Intl.PluralRules. */
export type PluralForms = { one: string; other: string; few?: string; many?: string; zero?: string; two?: string };
export type Message = string | PluralForms;
export type Catalog = Record<string, Message>;
export type Locale = 'en' | 'ru';
export const LOCALES: readonly Locale[] = ['en', 'ru'];
