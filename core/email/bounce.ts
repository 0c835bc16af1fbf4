// Recognising delivery failures and reports, and which recipients failed. Real MTAs vary a lot
// (see the sisimai corpus): a structured DSN when we are lucky, otherwise the mail system's
// sender address, its subject and the phrasing of the body.
import { isSystemSender } from './senders.js';
import { dsnOutcome, isPermanentFailure, parseDeliveryStatus, textBlamesAddress, textSeverity } from './dsn.js';
import type { ParsedEmail } from './types.js';

export interface BounceVerdict {
  kind: 'bounce' | 'dsn_delay' | 'dsn_success';
  code: 'dsn-failed' | 'dsn-delayed' | 'dsn-delivered' | 'mta-failure-text' | 'mta-delay-text';
  reason: string;
  /** the recipients the report is about (failed ones for a bounce) */
  recipients: string[];
  /** the recipients that failed permanently: the only ones to mark undeliverable */
  undeliverable: string[];
}

const BOUNCE_SUBJECT = new RegExp(
  [
    'undeliver',
    'undelivered',
    'not (be )?delivered',
    'returned mail',
    'return(ed)? to sender',
    'delivery (status )?notification',
    'delivery status',
    'delivery fail',
    'delivery has failed',
    'delivery problem',
    'delivery report',
    'delivery error',
    'failed delivery',
    'mail delivery',
    'failure notice',
    'mail failure',
    'mail system error',
    'nondeliverable',
    'non[- ]?delivery',
    'could not send',
    'message (was )?not sent',
    'rejected',
    'bounced?',
    'warning: (could not|message)',
    'message status',
    'email address (is )?invalid',
    'permanent (error|failure)',
    'delayed mail',
    // de, fr, es, it, nl, pt, ja
    'unzustellbar',
    'nicht zustellbar',
    'non remis',
    'non distribu',
    'no se puede entregar',
    'no entregado',
    'mancata consegna',
    'onbestelbaar',
    'não entregue',
    '配信',
    '不達',
    'エラー',
    // ru
    'недоставлен',
    'не доставлен',
    'не может быть доставлено',
    'не удалось доставить',
    'ошибка доставки',
    'возвращ[её]нное письмо',
    'отчет о доставке',
    'отчёт о доставке',
  ].join('|'),
  'i',
);

const BOUNCE_BODY = new RegExp(
  [
    'could not be delivered',
    "couldn't be delivered",
    'was not delivered',
    'undeliverable',
    'delivery (has )?failed',
    'delivery to the following recipients? (has )?failed',
    'permanent (fatal )?error',
    'user unknown',
    'unknown user',
    'not a valid (user|recipient|mailbox|address)',
    'no mailbox here',
    'recipient name is not recognized',
    'no such user',
    'mailbox (is )?(full|unavailable|not found)',
    'recipient address rejected',
    'address rejected',
    'host or domain name not found',
    'message you sent',
    'the following address(es)? failed',
    'returned to sender',
    'delivery status notification',
    'failed permanently',
    "i'm sorry to have to inform you",
    'unable to deliver',
    'mail delivery failed',
    'this is the mail system',
    'mail system at host',
    'diagnostic-code',
    'final-recipient',
    'не может быть доставлено',
    'не удалось доставить',
    'не доставлено',
  ].join('|'),
  'i',
);

const FORWARD_PREFIX = /^\s*(fwd?|fw|tr|wg|пересл|пересылка)\s*:/i;

const SUCCESS_TEXT =
  /(successfully delivered|delivery (?:to the following recipients? )?(?:was |has been )?(?:successful|succeeded|complete)|successful(?:ly)? (?:mail )?delivery|had successful delivery|relayed; expect no further notifications|return receipt|успешно доставлен|доставлено успешно)/i;

/**
 * Is this a delivery report, and what does it say? A structured report (message/delivery-status)
 * is read per recipient; a plain-text one (qmail, exim, old Exchange) by its sender, subject and
 * wording. Only a permanent failure puts addresses in `undeliverable`.
 */
export function detectBounce(parsed: ParsedEmail, ownAddresses: readonly string[] = []): BounceVerdict | null {
  const h = parsed.headers;
  const filter = (list: string[]) => filterRecipients(list, parsed, ownAddresses);
  const isDsn =
    (h.contentType === 'multipart/report' && (h.reportType === 'delivery-status' || h.reportType === 'global-delivery-status')) ||
    parsed.partTypes.includes('message/delivery-status') ||
    parsed.partTypes.includes('message/global-delivery-status');
  // a Final-Recipient is the recipient by definition (even "bounce@..."): only our own addresses are left out
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  const records = parseDeliveryStatus(parsed.deliveryStatus).filter((r) => !own.has(r.recipient));
  const fromRecords = (list: string[]) => [...new Set(list)];
  const report = reportText(parsed.text);

  if (isDsn || records.length) {
    const where = !isDsn
      ? 'delivery status fields'
      : h.contentType === 'multipart/report' && h.reportType
        ? `delivery status notification (multipart/report; report-type=${h.reportType})`
        : 'delivery status notification (message/delivery-status part)';
    const outcome = dsnOutcome(records);
    if (outcome === 'failed') {
      const failed = records.filter((r) => r.action === 'failed' || (r.action === null && r.status?.startsWith('5')));
      const permanent = failed.filter(isPermanentFailure).map((r) => r.recipient);
      const statuses = [...new Set(failed.map((r) => r.status ?? '?'))].join(', ');
      const refusedMessage = failed.some((r) => r.action === 'failed' && r.status?.startsWith('5') && !isPermanentFailure(r));
      const note = refusedMessage ? ' (a 5.3/5.5/5.6/5.7 status refuses the message, not the address: not marked)' : '';
      return verdict(
        'bounce',
        'dsn-failed',
        `${where}: Action: failed, Status: ${statuses}${note}`,
        fromRecords(failed.map((r) => r.recipient)),
        fromRecords(permanent),
      );
    }
    if (outcome === 'delayed') {
      const delayed = records.filter((r) => r.action === 'delayed' || r.status?.startsWith('4')).map((r) => r.recipient);
      return verdict('dsn_delay', 'dsn-delayed', `${where}: Action: delayed (still being retried)`, fromRecords(delayed), []);
    }
    if (outcome === 'delivered') {
      const actions = [...new Set(records.map((r) => r.action ?? r.status ?? '?'))].join(', ');
      return verdict('dsn_success', 'dsn-delivered', `${where}: Action: ${actions} (a success report)`, fromRecords(records.map((r) => r.recipient)), []);
    }
    // no usable status fields: the wording decides
    return fromText(parsed, ownAddresses, report, `${where} without usable status fields`);
  }
  if (h.xFailedRecipients.length) return fromText(parsed, ownAddresses, report, `X-Failed-Recipients header (${h.xFailedRecipients.join(', ')})`);
  const ses = sesNotification(parsed.text);
  if (ses?.type === 'bounce') {
    const recipients = filter(ses.recipients);
    return verdict(
      'bounce',
      'dsn-failed',
      `Amazon SES bounce notification (bounceType: ${ses.bounceType ?? 'unknown'})`,
      recipients,
      ses.bounceType === 'Permanent' ? recipients : [],
    );
  }

  const subject = parsed.subject;
  const forwarded = FORWARD_PREFIX.test(subject);
  const fromName = parsed.from?.name ?? (parsed.from ? null : parsed.fromRaw);
  const system = isSystemSender(parsed.from?.address, fromName) || (!parsed.from && parsed.returnPath === '');
  const bounceSubject = !forwarded && BOUNCE_SUBJECT.test(subject);
  const head = parsed.text.slice(0, 4000);
  const bounceBody = BOUNCE_BODY.test(head);
  const returnedCopy = Boolean(parsed.returnedMessageId) || parsed.partTypes.some((t) => t === 'message/rfc822' || t === 'text/rfc822-headers');
  const sender = parsed.from?.address ?? parsed.fromRaw ?? 'null sender';
  if (system && (bounceSubject || bounceBody || returnedCopy)) {
    return fromText(parsed, ownAddresses, report, `delivery report from the mail system (${sender}: "${clip(subject)}")`);
  }
  const automated = parsed.returnPath === '' || isAutoSubmitted(parsed.headers.autoSubmitted);
  if (bounceSubject && (automated || bounceBody)) {
    return fromText(parsed, ownAddresses, report, `delivery report (subject "${clip(subject)}"${automated ? ', machine-sent' : ''})`);
  }
  if (automated && bounceBody && returnedCopy) return fromText(parsed, ownAddresses, report, 'delivery report (machine-sent, returns the original message)');
  if (system && /mailer-?daemon/i.test(sender)) return fromText(parsed, ownAddresses, report, `message from ${sender} (the mail system)`);
  // someone forwarding a bounce to us ("Fwd: Returned mail: ..."): still a delivery report, not a customer;
  // a forward is no evidence about the address, so nothing is marked
  if (
    forwarded &&
    BOUNCE_SUBJECT.test(subject.replace(FORWARD_PREFIX, '')) &&
    (bounceBody || /^[>\s]*from:.*(mailer-daemon|postmaster|mail delivery)/im.test(head))
  ) {
    return verdict('bounce', 'mta-failure-text', `forwarded delivery failure ("${clip(subject)}")`, filter(recipientsFromText(unquote(parsed.text))), []);
  }
  return null;
}

function verdict(kind: BounceVerdict['kind'], code: BounceVerdict['code'], reason: string, recipients: string[], undeliverable: string[]): BounceVerdict {
  return { kind, code, reason, recipients, undeliverable };
}

/** A report whose status fields say nothing: success, delay or failure by its wording. */
function fromText(parsed: ParsedEmail, ownAddresses: readonly string[], report: string, why: string): BounceVerdict {
  const recipients = failedRecipients(parsed, ownAddresses);
  const severity = textSeverity(report, parsed.subject);
  if (severity !== 'permanent' && SUCCESS_TEXT.test(`${parsed.subject}\n${report.slice(0, 4000)}`)) {
    return verdict('dsn_success', 'dsn-delivered', `${why}; the report says the message was delivered`, recipients, []);
  }
  if (severity === 'transient') return verdict('dsn_delay', 'mta-delay-text', `${why}; the report says delivery is only delayed`, recipients, []);
  if (severity === 'permanent' && !textBlamesAddress(report))
    return verdict(
      'bounce',
      'mta-failure-text',
      `${why}; the message was refused (policy/content/size status), not the address: no address marked`,
      recipients,
      [],
    );
  if (severity === 'permanent') return verdict('bounce', 'mta-failure-text', `${why}; permanent failure`, recipients, recipients);
  if (severity === 'final')
    return verdict('bounce', 'mta-failure-text', `${why}; the server gave up (not an address error), no address marked`, recipients, []);
  return verdict('bounce', 'mta-failure-text', `${why}; failure not stated as permanent, no address marked`, recipients, []);
}

/** The report itself: the body before the returned copy of the original message. */
function reportText(text: string): string {
  const cut = text.search(
    /^-{2,}.*(original message|returned message|copy of the message|undelivered message|message header follows|исходное сообщение|копия сообщения).*$|^content-type: message\/rfc822|^(received|return-path):\s/im,
  );
  return (cut > 0 ? text.slice(0, cut) : text).slice(0, 20_000);
}

/** Amazon SES notifications delivered by SNS e-mail: a JSON body. */
function sesNotification(text: string): { type: 'bounce' | 'complaint'; recipients: string[]; bounceType: string | null } | null {
  // the JSON may itself be a string inside the SNS envelope, so quotes can come escaped
  const m = /\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint)\\?"/.exec(text.slice(0, 20_000));
  if (!m) return null;
  const recipients = [...text.slice(0, 50_000).matchAll(/\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+@[^"\\]+)\\?"/g)].map((r) => r[1]!);
  const bounceType = /\\?"bounceType\\?"\s*:\s*\\?"(\w+)/.exec(text.slice(0, 50_000))?.[1] ?? null;
  return { type: m[1] === 'Bounce' ? 'bounce' : 'complaint', recipients, bounceType };
}

export function isSesComplaint(text: string): boolean {
  return sesNotification(text)?.type === 'complaint';
}

function unquote(text: string): string {
  return text.replace(/^[ \t]*(>[ \t]?)+/gm, '');
}

export function isAutoSubmitted(value: string | null): boolean {
  return value !== null && value.trim() !== '' && !/^no\b/i.test(value.trim());
}

function clip(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

const ADDRESS = /[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

/** Addresses that failed, from the DSN fields, X-Failed-Recipients, then the body text. */
export function failedRecipients(parsed: ParsedEmail, ownAddresses: readonly string[] = []): string[] {
  const found: string[] = [...parsed.headers.xFailedRecipients];
  for (const block of parsed.deliveryStatus.split(/\r?\n\s*\r?\n/)) {
    const action = /^action:\s*([a-z]+)/im.exec(block)?.[1]?.toLowerCase();
    if (action && action !== 'failed') continue;
    const recipient =
      /^final-recipient:\s*(?:[a-z0-9-]+\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?/im.exec(block) ??
      /^original-recipient:\s*(?:[a-z0-9-]+\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?/im.exec(block);
    if (recipient) found.push(recipient[1]!);
  }
  if (!found.length) found.push(...recipientsFromText(parsed.text));
  return filterRecipients(found, parsed, ownAddresses);
}

function filterRecipients(found: string[], parsed: ParsedEmail, ownAddresses: readonly string[]): string[] {
  const exclude = new Set(
    [...ownAddresses, ...parsed.to.map((a) => a.address), parsed.from?.address ?? '', parsed.returnPath ?? ''].map((a) => a.toLowerCase()),
  );
  const out = new Set<string>();
  for (const raw of found) {
    const a = raw
      .trim()
      .replace(/^<|>$/g, '')
      .replace(/[.,;:]+$/, '')
      .toLowerCase();
    if (a.includes('@') && !exclude.has(a) && !isSystemSender(a)) out.add(a);
  }
  return [...out];
}

/** Plain-text bounces (qmail, exim, postfix without DSN, mail.ru, Yandex): the addresses the report names before the returned copy. */
function recipientsFromText(text: string): string[] {
  const cut = text.search(
    /^-{2,}.*(original message|returned message|copy of the message|undelivered message|исходное сообщение|копия сообщения).*$|^content-type: message\/rfc822|^(received|return-path|message-id):\s/im,
  );
  const report = (cut > 0 ? text.slice(0, cut) : text).slice(0, 20_000);
  const found: string[] = [];
  const patterns = [
    /rcpt to:\s*<([^>\s]+@[^>\s]+)>/gi,
    /^\s*<([^>\s]+@[^>\s]+)>\s*:/gim, // qmail, postfix: <user@host>:
    /^\s*([^\s<>@]+@[^\s<>@]+\.[a-z]{2,}):?\s*$/gim, // exim, mail.ru, 1&1: an address alone on an indented line
    /^\s*([^\s<>@]+@[^\s<>@]+\.[a-z]{2,})\s+on\s+\w{3},/gim, // Exchange 2003: "user@host on Thu, 29 Apr 2010 ..."
    /(?:recipient|address|адрес|получател[ьяи])[^\n@]{0,40}?<?([^\s<>@:]+@[^\s<>@]+\.[a-z]{2,})>?/gi,
    /^\s*(?:final-recipient|original-recipient):\s*(?:[a-z0-9-]+;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?/gim,
  ];
  for (const p of patterns) for (const m of report.matchAll(p)) found.push(m[1]!);
  if (!found.length) {
    // last resort: the first address the report mentions
    const any = report.match(ADDRESS);
    if (any?.[0]) found.push(any[0]);
  }
  return found;
}
