// Model output is untrusted too (OWASP LLM05). Free text the model writes for a manager
// (summaries, drafts, extracted "need") may only repeat e-mail addresses, phone numbers and
// links that were in the data it was given for this task: anything else is removed, so a
// manipulated or confused model cannot show one customer's contact details in another's card.

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /(?:\+|\b)\d[\d\s().-]{6,}\d\b/g;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"')]+/gi;

const digits = (s: string) => s.replace(/\D/g, '');

export interface GuardSource {
  emails: Set<string>;
  phones: Set<string>;
  urls: Set<string>;
  /** the source's words, lower-cased, for the proper-name check */
  words: string[];
}

/** Two or more capitalised words in a row (Latin or Cyrillic): a person's or company's name. */
const PROPER_NAME = /\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+)+/gu;
/** A word without a possible inflected ending (short words stay whole). */
const stem = (w: string) => (w.length <= 4 ? w : w.slice(0, w.length - 2));

/** What the task's own data contains, the only contact details the output may repeat. */
export function guardSource(...texts: Array<string | null | undefined>): GuardSource {
  const all = texts.filter(Boolean).join('\n');
  return {
    emails: new Set([...all.matchAll(EMAIL)].map((m) => m[0].toLowerCase())),
    phones: new Set([...all.matchAll(PHONE)].map((m) => digits(m[0])).filter((d) => d.length >= 7)),
    urls: new Set([...all.matchAll(URL)].map((m) => m[0].toLowerCase())),
    words: all.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [],
  };
}

export const REMOVED = '[…]';

/**
 * The output with every e-mail, phone and link not in the source replaced by […], and every
 * multi-word proper name of which two or more words are not in the source (a name the task's
 * data never mentioned, such as another customer's).
 */
export function guardOutput(text: string, source: GuardSource): string {
  return text
    .replace(PROPER_NAME, (m) => {
      const words = m.split(/\s+/);
      const absent = words.filter((w) => !source.words.some((s) => s.startsWith(stem(w.toLowerCase())))).length;
      return absent >= 2 || absent === words.length ? REMOVED : m;
    })
    .replace(EMAIL, (m) => (source.emails.has(m.toLowerCase()) ? m : REMOVED))
    .replace(URL, (m) => (source.urls.has(m.toLowerCase()) ? m : REMOVED))
    .replace(PHONE, (m) => {
      const d = digits(m);
      if (d.length < 7) return m;
      return [...source.phones].some((p) => p.endsWith(d.slice(-10)) || d.endsWith(p.slice(-10))) ? m : REMOVED;
    });
}

/** One line of plain text: no control characters, bounded. */
export function oneLine(text: string, max = 300): string {
  const s = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001F\u007F]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
