// Who the customer is, from a parsed email: name and address from From (Reply-To for forms and
// no-reply senders, the form's own fields first), a phone from the text and signature, the company
// from the signature or the address's domain (never a free-mail domain).
import { findPhoneNumbersInText, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DEFAULT_FREE_MAIL_DOMAINS, domainOf, isFreeMailDomain, isRobotSender, isSystemSender } from './senders.js';
import type { CleanedBody, EmailAddress, EmailContact, FormFields, ParsedEmail } from './types.js';

export interface ExtractContactOptions {
  /** ISO 3166 region for local phone numbers (the workspace's phoneRegion) */
  phoneRegion: string;
  freeMailDomains?: readonly string[];
  /** fields of a web-form notification, which win over the sender */
  formFields?: FormFields;
}

export function extractContact(parsed: ParsedEmail, cleaned: CleanedBody, opts: ExtractContactOptions): EmailContact {
  const form = opts.formFields ?? {};
  const sender = customerAddress(parsed);
  const formEmail = form.email ? firstEmail(form.email) : null;
  const email = formEmail ?? sender?.address ?? null;
  const name = cleanName(form.name) ?? (formEmail && formEmail !== sender?.address ? null : cleanName(sender?.name)) ?? null;
  const region = regionOf(opts.phoneRegion);
  const phone = (form.phone ? normalisePhone(form.phone, region) : null) ?? findPhone([cleaned.text, cleaned.signature ?? ''].join('\n'), region);

  let company = form.company?.trim() || null;
  let companySource: EmailContact['companySource'] = company ? 'form' : null;
  company ??= companyFromSignature(cleaned.signature, name) ?? companyFromLegalForm(lastLines(cleaned.text, 4));
  if (company && !companySource) companySource = 'signature';
  const domain = email ? domainOf(email) : '';
  const domainUsable =
    Boolean(domain) &&
    !isFreeMailDomain(domain, opts.freeMailDomains ?? DEFAULT_FREE_MAIL_DOMAINS) &&
    !(sender && email === sender.address && isRobotSender(email));
  const companyDomain = domainUsable ? registrableDomain(domain) : null;
  if (!company && companyDomain) {
    company = companyFromDomain(companyDomain);
    if (company) companySource = 'domain';
  }
  return { name, email, phone, company: company ? company.slice(0, 200) : null, companySource: company ? companySource : null, companyDomain };
}

/** The address that reaches the customer: Reply-To when From is a form, robot or mail system. */
export function customerAddress(parsed: ParsedEmail): EmailAddress | null {
  const from = parsed.from;
  const replyTo = parsed.replyTo.find((a) => !isRobotSender(a.address));
  if (!from) return replyTo ?? null;
  if ((isRobotSender(from.address) || isSystemSender(from.address, from.name)) && replyTo) return replyTo;
  // a robot or the mail system is nobody's contact
  if (isRobotSender(from.address) || isSystemSender(from.address, from.name)) return null;
  return from;
}

function cleanName(name: string | null | undefined): string | null {
  const n = (name ?? '')
    .replace(/^["'\s]+|["'\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!n || n.includes('@') || n.length > 120) return null;
  return n;
}

function firstEmail(s: string): string | null {
  return /[^\s<>()"',;:]+@[^\s<>()"',;:]+\.[a-z]{2,}/i.exec(s)?.[0]?.toLowerCase() ?? null;
}

function regionOf(region: string): CountryCode | undefined {
  const r = region.trim().toUpperCase();
  return isSupportedCountry(r) ? (r as CountryCode) : undefined;
}

function normalisePhone(s: string, region: CountryCode | undefined): string | null {
  const p = parsePhoneNumberFromString(s, region);
  if (p?.isPossible()) return p.number;
  return findPhone(s, region);
}

function findPhone(text: string, region: CountryCode | undefined): string | null {
  const sample = text.slice(0, 20_000);
  const found = findPhoneNumbersInText(sample, region ? { defaultCountry: region } : undefined);
  // an IP address ("94.236.45.212") or a date read as a phone number is not one
  // (matches may carry a bracket or a space around the digits: "[74.202.142.24")
  const core = (f: { startsAt: number; endsAt: number }) => sample.slice(f.startsAt, f.endsAt).replace(/^[^\d+]+|[^\d]+$/g, '');
  const real = found.find((f) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(core(f)) && !/^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/.test(core(f)));
  return real?.number.number ?? null;
}

// ООО «Ромашка», АО "Вектор", ИП Иванов И.И.
const RU_LEGAL =
  /(?<![\p{L}])(ООО|ОАО|ЗАО|ПАО|НАО|АО|ИП|НКО|ФГУП|МУП|ГУП|АНО|ТОО|ОДО|ЧУП)\s*(«[^»\n]{1,80}»|"[^"\n]{1,80}"|“[^”\n]{1,80}”|„[^“”\n]{1,80}[“”]|[\p{Lu}][\p{L}\d.\- ]{1,60})/u;
// Acme Inc., Globex LLC, Initech GmbH
// the name is capitalised words (with "of", "and", "&" ... between them): "Bank of Example Corp", not "X is a trademark of Y Ltd"
const EN_LEGAL =
  /((?:[\p{Lu}\d][\p{L}\d&'.-]*)(?:[ \t]+(?:(?:of|and|und|de|la|du|der|the|&)[ \t]+)?[\p{Lu}\d&][\p{L}\d&'.-]*){0,5}?,?[ \t](Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|Corp\.?|Corporation|Co\.|LLP|PLC|plc|S\.A\.|SA|B\.V\.|BV|AG|Oy|AB|SAS|S\.r\.l\.|Pty\.? Ltd\.?|Sp\. z o\.o\.|s\.r\.o\.|K\.K\.))(?![\p{L}])/u;

export function companyFromLegalForm(text: string): string | null {
  const ru = RU_LEGAL.exec(text);
  if (ru) return `${ru[1]} ${ru[2]!.trim()}`.replace(/\s+/g, ' ');
  const en = EN_LEGAL.exec(text);
  if (en) return en[1]!.trim().replace(/\s+/g, ' ');
  return null;
}

const TITLE =
  /(?<![\p{L}])(manager|director|head|ceo|cto|cfo|coo|founder|co-founder|owner|president|vp|vice|engineer|developer|designer|analyst|architect|programmer|administrator|specialist|assistant|officer|lead|consultant|accountant|buyer|purchasing|procurement|sales|marketing|support|разработчик|программист|дизайнер|аналитик|администратор|менеджер|директор|руководитель|начальник|специалист|инженер|бухгалтер|ассистент|помощник|генеральный|коммерческий|отдел|закупк|основатель|владелец|заместитель|консультант)/iu;
const CONTACT_LINE = /@|https?:\/\/|www\.|\+?\d[\d\s().-]{6,}|^(tel|phone|mob|mobile|fax|тел|моб|факс|e-?mail|skype|telegram|whatsapp)(?![\p{L}])/iu;

/** Company from the signature: a legal form anywhere, else the line after the name (titles skipped). */
export function companyFromSignature(signature: string | null, name: string | null): string | null {
  if (!signature) return null;
  const legal = companyFromLegalForm(signature);
  if (legal) return legal;
  const lines = signature
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 10);
  if (!name) return null;
  const nameKey = name.toLowerCase();
  const at = lines.findIndex((l) => l.toLowerCase().includes(nameKey) || (nameKey.includes(l.toLowerCase()) && l.length >= 3));
  if (at < 0) return null;
  for (const line of lines.slice(at + 1, at + 4)) {
    if (CONTACT_LINE.test(line)) break;
    if (TITLE.test(line)) continue;
    const words = line.split(/\s+/).length;
    if (line.length <= 60 && words <= 6 && /^[\p{Lu}\d«"“]/u.test(line)) return line.replace(/[,;|]+$/, '');
    break;
  }
  return null;
}

function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-n)
    .join('\n');
}

/** Second-level public suffixes where the company label sits one level deeper. */
const SECOND_LEVEL = /^(co|com|org|net|ac|gov|edu|ltd|plc|msk|spb|nsk|ekb|kiev|kharkov|in|or|ne|go)\.[a-z]{2}$/;

export function registrableDomain(domain: string): string {
  const labels = domain.toLowerCase().split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  return SECOND_LEVEL.test(lastTwo) ? labels.slice(-3).join('.') : lastTwo;
}

/** "acme-tools.co.uk" -> "Acme-tools": what a manager would call the company until told otherwise. */
export function companyFromDomain(domain: string): string | null {
  const label = registrableDomain(domain).split('.')[0];
  if (!label || label.length < 2) return null;
  return label.charAt(0).toUpperCase() + label.slice(1);
}
