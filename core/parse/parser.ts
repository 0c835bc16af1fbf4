// The plain-language parser the chat engine calls for a manager's message without a slash
// command. IntentParser is the seam: RuleParser is deterministic (regular phrases plus
// chrono-node for dates); an LLM-backed parser can implement the same interface later.
import type { Locale } from '../i18n/index.js';
import type { Intent } from './intent.js';
import { parseDealPhrase } from './deal-phrases.js';
import { parseTaskPhrase, hasTaskTrigger } from './task-phrases.js';

export interface ParseOptions {
  /** The moment the message was written. */
  now: Date;
  /** The user's IANA time zone: dates are read and written in it. */
  timezone: string;
  /** The user's language: tried first, but English and Russian are both understood. */
  locale: Locale;
  /** Currency for an amount that names none (default: RUB for ru, USD for en). */
  currency?: string;
}

export interface IntentParser {
  parse(text: string, opts: ParseOptions): Promise<Intent>;
}

export class RuleParser implements IntentParser {
  async parse(text: string, opts: ParseOptions): Promise<Intent> {
    return parseIntent(text, opts);
  }
}

/** The synchronous rule-based parse behind RuleParser. */
export function parseIntent(text: string, opts: ParseOptions): Intent {
  const clean = text.replace(/[\u00A0\u202F]/g, ' ').trim();
  if (!clean || clean.length > 1000) return { intent: 'unknown' };
  const ctx = { now: opts.now, timeZone: opts.timezone, locale: opts.locale };
  if (hasTaskTrigger(clean)) return parseTaskPhrase(clean, ctx) ?? { intent: 'unknown' };
  const currency = opts.currency ?? (opts.locale === 'ru' ? 'RUB' : 'USD');
  return parseDealPhrase(clean, currency) ?? parseTaskPhrase(clean, ctx) ?? { intent: 'unknown' };
}
