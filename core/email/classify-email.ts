// What kind of mail this is, and why. Order matters: our own copy, then mail systems
// (bounces), then other automatic mail, lists, replies in known threads, site forms; whatever
// is left is a person writing to us for the first time: a lead.
import { detectBounce } from './bounce.js';
import { detectAutoReply, detectList } from './auto-reply.js';
import { detectWebForm } from './web-form.js';
import { threadLookupKeys } from './thread-key.js';
import { isRobotSender } from './senders.js';
import type { EmailClassification, ParsedEmail } from './types.js';

export interface ClassifyOptions {
  /** our mailbox addresses; mail from them is our own outgoing copy */
  ownAddresses: readonly string[];
  /**
   * Whether any of these Message-IDs belongs to a conversation we hold. `undefined` = cannot tell
   * (no database, e.g. a dry run): a message carrying thread headers is then taken as a reply.
   * Callers with a database look the ids up first (threadLookupKeys) and answer from that set.
   */
  knownThread: (keys: string[]) => boolean | undefined;
  /** Whether this sender has an open conversation with this subject ("Re:" prefixes removed). */
  knownContactSubject?: (query: { email: string; subject: string }) => boolean | undefined;
}

const REPLY_PREFIX = /^\s*((re|aw|sv|vs|odp|antw|ha|réf|ref|ответ|отв)\s*(\[\d+\])?\s*:\s*)+/i;

export function isReplySubject(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

/** The subject without "Re:"/"Ответ:" prefixes, for matching a conversation. */
export function baseSubject(subject: string): string {
  return subject.replace(REPLY_PREFIX, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

export function classifyEmail(parsed: ParsedEmail, opts: ClassifyOptions): EmailClassification {
  const own = new Set(opts.ownAddresses.map((a) => a.trim().toLowerCase()));
  const from = parsed.from?.address ?? null;

  if (from && own.has(from)) return { kind: 'own', reason: `sent from our own mailbox ${from} (outgoing copy)` };

  const bounce = detectBounce(parsed, [...own]);
  if (bounce) {
    return {
      kind: 'bounce',
      reason: bounce.reason + (bounce.recipients.length ? `; failed: ${bounce.recipients.join(', ')}` : ''),
      bouncedRecipients: bounce.recipients,
    };
  }

  const auto = detectAutoReply(parsed);
  if (auto) return { kind: 'auto_reply', reason: auto };

  const list = detectList(parsed);
  if (list) return { kind: 'list', reason: list };

  const keys = threadLookupKeys(parsed);
  if (keys.length) {
    const known = opts.knownThread(keys);
    if (known === true) return { kind: 'reply', reason: `In-Reply-To/References match a known conversation (<${keys[0]}>)` };
    if (known === undefined) return { kind: 'reply', reason: `has In-Reply-To/References (<${keys[0]}>); thread not checked` };
  }
  if (from && REPLY_PREFIX.test(parsed.subject) && opts.knownContactSubject) {
    const subject = baseSubject(parsed.subject);
    if (subject && opts.knownContactSubject({ email: from, subject }) === true) {
      return { kind: 'reply', reason: `"Re:" subject and sender ${from} match an open conversation` };
    }
  }

  const form = detectWebForm(parsed);
  if (form) return { kind: 'form', reason: form.reason, formFields: form.fields };

  // a robot that cannot be answered (no-reply sender, no human Reply-To) is a notification, not a customer
  if (from && isRobotSender(from) && !parsed.replyTo.some((a) => !isRobotSender(a.address))) {
    return { kind: 'auto_reply', reason: `automatic notification from ${from} (no-reply sender, no Reply-To)` };
  }
  if (!from) return { kind: 'lead', reason: 'new message (no usable From address; no thread, list or automatic-mail signals)' };
  return { kind: 'lead', reason: `new message from ${from} (no thread, list or automatic-mail signals)` };
}
