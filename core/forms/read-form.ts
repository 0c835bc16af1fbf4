// A posted web form -> what it says about the customer. Field names are matched like the
// labels of a form notification mailed by a site (core/email/web-form.ts fieldOf: en/ru and
// more), after the usual builder decorations are taken off: "your-name" (Contact Form 7),
// "fields[phone]" (Bitrix and others), "Your_E-mail" become "your name", "phone", "your e-mail".
//
// Kept, nothing dropped: fields that name no customer detail (a subject, utm_source, a
// product) become "field: value" lines after the message, so the lead and the manager's
// notification carry them. Left out: names starting with "_" (a builder's own: _wpnonce,
// _wpcf7) and captcha tokens, which say nothing about the customer.
// The honeypot is a field real people never see (HONEYPOT_FIELD): filled in = a robot.
import { fieldOf } from '../email/web-form.js';
import { normalizeEmail } from '../contacts/normalize-email.js';
import { normalizePhone } from '../contacts/normalize-phone.js';
import type { InboundSender } from '../chat/inbound.js';

export const HONEYPOT_FIELD = '_gotcha';

/** What a form parser hands over: every field once, several values for repeated names. */
export type PostedFields = Record<string, string | string[]>;

const SKIPPED = /^(_|g-recaptcha-response$|h-captcha-response$|cf-turnstile-response$|smart-token$)/i;
const FIELD_MAX = 10_000;
const EXTRA_MAX = 50;

export interface FieldIssue {
  field: string;
  message: string;
}

export type FormReading =
  | {
      ok: true;
      sender: InboundSender;
      /** normalised: E.164 phone, lower-case e-mail (at least one of them) */
      email: string | null;
      phone: string | null;
      /** the message, then one "field: value" line per field that names no customer detail */
      text: string;
    }
  | { ok: false; spam: true }
  | { ok: false; spam: false; issues: FieldIssue[] };

/** "fields[Your-Name]" -> "your name" */
export function fieldLabel(name: string): string {
  const inner = /^[^[\]]*\[([^[\]]+)\]$/.exec(name)?.[1] ?? name;
  return inner
    .replace(/[-_\s]+/g, ' ')
    .replace(/\be mail\b/gi, 'e-mail')
    .trim()
    .toLowerCase();
}

function valueOf(v: string | string[]): string {
  const values = (Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean);
  return values.join(', ').slice(0, FIELD_MAX);
}

/** Reads a posted form; `region` reads local phone numbers (the workspace's phoneRegion). */
export function readForm(fields: PostedFields, region: string): FormReading {
  if (valueOf(fields[HONEYPOT_FIELD] ?? '')) return { ok: false, spam: true };
  const found: Partial<Record<'name' | 'phone' | 'email' | 'company' | 'message', { field: string; value: string }>> = {};
  const extra: string[] = [];
  for (const [name, raw] of Object.entries(fields)) {
    if (SKIPPED.test(name)) continue;
    const value = valueOf(raw);
    if (!value) continue;
    const label = fieldLabel(name);
    const kind = label ? fieldOf(label) : null;
    if (kind && !found[kind]) found[kind] = { field: name, value };
    else if (kind === 'message') found.message!.value += `\n${value}`;
    else if (extra.length < EXTRA_MAX) extra.push(`${name.slice(0, 100)}: ${value.replace(/\s*\n\s*/g, ' ')}`);
  }
  const email = found.email ? normalizeEmail(found.email.value) : null;
  const phone = found.phone ? normalizePhone(found.phone.value, region) : null;
  if (!email && !phone) {
    const issues: FieldIssue[] = [];
    if (found.phone) issues.push({ field: found.phone.field, message: `"${found.phone.value.slice(0, 60)}" is not a phone number` });
    if (found.email) issues.push({ field: found.email.field, message: `"${found.email.value.slice(0, 100)}" is not an e-mail address` });
    if (!found.phone && !found.email) {
      issues.push({ field: 'phone', message: 'a phone or an e-mail is required' });
      issues.push({ field: 'email', message: 'a phone or an e-mail is required' });
    }
    return { ok: false, spam: false, issues };
  }
  // a malformed second way to reach them is kept as written, never a refusal
  if (found.email && !email) extra.unshift(`${found.email.field}: ${found.email.value}`);
  if (found.phone && !phone) extra.unshift(`${found.phone.field}: ${found.phone.value}`);
  const sender: InboundSender = {};
  if (found.name) sender.name = found.name.value.slice(0, 200);
  if (email) sender.email = email;
  if (phone) sender.phone = phone;
  if (found.company) sender.company = found.company.value.slice(0, 200);
  const text = [found.message?.value.trim() ?? '', ...extra].filter(Boolean).join('\n');
  return { ok: true, sender, email, phone, text };
}
