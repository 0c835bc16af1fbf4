// One call from a parsed message to what the rest of Leadline needs: the kind and why, the
// customer, the cleaned text (original kept), the thread. The email connector and
// `leadline ingest-email` both go through here.
import { classifyEmail, type ClassifyOptions } from './classify-email.js';
import { cleanBody } from './clean-body.js';
import { extractContact } from './extract-contact.js';
import { threadKey } from './thread-key.js';
import type { EmailClassification, EmailContact, EmailKind, EmailReasonCode, ParsedEmail } from './types.js';

export interface InboundEmail {
  kind: EmailKind;
  /** the class of the reason (see EmailReasonCode) */
  code: EmailReasonCode;
  reason: string;
  contact: EmailContact;
  subject: string;
  /** cleaned text for the manager */
  text: string;
  /** the full body as received (bounded by the parser) */
  originalText: string;
  threadKey: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  date: string | null;
  bouncedRecipients: string[];
  /** the recipients that failed permanently (only from a bounce): the addresses to mark undeliverable */
  undeliverableRecipients: string[];
  /** the original message's id inside a bounce, to find the conversation it belongs to */
  returnedMessageId: string | null;
  attachments: Array<{ name: string | null; size: number; mime: string; kept: boolean }>;
  /** only new leads, replies and form leads go on to the lead flow */
  reachesLeadFlow: boolean;
}

export interface UnderstandOptions extends ClassifyOptions {
  phoneRegion: string;
  freeMailDomains?: readonly string[];
}

const TO_LEAD_FLOW: ReadonlySet<EmailKind> = new Set(['lead', 'reply', 'form']);

export function understandEmail(parsed: ParsedEmail, opts: UnderstandOptions): InboundEmail {
  const classification: EmailClassification = classifyEmail(parsed, opts);
  const cleaned = cleanBody(parsed.text);
  const text = classification.kind === 'form' && classification.formFields?.message ? classification.formFields.message : cleaned.text;
  const contact = extractContact(parsed, cleaned, {
    phoneRegion: opts.phoneRegion,
    freeMailDomains: opts.freeMailDomains,
    formFields: classification.formFields,
  });
  return {
    kind: classification.kind,
    code: classification.code,
    reason: classification.reason,
    contact,
    subject: parsed.subject,
    text,
    originalText: parsed.text,
    threadKey: threadKey(parsed),
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    date: parsed.date,
    bouncedRecipients: classification.bouncedRecipients ?? [],
    undeliverableRecipients: classification.kind === 'bounce' ? (classification.undeliverable ?? []) : [],
    returnedMessageId: parsed.returnedMessageId,
    attachments: parsed.attachments.map((a) => ({ name: a.filename, size: a.size, mime: a.mime, kept: a.kept })),
    reachesLeadFlow: TO_LEAD_FLOW.has(classification.kind),
  };
}
