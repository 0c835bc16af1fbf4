// Delivery status reports (RFC 3464) and what they say about each recipient: failed for good,
// failed for now, still being retried, or delivered. Only a permanent failure (Action: failed
// with a 5.x.x status about the address, not about the message) says an address is dead; a delay,
// a success report, a 4.x.x "failure" (a challenge-response filter, a mailbox that was full for five
// days) or a refusal of this message (5.7.1 spam rejection, 5.3.4 too big) never does.
import type { DsnRecipient } from './types.js';

const STATUS = /\b([245])\.\d{1,3}\.\d{1,3}\b/;
const SMTP_REPLY = /(?:^|[\s;:(])([245])\d\d(?=[\s-])/;

/** The recipient blocks of a message/delivery-status part; per-message Action/Status fill blocks that lack them. */
export function parseDeliveryStatus(text: string): DsnRecipient[] {
  if (!text.trim()) return [];
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/);
  const out: Array<DsnRecipient & { diagnostic: string | null }> = [];
  let defaultAction: string | null = null;
  let defaultStatus: string | null = null;
  for (const block of blocks) {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(block)?.[1]?.trim() ?? null;
    const rcpt = field('final-recipient') ?? field('original-recipient') ?? field('x-actual-recipient');
    const action =
      field('action')
        ?.split(/[\s(;]/)[0]
        ?.toLowerCase() || null;
    const statusField = field('status');
    const diagnostic = field('diagnostic-code');
    const status = STATUS.exec(statusField ?? '')?.[0] ?? null;
    if (!rcpt) {
      defaultAction = action ?? defaultAction;
      defaultStatus = status ?? defaultStatus;
      continue;
    }
    const address = /([^\s<>;"']+@[^\s<>;"']+)/.exec(rcpt.replace(/^[a-z0-9-]+\s*;/i, ''))?.[1];
    if (!address) continue;
    out.push({
      recipient: address.replace(/[.,]+$/, '').toLowerCase(),
      action,
      status,
      diagnostic,
    });
  }
  return out.map((r) => {
    const status = r.status ?? defaultStatus ?? statusFromDiagnostic(r.diagnostic);
    return { recipient: r.recipient, action: r.action ?? defaultAction, status, diagnostic: r.diagnostic };
  });
}

function statusFromDiagnostic(diagnostic: string | null): string | null {
  if (!diagnostic) return null;
  const enhanced = STATUS.exec(diagnostic)?.[0];
  if (enhanced) return enhanced;
  const reply = SMTP_REPLY.exec(diagnostic)?.[1];
  return reply ? `${reply}.0.0` : null;
}

export function isPermanentFailure(r: DsnRecipient): boolean {
  if (r.action !== 'failed' || !r.status?.startsWith('5')) return false;
  // servers misfile "unknown address" under other classes (sendmail: "553 5.3.0 ... Unknown E-Mail Address")
  return statusBlamesAddress(r.status) || ADDRESS_GONE.test(r.diagnostic ?? '');
}

/** A remote server's words that the address itself does not exist or is closed. */
const ADDRESS_GONE =
  /(user unknown|unknown user|unknown (?:e-?mail )?(?:address|recipient)|no such (?:user|mailbox|recipient|address)|(?:user|recipient|address|mailbox) not found|(?:user|mailbox|address|account) does ?n[o']t exist|not (?:a )?valid (?:user|recipient|mailbox|address)|invalid (?:recipient|mailbox)|mailbox (?:is )?(?:unavailable|disabled)|account (?:has been |is )?disabled)/i;

/**
 * Does a 5.x.x status (RFC 3463) say something about the address? Its subject class does: X.0 (other),
 * X.1 (addressing: no such user, bad domain), X.2 (mailbox: disabled, full) and X.4 (routing: no such
 * host) do; X.3 (the receiving system: message too big), X.5 (protocol), X.6 (content) and X.7
 * (security/policy: spam rejection, sender blocked) refuse this message, not the address, which stays
 * deliverable.
 */
export function statusBlamesAddress(status: string): boolean {
  const subject = /^[245]\.(\d{1,3})\./.exec(status)?.[1];
  return subject === undefined || !['3', '5', '6', '7'].includes(subject);
}

/** Enhanced status codes (5.x.x) a plain-text report quotes: none of them address-level means the message was refused, not the address. */
export function textBlamesAddress(report: string): boolean {
  const codes = [...report.slice(0, 20_000).matchAll(/(?<![\d.])5\.\d{1,3}\.\d{1,3}(?![\d.])/g)].map((m) => m[0]);
  return !codes.length || codes.some(statusBlamesAddress);
}

export type DsnOutcome = 'failed' | 'delayed' | 'delivered' | 'unknown';

/**
 * What the report as a whole says: failed when any recipient failed, delayed when none failed
 * and any is still being retried, delivered when every recipient was delivered, relayed or expanded.
 */
export function dsnOutcome(records: DsnRecipient[]): DsnOutcome {
  if (!records.length) return 'unknown';
  if (records.some((r) => r.action === 'failed' || (r.action === null && r.status?.startsWith('5')))) return 'failed';
  if (records.some((r) => r.action === 'delayed' || (r.action === null && r.status?.startsWith('4')))) return 'delayed';
  if (records.every((r) => r.action === 'delivered' || r.action === 'relayed' || r.action === 'expanded' || (r.action === null && r.status?.startsWith('2'))))
    return 'delivered';
  return 'unknown';
}

// Plain-text reports (qmail, exim, Exchange 5.5, Gmail without a status part): how sure the
// wording is that the failure is for good, or that delivery is only delayed.
const TRANSIENT_TEXT =
  /(still being retried|still undelivered|could not send message for past|will (?:be )?retr(?:y|ied)|will (?:keep|continue) trying|warning message only|do not need to resend|has not yet been delivered|not yet been delivered|delivery (?:has been |is |was )?delayed|delayed delivery|message (?:is |has been )?delayed|delivery (?:status notification )?\(delay\)|temporar(?:y|ily) (?:problem|failure|error|unavailable|deferred)|deferred|retry timeout not reached|задерж|будет повтор|повторн\S* попытк|временн\S* (?:ошибк|сбо|проблем))/i;
const PERMANENT_TEXT =
  /(\b5\.\d{1,3}\.\d{1,3}\b|(?:^|\s|\()5[0-5]\d[\s-]|permanent(?:ly)? (?:error|failure|fatal)|failed permanently|this is a permanent error|user unknown|unknown user|(?:user|recipient|address|mailbox) not found|no account by that name|no such (?:user|mailbox|recipient|address)|does ?n[o']t exist|not (?:a )?valid (?:user|recipient|mailbox|address)|recipient (?:address )?rejected|address rejected|mailbox (?:is )?(?:unavailable|not found|disabled)|unknown recipient|recipient name is not recognized|not listed in (?:the )?\S+ directory|not listed in (?:the )?public name & address book|does ?n[o']t have an? [\w.-]+ account|no mx record|host or domain name not found|unrouteable address|no mailbox here|account (?:has been |is )?disabled|invalid (?:recipient|address|mailbox)|пользовател\S* не (?:найден|существует)|нет такого (?:пользователя|ящика|адреса)|адрес\S* не (?:найден|существует)|не существует)/i;

// the MTA gave up (the message comes back) without saying the address is wrong: a failure, but
// no evidence against the address
const GAVE_UP =
  /(not going to try again|in the queue too long|giving up|gave up|could not be delivered for \d+ days|will be deleted from (?:the )?queue|cannot send message for \d+ days|retry time(?:out)? (?:exceeded|expired)|message expired|too many (?:delivery )?(?:retries|attempts)|returned mail|returning message to sender|mail delivery failed|message (?:was )?not delivered|has been returned|undeliver(?:ed|able))/i;

/** permanent: the address is wrong; final: given up for other reasons; transient: still being retried. */
export type TextSeverity = 'permanent' | 'final' | 'transient' | 'unknown';

// said only by reports that will try again
const STRONG_TRANSIENT =
  /(warning message only|do not need to resend|no action is required|will (?:keep|continue) trying|delivery attempts will continue|still being retried|will (?:be )?retr(?:y|ied)|has not yet been delivered|будет повтор)/i;
const TRANSIENT_SUBJECT = /(\(delay\)|^\s*warning:|\bdelayed\b|still being retried|delivery delay|задерж)/i;

/** Severity of a plain-text delivery report (the part before the returned copy), its subject as a tie-breaker. */
export function textSeverity(report: string, subject = ''): TextSeverity {
  const head = report.slice(0, 6000);
  const permanentAt = head.search(PERMANENT_TEXT);
  const strongAt = head.search(STRONG_TRANSIENT);
  // a warning that quotes a 5xx from an earlier attempt is still a warning; a failure that
  // mentions an earlier deferral still failed: the statement the report leads with decides
  if ((strongAt >= 0 || TRANSIENT_SUBJECT.test(subject)) && (permanentAt < 0 || (strongAt >= 0 && strongAt < permanentAt))) return 'transient';
  if (permanentAt >= 0) return 'permanent';
  if (GAVE_UP.test(head) || GAVE_UP.test(subject)) return 'final';
  if (TRANSIENT_TEXT.test(head)) return 'transient';
  if (PERMANENT_TEXT.test(subject)) return 'permanent';
  return 'unknown';
}
