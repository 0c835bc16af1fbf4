// An understood email -> the channel-agnostic InboundMessage the chat engine takes
// (core/chat handleInbound). Only leads, replies and form leads get here.
import type { InboundMessageInput, InboundSender } from '../chat/inbound.js';
import type { InboundEmail } from './understand-email.js';

export interface EmailSource {
  workspaceId: number;
  mailboxId?: number;
  /** at-least-once key: email:<mailbox>:<uidvalidity>:<uid> from IMAP, or a content hash for a file */
  dedupeKey: string;
  /** when the server received it, if the message's own Date is missing */
  receivedAt: Date;
}

/** What the email says about its sender: form fields or the signature; a company guessed from the domain alone is left out. */
export function senderOf(email: InboundEmail): InboundSender | undefined {
  const c = email.contact;
  const sender: InboundSender = {};
  if (c.name) sender.name = c.name;
  if (c.email) sender.email = c.email;
  if (c.phone) sender.phone = c.phone;
  if (c.company && c.companySource !== 'domain') sender.company = c.company;
  return Object.keys(sender).length ? sender : undefined;
}

export function toInboundMessage(email: InboundEmail, source: EmailSource): InboundMessageInput {
  const address = email.contact.email;
  // a form that left no e-mail: the phone (or the message itself) identifies the sender
  const who = address ?? (email.contact.phone ? `phone:${email.contact.phone}` : `message:${email.messageId ?? source.dedupeKey}`);
  const date = email.date ? new Date(email.date) : source.receivedAt;
  const text = email.text.trim() || email.subject;
  return {
    workspaceId: source.workspaceId,
    channel: 'email',
    externalUserId: who,
    externalChatId: who,
    text,
    attachments: email.attachments.map((a) => ({ kind: 'file', name: a.name ?? undefined, size: a.size, mime: a.mime })),
    replyToExternalId: email.inReplyTo ?? undefined,
    dedupeKey: source.dedupeKey,
    receivedAt: (Number.isNaN(date.getTime()) ? source.receivedAt : date).toISOString(),
    displayName: email.contact.name ?? undefined,
    sender: senderOf(email),
    languageCode: /[а-яё]/i.test(`${email.subject} ${text}`) ? 'ru' : undefined,
    email: {
      from: address ?? who,
      subject: email.subject || undefined,
      messageId: email.messageId ?? undefined,
      inReplyTo: email.inReplyTo ?? undefined,
      references: email.references,
      mailboxId: source.mailboxId,
    },
    messageExternalId: email.messageId ?? source.dedupeKey,
  };
}
