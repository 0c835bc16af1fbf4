// Automatic replies (RFC 3834 and the many vendor variants), feedback-loop reports and
// mailing-list traffic: mail no human wrote to us, which must never become a lead.
//
// The signals are in three tiers, checked around the list rules (classify-email.ts):
// - strong: the message says it is an automatic reply (Auto-Submitted, X-Autoreply and its
//   vendor cousins, Exchange's inbox-rule headers, an out-of-office subject in any of the
//   languages below). These win over list headers: an autoresponder answering a list is still
//   an autoresponder.
// - list: List-Id, List-Unsubscribe, Precedence: bulk/list.
// - weak: the message is machine-sent but says nothing more (X-Auto-Response-Suppress, which
//   GitHub and GitLab notifications carry as well as Exchange's own replies; a null envelope
//   sender; the mail system as sender). Checked after the list rules.
import { isAutoSubmitted, isSesComplaint } from './bounce.js';
import { isSystemSender } from './senders.js';
import type { EmailReasonCode, ParsedEmail } from './types.js';

export interface AutoVerdict {
  code: EmailReasonCode;
  reason: string;
}

/**
 * Out-of-office and auto-reply wording in subjects, by language. Matched as whole words anywhere
 * in the subject ("Automatic reply: Re: offer", "[Automatyczna odpowiedź] test", "Abwesenheitsnotiz:").
 */
const OOO_PHRASES = [
  // en
  'out of (the )?office',
  'away from (the |my )?office',
  'automatic reply',
  'auto[- ]?reply',
  'auto[- ]?response',
  'auto[- ]?responder',
  'automated (reply|response)',
  'auto[- ]?generated',
  'vacation (reply|notice|message|response)',
  'on vacation',
  'on (annual|parental|sick|maternity|paternity) leave',
  'absence notice',
  'ooo',
  'oof',
  // de
  'abwesenheitsnotiz',
  'abwesenheit',
  'abwesend',
  'automatische antwort',
  'automatische r(ü|ue)ckantwort',
  'au(ß|ss)er haus',
  'nicht im b(ü|ue)ro',
  'urlaubsabwesenheit',
  // fr
  'r(é|e)ponse automatique',
  "message d\u2019?'?absence",
  'absent(e)? du bureau',
  'absence du bureau',
  'en cong(é|e)s?',
  // es
  'respuesta autom(á|a)tica',
  'fuera de (la )?oficina',
  'respuesta de ausencia',
  'ausente',
  'de vacaciones',
  // it, pt
  'risposta automatica',
  'fuori ufficio',
  'resposta autom(á|a)tica',
  'fora do escrit(ó|o)rio',
  // pl
  'automatyczna odpowied(ź|z)',
  'odpowied(ź|z) automatyczna',
  'autoodpowied(ź|z)',
  'nieobecno(ść|sc)',
  'poza biurem',
  'jestem na urlopie',
  // nl, nordic, cz, hu, tr, ro
  'automatisch antwoord',
  'afwezig',
  'buiten kantoor',
  'automatisk (svar|besked)',
  'autosvar',
  'fr(å|a)nvaro',
  'frav(æ|ae)rende',
  'automaattinen vastaus',
  'automatick(á|a) odpov(ě|e)(ď|d)',
  'mimo kancel(á|a)(ř|r)',
  'automatikus v(á|a)lasz',
  'otomatik yan(ı|i)t',
  'r(ă|a)spuns automat',
  // ru, uk
  'автоответ',
  'автоответчик',
  'автоматический ответ',
  'автоматическое уведомление',
  'автовідповідь',
  'автоматична відповідь',
  'вне офиса',
  'не в офисе',
  'нет на месте',
  'поза офісом',
  'я в отпуске',
  'нахожусь в отпуске',
  'в отпуске до',
  'отсутствую',
  'отсутствие в офисе',
  'у відпустці',
  // cjk, he, ar, el
  '自動応答',
  '自動返信',
  '不在',
  '自动回复',
  '自動回覆',
  '자동 회신',
  '부재중',
  'מענה אוטומטי',
  'رد تلقائي',
  'αυτόματη απάντηση',
];
const OOO_SUBJECT = new RegExp(`(^|[^\\p{L}\\p{N}])(${OOO_PHRASES.join('|')})($|[^\\p{L}\\p{N}])`, 'iu');
/**
 * Subject prefixes only autoresponders put first: Lotus Notes' "AUTO: ...". Words a person may
 * also start a subject with ("Vacation: ...", "Отпуск: ...") need a phrase above, not a prefix.
 */
const OOO_PREFIX = /^\s*\[?auto\s*[:\]]/iu;

const COMPLAINT_SUBJECT = /^(complaint about message from|abuse report\b|spam (complaint|report)\b|feedback[- ]loop\b|dmarc (forensic|failure) report)/i;
/** DMARC aggregate (RFC 7489: "Report domain: x Submitter: y Report-ID: z") and SMTP TLS (RFC 8460) reports. */
const AGGREGATE_REPORT_SUBJECT = /^(report domain:|dmarc aggregate report\b)/i;

/** Headers whose name says "this is an automatic reply" (X-Autoreply, X-Autorespond, X-Auto-Reply-From, X-Mail-Autoreply ...). */
const AUTOREPLY_HEADER = /^x-(.*-)?auto-?(reply|respon[a-z]*|responder)(-.*)?$/;

export function detectStrongAutoReply(parsed: ParsedEmail): AutoVerdict | null {
  const h = parsed.headers;
  if (h.reportType === 'feedback-report' || parsed.partTypes.includes('message/feedback-report')) {
    return { code: 'feedback-report', reason: `feedback-loop report (ARF${h.feedbackType ? `, Feedback-Type: ${h.feedbackType}` : ''})` };
  }
  if (isSesComplaint(parsed.text)) return { code: 'feedback-report', reason: 'Amazon SES complaint notification (notificationType: Complaint)' };
  if (COMPLAINT_SUBJECT.test(parsed.subject)) return { code: 'feedback-report', reason: `abuse/complaint report ("${clip(parsed.subject)}")` };
  if (h.reportType === 'tlsrpt' || h.raw['tls-report-domain'] !== undefined) {
    return {
      code: 'machine-report',
      reason: `SMTP TLS report (RFC 8460${h.raw['tls-report-domain'] ? `, TLS-Report-Domain: ${h.raw['tls-report-domain']}` : ''})`,
    };
  }
  if (AGGREGATE_REPORT_SUBJECT.test(parsed.subject)) return { code: 'machine-report', reason: `DMARC aggregate report ("${clip(parsed.subject)}")` };
  if (h.contentType === 'multipart/report' && h.reportType) {
    return { code: 'machine-report', reason: `machine report (multipart/report; report-type=${h.reportType})` };
  }
  if (isAutoSubmitted(h.autoSubmitted)) return { code: 'rfc3834', reason: `Auto-Submitted: ${h.autoSubmitted} (RFC 3834)` };
  if (h.xAutoreply && !/^\s*no\b/i.test(h.xAutoreply)) return { code: 'autoreply-header', reason: `X-Autoreply: ${h.xAutoreply}` };
  if (h.xAutorespond !== null) return { code: 'autoreply-header', reason: `X-Autorespond: ${h.xAutorespond || '(set)'}` };
  for (const [name, value] of Object.entries(h.raw)) {
    if (AUTOREPLY_HEADER.test(name) && !/^\s*(no|false|0)\b/i.test(value) && name !== 'x-auto-response-suppress') {
      return { code: 'autoreply-header', reason: `${headerName(name)}: ${value || '(set)'}` };
    }
  }
  const rulesLoop = h.raw['x-ms-exchange-inbox-rules-loop'];
  if (rulesLoop !== undefined)
    return { code: 'exchange-ooo', reason: `X-MS-Exchange-Inbox-Rules-Loop: ${rulesLoop} (sent by an Exchange inbox rule or out-of-office)` };
  const generated = h.raw['x-ms-exchange-generated-message-source'];
  if (generated && /rules agent|auto-?reply|auto-?response|oof/i.test(generated)) {
    return { code: 'exchange-ooo', reason: `X-MS-Exchange-Generated-Message-Source: ${generated}` };
  }
  if (h.precedence && /auto[_-]?reply/i.test(h.precedence)) return { code: 'precedence-auto', reason: `Precedence: ${h.precedence}` };
  if (h.xAutogenerated && /reply|forward|group|mirror|redirect/i.test(h.xAutogenerated)) {
    return { code: 'autoreply-header', reason: `X-Autogenerated: ${h.xAutogenerated}` };
  }
  const subject = parsed.subject;
  const topic = h.raw['thread-topic'] ?? '';
  if (OOO_SUBJECT.test(subject) || OOO_PREFIX.test(subject) || (topic && OOO_SUBJECT.test(topic))) {
    const exchange = h.xAutoResponseSuppress !== null ? ', with X-Auto-Response-Suppress (Exchange/Outlook)' : '';
    return { code: exchange ? 'exchange-ooo' : 'ooo-subject', reason: `out-of-office subject "${clip(subject)}"${exchange}` };
  }
  // vacation programs mark themselves junk (Precedence: junk) when they have no better header
  if (h.precedence && /^junk\b/i.test(h.precedence.trim()) && !h.listId && !h.listUnsubscribe && !h.listOther.length) {
    return { code: 'precedence-auto', reason: `Precedence: ${h.precedence} without list headers (vacation program)` };
  }
  return null;
}

export function detectList(parsed: ParsedEmail): AutoVerdict | null {
  const h = parsed.headers;
  if (h.listId) return { code: 'list-header', reason: `mailing list (List-Id: ${h.listId.slice(0, 100)})` };
  if (h.listUnsubscribe) return { code: 'list-header', reason: 'newsletter (List-Unsubscribe header)' };
  if (h.listOther.length) return { code: 'list-header', reason: `mailing list (${h.listOther.join(', ')} header)` };
  // Precedence: bulk from the null sender is a vacation program, not a list (the weak tier says so)
  if (h.precedence && /^(bulk|list)\b/i.test(h.precedence.trim()) && parsed.returnPath !== '') {
    return { code: 'bulk-precedence', reason: `bulk mail (Precedence: ${h.precedence})` };
  }
  return null;
}

export function detectWeakAutoReply(parsed: ParsedEmail): AutoVerdict | null {
  const h = parsed.headers;
  if (h.xAutoResponseSuppress !== null) {
    return {
      code: 'autoreply-header',
      reason: `X-Auto-Response-Suppress: ${h.xAutoResponseSuppress || '(set)'} (machine-sent: Exchange replies, notifications)`,
    };
  }
  if (parsed.returnPath === '') return { code: 'null-sender', reason: 'null envelope sender (Return-Path: <>), only automatic mail uses it' };
  if (isSystemSender(parsed.from?.address, parsed.from?.name ?? (parsed.from ? null : parsed.fromRaw))) {
    return { code: 'system-sender', reason: `sent by the mail system (${parsed.from?.address ?? parsed.fromRaw})` };
  }
  return null;
}

function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function clip(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
