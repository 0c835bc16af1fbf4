// The workspace's own acknowledgement texts (Workspace.ackText, set with /settings ack).
import { LOCALES, type Locale } from '../i18n/index.js';

/** The custom acknowledgement texts of a workspace row (unknown languages and blanks dropped). */
export function ackTexts(stored: unknown): Partial<Record<Locale, string>> {
  const out: Partial<Record<Locale, string>> = {};
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return out;
  for (const l of LOCALES) {
    const v = (stored as Record<string, unknown>)[l];
    if (typeof v === 'string' && v.trim()) out[l] = v.trim();
  }
  return out;
}
