// The message catalogs, one file per area under en/ and ru/. Every ru file is checked
// against its en twin at compile time (same keys), and test/unit/i18n tests both ways.
// To add an area: create en/AREA.ts and ru/AREA.ts, then spread both below.
import type { Catalog, Locale } from './types.js';
import { common as enCommon } from './en/common.js';
import { common as ruCommon } from './ru/common.js';

export const en = {
  ...enCommon,
} as const;

export type MessageKey = keyof typeof en;

export const ru: Record<MessageKey, Catalog[string]> = {
  ...ruCommon,
};

export const catalogs: Record<Locale, Record<MessageKey, Catalog[string]>> = { en, ru };
