// Which conversation a message belongs to, from its Message-ID headers.
import type { ParsedEmail } from './types.js';

export function normaliseMessageId(id: string): string {
  return id
    .trim()
    .replace(/^<+|>+$/g, '')
    .trim()
    .toLowerCase();
}

/** The root Message-ID of the thread: first References id, else In-Reply-To, else the message's own id. */
export function threadKey(parsed: Pick<ParsedEmail, 'references' | 'inReplyTo' | 'messageId'>): string | null {
  const root = parsed.references[0] ?? parsed.inReplyTo ?? parsed.messageId;
  return root ? normaliseMessageId(root) || null : null;
}

/**
 * The ids an earlier message of ours or the customer's could carry (In-Reply-To first, then
 * References newest first), for looking the thread up before classifying.
 */
export function threadLookupKeys(parsed: Pick<ParsedEmail, 'references' | 'inReplyTo'>): string[] {
  const keys = [parsed.inReplyTo, ...[...parsed.references].reverse()].filter((k): k is string => Boolean(k)).map(normaliseMessageId);
  return [...new Set(keys)].filter(Boolean);
}
