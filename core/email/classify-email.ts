// What kind of mail this is, and why. Order matters: our own copy; challenge-response filters
// (they come dressed as delivery reports); delivery reports (failure, delay, success); strong
// automatic-reply signals; lists; weak machine signals; replies in known threads; site forms;
// whatever is left is a person writing to us for the first time: a lead.
import { detectBounce } from './bounce.js';
import { detectChallenge } from './challenge.js';
import { detectList, detectStrongAutoReply, detectWeakAutoReply } from './auto-reply.js';
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

// reply prefixes of the common clients: en Re, de AW/Antw/Antwort, nordic SV/VS/Vs, pl Odp, fr Réf,
// es/pt RES/RV, it R, nl Antw, ru Ответ/Отв/Re[2]
const REPLY_PREFIX = /^\s*((re|aw|sv|vs|odp|antw|antwort|ha|réf|ref|res|rv|ответ|отв)\s*(\[\d+\]|\(\d+\))?\s*:\s*)+/i;

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

  if (from && own.has(from)) return { kind: 'own', code: 'own-address', reason: `sent from our own mailbox ${from} (outgoing copy)` };

  const challenge = detectChallenge(parsed);
  if (challenge) return { kind: 'challenge', code: 'challenge-response', reason: challenge };

  const report = detectBounce(parsed, [...own]);
  if (report) {
    const failed = report.kind === 'bounce' && report.recipients.length ? `; failed: ${report.recipients.join(', ')}` : '';
    return { kind: report.kind, code: report.code, reason: report.reason + failed, bouncedRecipients: report.recipients, undeliverable: report.undeliverable };
  }

  const strong = detectStrongAutoReply(parsed);
  if (strong) return { kind: 'auto_reply', ...strong };

  const list = detectList(parsed);
  if (list) return { kind: 'list', ...list };

  const weak = detectWeakAutoReply(parsed);
  if (weak) return { kind: 'auto_reply', ...weak };

  const keys = threadLookupKeys(parsed);
  if (keys.length) {
    const known = opts.knownThread(keys);
    if (known === true) return { kind: 'reply', code: 'thread', reason: `In-Reply-To/References match a known conversation (<${keys[0]}>)` };
    if (known === undefined) return { kind: 'reply', code: 'thread', reason: `has In-Reply-To/References (<${keys[0]}>); thread not checked` };
  }
  if (from && REPLY_PREFIX.test(parsed.subject) && opts.knownContactSubject) {
    const subject = baseSubject(parsed.subject);
    if (subject && opts.knownContactSubject({ email: from, subject }) === true) {
      return { kind: 'reply', code: 'subject-thread', reason: `"Re:" subject and sender ${from} match an open conversation` };
    }
  }

  const form = detectWebForm(parsed);
  if (form) return { kind: 'form', code: 'web-form', reason: form.reason, formFields: form.fields };

  // a robot that cannot be answered (no-reply sender, no human Reply-To) is a notification, not a customer
  if (from && isRobotSender(from) && !parsed.replyTo.some((a) => !isRobotSender(a.address))) {
    return { kind: 'auto_reply', code: 'robot-sender', reason: `automatic notification from ${from} (no-reply sender, no Reply-To)` };
  }
  if (!from) return { kind: 'lead', code: 'new-sender', reason: 'new message (no usable From address; no thread, list or automatic-mail signals)' };
  return { kind: 'lead', code: 'new-sender', reason: `new message from ${from} (no thread, list or automatic-mail signals)` };
}
