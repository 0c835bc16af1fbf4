// Recognising delivery failures and reports, and which recipients failed. Real MTAs vary a lot
// (see the sisimai corpus): a structured DSN when we are lucky, otherwise the mail system's
// sender address, its subject and the phrasing of the body.
import { isSystemSender } from './senders.js';
import type { ParsedEmail } from './types.js';

export interface BounceVerdict {
  reason: string;
  recipients: string[];
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

export function detectBounce(parsed: ParsedEmail, ownAddresses: readonly string[] = []): BounceVerdict | null {
  const h = parsed.headers;
  const recipients = () => failedRecipients(parsed, ownAddresses);
  if (h.contentType === 'multipart/report' && (h.reportType === 'delivery-status' || h.reportType === 'global-delivery-status')) {
    return { reason: `delivery status notification (multipart/report; report-type=${h.reportType})`, recipients: recipients() };
  }
  if (parsed.partTypes.includes('message/delivery-status') || parsed.partTypes.includes('message/global-delivery-status')) {
    return { reason: 'delivery status notification (message/delivery-status part)', recipients: recipients() };
  }
  if (h.xFailedRecipients.length) {
    return { reason: `X-Failed-Recipients header (${h.xFailedRecipients.join(', ')})`, recipients: recipients() };
  }
  const ses = sesNotification(parsed.text);
  if (ses?.type === 'bounce')
    return { reason: 'Amazon SES bounce notification (notificationType: Bounce)', recipients: filterRecipients(ses.recipients, parsed, ownAddresses) };

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
    return { reason: `delivery failure from the mail system (${sender}: "${clip(subject)}")`, recipients: recipients() };
  }
  const automated = parsed.returnPath === '' || isAutoSubmitted(parsed.headers.autoSubmitted);
  if (bounceSubject && (automated || bounceBody)) {
    return { reason: `delivery failure notice (subject "${clip(subject)}"${automated ? ', machine-sent' : ''})`, recipients: recipients() };
  }
  if (automated && bounceBody && returnedCopy) {
    return { reason: `delivery failure notice (machine-sent, returns the original message)`, recipients: recipients() };
  }
  if (system && /mailer-?daemon/i.test(sender)) {
    return { reason: `message from ${sender} (the mail system)`, recipients: recipients() };
  }
  // someone forwarding a bounce to us ("Fwd: Returned mail: ..."): still a delivery report, not a customer
  if (
    forwarded &&
    BOUNCE_SUBJECT.test(subject.replace(FORWARD_PREFIX, '')) &&
    (bounceBody || /^[>\s]*from:.*(mailer-daemon|postmaster|mail delivery)/im.test(head))
  ) {
    return {
      reason: `forwarded delivery failure ("${clip(subject)}")`,
      recipients: filterRecipients(recipientsFromText(unquote(parsed.text)), parsed, ownAddresses),
    };
  }
  return null;
}

/** Amazon SES notifications delivered by SNS e-mail: a JSON body. */
function sesNotification(text: string): { type: 'bounce' | 'complaint'; recipients: string[] } | null {
  // the JSON may itself be a string inside the SNS envelope, so quotes can come escaped
  const m = /\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint)\\?"/.exec(text.slice(0, 20_000));
  if (!m) return null;
  const recipients = [...text.slice(0, 50_000).matchAll(/\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+@[^"\\]+)\\?"/g)].map((r) => r[1]!);
  return { type: m[1] === 'Bounce' ? 'bounce' : 'complaint', recipients };
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
    /^\s*([^\s<>@]+@[^\s<>@]+\.[a-z]{2,})\s*$/gim, // exim, mail.ru: an address alone on an indented line
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
