// The one shape every transport turns its events into (Telegram update, console line,
// Slack event, email). The schema validates queue payloads: a malformed job is rejected
// with a clear error instead of half-processed.
import { z } from 'zod';

export const CHANNELS = ['telegram', 'slack', 'email', 'console', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const attachmentSchema = z.object({
  /** photo | document | voice | video | audio | sticker | file */
  kind: z.string().min(1),
  fileId: z.string().optional(),
  name: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  mime: z.string().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/**
 * What the message itself says about its sender, beyond the platform identity: an email's
 * signature or a web form's fields today, a Telegram shared contact later. Every part optional;
 * the customer flow uses them to find the contact (email, then phone) and fills the contact's
 * empty fields with them, never overwriting what a manager set. Phones may be in any format:
 * they are normalised to E.164 with the workspace's region.
 */
export const inboundSenderSchema = z.object({
  name: z.string().max(200).optional(),
  phone: z.string().max(60).optional(),
  email: z.string().max(254).optional(),
  company: z.string().max(200).optional(),
});
export type InboundSender = z.infer<typeof inboundSenderSchema>;

export const inboundMessageSchema = z.object({
  /** the workspace this channel feeds; the worker's default when absent */
  workspaceId: z.number().int().positive().optional(),
  channel: z.enum(CHANNELS),
  /** platform user id of the sender (telegram user id, console name, email address) */
  externalUserId: z.string().min(1),
  /** where answers go (telegram chat id, console chat, email address) */
  externalChatId: z.string().min(1),
  text: z.string(),
  attachments: z.array(attachmentSchema).default([]),
  /** the platform message this one replies to (Telegram reply, Slack thread, email In-Reply-To) */
  replyToExternalId: z.string().optional(),
  /** at-least-once delivery: the same key is handled once (tg:<botId>:<update_id>, ...) */
  dedupeKey: z.string().min(1).max(500),
  /** ISO time the platform received it */
  receivedAt: z.string().datetime({ offset: true }),
  displayName: z.string().optional(),
  username: z.string().optional(),
  /** what the message says about its sender (email signature, web-form fields, shared contact) */
  sender: inboundSenderSchema.optional(),
  languageCode: z.string().optional(),
  email: z
    .object({
      from: z.string(),
      subject: z.string().optional(),
      messageId: z.string().optional(),
      inReplyTo: z.string().optional(),
      references: z.array(z.string()).optional(),
      mailboxId: z.number().int().optional(),
    })
    .optional(),
  /** a button press: the button's data string (the text is then empty) */
  callbackData: z.string().optional(),
  /** platform id of this message (for a button press: the message carrying the button) */
  messageExternalId: z.string().min(1),
  /** the chat is a group (shared) rather than a private chat */
  isGroup: z.boolean().optional(),
});

export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

/** Validates a payload from a queue or transport; throws a ZodError naming the bad fields. */
export function parseInboundMessage(value: unknown): InboundMessage {
  return inboundMessageSchema.parse(value);
}
