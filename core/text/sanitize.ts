// Clean input, once, at the boundary. Every channel's InboundMessage passes through
// sanitizeInbound (core/chat/inbound.ts), so nothing Postgres refuses (NUL: 22021; a lone
// UTF-16 surrogate inside JSON: 22P02) and nothing that spoofs what a manager reads (bidi
// overrides in a name) gets past it. Texts keep their meaning: only characters that can never
// be meant are removed, and a lone surrogate becomes U+FFFD (the replacement character), as
// a decoder would have done.

/** The longest text kept per message (characters); longer texts are cut with a marker. */
export const MAX_STORED_TEXT = 100_000;
/** Names, usernames, subjects: one line, at most this long. */
export const MAX_LINE = 300;

// C0 controls except TAB, LF and CR, plus DEL; NUL is the one Postgres refuses outright
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Explicit directional formatting: embeddings, overrides, isolates and their terminators. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;
/** Marks that only matter inside a bidi run; in a one-line name they can only mislead. */
const BIDI_MARK = /[\u200E\u200F\u061C]/g;

/** A text as stored: no NUL or other control characters (TAB, LF, CR stay), no lone surrogates. */
export function cleanText(text: string, max = MAX_STORED_TEXT): string {
  let s = text.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '');
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
  return s.length > max ? truncateText(s, max) : s;
}

/** A name or subject: cleanText, then no bidi controls and no line breaks, trimmed and bounded. */
export function cleanLine(text: string, max = MAX_LINE): string {
  const s = cleanText(text, max * 2)
    .replace(BIDI_CONTROL, '')
    .replace(BIDI_MARK, '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? s.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '') + '…' : s;
}

/** Removes bidi controls (not the text they wrap): what a manager is shown of a customer's text. */
export function neutralizeBidi(text: string): string {
  return text.replace(BIDI_CONTROL, '');
}

function truncateText(s: string, max: number): string {
  const cut = s.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}\n[… ${s.length - cut.length} characters cut]`;
}

/** Any JSON-like value with every string cleaned (keys too); other values unchanged. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanText(k, MAX_LINE)] = cleanDeep(v);
    return out as T;
  }
  return value;
}

/**
 * How long a text becomes once a channel escapes it for its markup (Telegram HTML and Slack
 * mrkdwn both escape &, < and >). Budgets for what a manager is pushed are counted this way,
 * so a preview made of "&" fits the same number of platform messages as one made of letters.
 */
export function escapedLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 38) n += 4;
    else if (c === 60 || c === 62) n += 3;
  }
  return n;
}

/** How many characters (UTF-16 units, never splitting a pair) of `text` fit `budget` once escaped. */
function escapedPrefix(text: string, budget: number): number {
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const add = ch === '&' ? 5 : ch === '<' || ch === '>' ? 4 : ch.length;
    if (used + add > budget) break;
    used += add;
    end += ch.length;
  }
  return end;
}

/** Where to cut a window of `fit` characters: the last line break, else space, in its second half, else at `fit`. */
function cutPoint(window: string, fit: number, share = 0.5): number {
  let cut = window.lastIndexOf('\n');
  if (cut < fit * share) {
    const space = window.lastIndexOf(' ');
    cut = space >= fit * share ? space : fit;
  }
  return cut;
}

/**
 * The longest prefix of `text` whose escaped length fits `budget`, cut at a line or word
 * boundary when one is near; `rest` is how many characters were left out (0: it all fits).
 */
export function fitEscaped(text: string, budget: number): { text: string; rest: number } {
  if (escapedLength(text) <= budget) return { text, rest: 0 };
  const fit = escapedPrefix(text, budget);
  const kept = text.slice(0, cutPoint(text.slice(0, fit), fit, 0.8)).replace(/\s+$/, '');
  return { text: kept, rest: text.length - kept.length };
}

/**
 * Splits plain text into chunks whose ESCAPED form (&, <, > as entities, as Telegram HTML and
 * Slack mrkdwn write them) fits `limit`, preferring line breaks, then spaces, and only then
 * a hard cut (never inside a surrogate pair). Renderers cut after escaping, with this.
 */
export function splitEscaped(text: string, limit: number): string[] {
  if (escapedLength(text) <= limit) return [text];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (escapedLength(rest) <= limit) {
      chunks.push(rest);
      break;
    }
    const fit = escapedPrefix(rest, limit);
    const cut = Math.max(1, cutPoint(rest.slice(0, fit), fit));
    const chunk = rest.slice(0, cut).replace(/\s+$/, '');
    if (chunk.length > 0) chunks.push(chunk);
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  return chunks;
}
