// The one shape every transport turns its events into (Telegram update, console line,
// Slack event, email). The schema validates queue payloads: a malformed job is rejected
// with a clear error instead of half-processed. parseInboundMessage also cleans every
// string once, at the boundary (core/text/sanitize.ts): what reaches the engine can be
// stored and shown.
import { z } from 'zod';
import { cleanDeep, cleanLine } from '../text/sanitize.js';
import { textLocale } from '../i18n/index.js';

import { CHANNELS, type ChannelName } from '../channels.js';

export { CHANNELS, type ChannelName };

export const attachmentSchema = z.object({
  /** photo | document | voice | video | audio | sticker | file */
  kind: z.string().min(1),
  fileId: z.string().optional(),
  name: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  mime: z.string().optional(),
  /** audio: the track's title and performer, as the file's tags say */
  title: z.string().max(300).optional(),
  performer: z.string().max(300).optional(),
  /** where the platform serves the file to the bot (Slack url_private); fetched with the bot's token */
  url: z.string().max(2000).optional(),
  /** the file as Leadline stored it (core/files/file-store.ts fileKey) */
  storageKey: z.string().max(300).optional(),
  /** why the file could not be fetched: over the bot's download limit, or the platform no longer has it */
  unavailable: z.enum(['too_large', 'gone']).optional(),
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
/** A place the customer shared (Telegram location or venue); coordinates in degrees. */
export const inboundLocationSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  /** a venue's name */
  title: z.string().max(300).optional(),
  /** a venue's address */
  address: z.string().max(500).optional(),
});
export type InboundLocation = z.infer<typeof inboundLocationSchema>;

/**
 * Who wrote what the customer forwarded or shared: a person ("user"), a person who hides
 * their account ("hidden_user", name only), a group ("chat"), a channel ("channel"), or a
 * message shared from a chat workspace ("message": Slack's share of another message).
 */
export const forwardOriginSchema = z.object({
  kind: z.enum(['user', 'hidden_user', 'chat', 'channel', 'message']),
  name: z.string().max(300).optional(),
});
export type ForwardOrigin = z.infer<typeof forwardOriginSchema>;

const SENDER_FIELD_MAX: ReadonlyArray<[keyof InboundSender, number]> = [
  ['name', 200],
  ['phone', 60],
  ['email', 254],
  ['company', 200],
];

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
  /**
   * The request that brought it (the HTTP request id, X-Request-Id when the caller sends one), for
   * logs from the webhook to the send; the outbox items of its turn carry it (pending-outbox.ts
   * keyed). A message without one is traced by its dedupeKey.
   */
  traceId: z.string().min(1).max(128).optional(),
  /** ISO time the platform received it */
  receivedAt: z.string().datetime({ offset: true }),
  displayName: z.string().optional(),
  username: z.string().optional(),
  /** what the message says about its sender (email signature, web-form fields, shared contact) */
  sender: inboundSenderSchema.optional(),
  languageCode: z.string().optional(),
  /** a place the customer shared (location or venue) */
  location: inboundLocationSchema.optional(),
  /** a contact card the message carries (when it is the sender's own, its phone is also in sender.phone) */
  sharedContact: z.object({ phone: z.string().max(60), name: z.string().max(200).optional() }).optional(),
  /** the message (or its content) was forwarded or shared from someone else */
  forwardedFrom: forwardOriginSchema.optional(),
  /** URLs hidden behind link text (Telegram text_link entities), in order, without repeats */
  links: z.array(z.string().max(2000)).max(50).optional(),
  /** one item of an album (Telegram media_group_id): the items are sent on to the manager as one */
  mediaGroupId: z.string().min(1).max(100).optional(),
  /** an edit: the platform id (as messageExternalId) of the message edited; text is the new text */
  editOf: z.string().min(1).optional(),
  /**
   * Not a message but a change of the chat itself: "blocked" (the person blocked the bot or
   * removed the app; nothing can be sent to them any more), "unblocked" (they are back),
   * "deleted" (messages deleted in a Business account's chat: deletedIds),
   * "business_connection" (a Business account connected, changed or disconnected:
   * businessConnection), "group_added" / "group_removed" (the bot in a client group: groupChat).
   */
  chatEvent: z.enum(['blocked', 'unblocked', 'deleted', 'business_connection', 'group_added', 'group_removed']).optional(),
  /**
   * A message in a private chat of a team member's Telegram Business account: `connectionId`
   * is the platform's business connection; `own` when the account owner wrote it (from their
   * phone), so externalChatId is the customer's chat and externalUserId the owner.
   */
  business: z.object({ connectionId: z.string().min(1).max(200), own: z.boolean().optional() }).optional(),
  /**
   * chatEvent "business_connection": a Business account connected to the bot, changed or
   * disconnected. externalUserId is the account owner, externalChatId their chat with the bot.
   */
  businessConnection: z.object({ id: z.string().min(1).max(200), enabled: z.boolean(), canReply: z.boolean() }).optional(),
  /** chatEvent "deleted": the platform ids (as messageExternalId) of the messages deleted */
  deletedIds: z.array(z.string().min(1).max(100)).max(1000).optional(),
  /**
   * A client group chat (Telegram group or supergroup) the message came from: its title, and
   * for chatEvent "group_added" whether the bot is an administrator (sees every message).
   */
  groupChat: z.object({ title: z.string().max(300), botIsAdmin: z.boolean().optional() }).optional(),
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
  /**
   * How the message reached Leadline when it is not a plain message in a chat:
   * "mention" (someone addressed the app in a shared channel; answers go to their DM),
   * "command" (a platform slash command such as Slack's /crm), "shortcut" (a team member
   * turned someone's message into a lead; the message is that someone's, see requestedBy).
   * The engine decides what each means for whom (core/chat/addressing.ts).
   */
  origin: z.enum(['mention', 'command', 'shortcut']).optional(),
  /** origin "shortcut": the platform user id of the member who asked */
  requestedBy: z.string().min(1).optional(),
});

export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

/** The earliest receive time kept as given; anything earlier (or unreadable, or in the future) becomes "now". */
const EARLIEST = Date.UTC(2000, 0, 1);
const FUTURE_SLACK_MS = 24 * 3600 * 1000;

/**
 * Every string cleaned (no NUL or control characters, no lone surrogates, texts bounded),
 * names and subjects made one bidi-free line, and a receive time Postgres can store and a
 * person would believe (a mail dated year 0 is received `now`). Idempotent; anything not an
 * object is returned as is for the schema to refuse.
 */
export function sanitizeInbound<T>(value: T, now: Date): T {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const m = cleanDeep(value) as Record<string, unknown>;
  if (typeof m.receivedAt === 'string') {
    const at = Date.parse(m.receivedAt);
    if (!Number.isFinite(at) || at < EARLIEST || at > now.getTime() + FUTURE_SLACK_MS) m.receivedAt = now.toISOString();
  }
  for (const key of ['displayName', 'username'] as const) if (typeof m[key] === 'string') m[key] = cleanLine(m[key]);
  const email = m.email as Record<string, unknown> | undefined;
  if (email && typeof email.subject === 'string') email.subject = cleanLine(email.subject, 1000);
  const location = m.location as Record<string, unknown> | undefined;
  if (location && typeof location === 'object') {
    if (typeof location.title === 'string') location.title = cleanLine(location.title, 300);
    if (typeof location.address === 'string') location.address = cleanLine(location.address, 500);
  }
  const origin = m.forwardedFrom as Record<string, unknown> | undefined;
  if (origin && typeof origin === 'object' && typeof origin.name === 'string') origin.name = cleanLine(origin.name, 300);
  const group = m.groupChat as Record<string, unknown> | undefined;
  if (group && typeof group === 'object' && typeof group.title === 'string') group.title = cleanLine(group.title, 300);
  const card = m.sharedContact as Record<string, unknown> | undefined;
  if (card && typeof card === 'object') {
    if (typeof card.phone === 'string') card.phone = cleanLine(card.phone, 60);
    if (typeof card.name === 'string') card.name = cleanLine(card.name, 200);
  }
  if (Array.isArray(m.attachments)) {
    for (const a of m.attachments as Array<Record<string, unknown>>) {
      if (!a) continue;
      if (typeof a.name === 'string') a.name = cleanLine(a.name);
      for (const key of ['title', 'performer'] as const) if (typeof a[key] === 'string') a[key] = cleanLine(a[key], 300);
    }
  }
  // what a message says about its sender (a web form's fields) is one line each, within the schema's bounds
  const sender = m.sender as Record<string, unknown> | undefined;
  if (sender && typeof sender === 'object' && !Array.isArray(sender)) {
    for (const [key, max] of SENDER_FIELD_MAX) if (typeof sender[key] === 'string') sender[key] = cleanLine(sender[key], max);
  }
  return m as T;
}

/** Cleans and validates a payload from a queue or transport (`now`: when it is taken); throws a ZodError naming the bad fields. */
export function parseInboundMessage(value: unknown, now: Date): InboundMessage {
  const m = inboundMessageSchema.parse(sanitizeInbound(value, now));
  // where the channel gives no language code, the text tells (a button press says nothing)
  if (!m.languageCode && !m.callbackData) {
    const fromText = textLocale(m.text);
    if (fromText) m.languageCode = fromText;
  }
  return m;
}

/**
 * The conversation a message belongs to, for fairness between senders (the inbound queue
 * takes every chat's k-th pending message before any chat's (k+1)-th): the channel, the
 * workspace and the chat answers go to (a Telegram chat, a Slack DM or customer thread, an
 * email address; for a web form the sender's email or phone, as core/forms/forms.ts names
 * them; addresses in lower case). Messages with one key keep their order.
 */
export function inboundChatKey(m: Pick<InboundMessage, 'channel' | 'externalChatId' | 'workspaceId'>): string {
  const chat = m.channel === 'email' || m.channel === 'web' ? m.externalChatId.trim().toLowerCase() : m.externalChatId;
  return `${m.channel}:${m.workspaceId ?? '-'}:${chat}`;
}
