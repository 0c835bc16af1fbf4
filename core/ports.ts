// The few things core needs from the outside world. Connectors implement them;
// tests pass fakes or the real implementations.
import type { ChannelName } from './channels.js';

/** Current time; injected so tests and parsers can fix "now". */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A button under a message. `data` is an opaque action string handled by core/chat. */
export interface Button {
  label: string;
  data: string;
}

/** What core wants sent to one person on one channel; renderers turn it into platform markup. */
export interface OutboundMessage {
  channel: ChannelName;
  /** platform chat/channel id, or an email address */
  chatId: string;
  text: string;
  buttons?: Button[][];
  /** reply in this thread / to this platform message */
  replyToExternalId?: string;
  /** email only */
  subject?: string;
  headers?: Record<string, string>;
  /** an image to attach (PNG), e.g. a digest chart */
  image?: { png: Uint8Array; filename: string; caption?: string };
}

export interface SendResult {
  /** platform id of the sent message, used to map replies and button presses back */
  externalMessageId: string;
}

/** Sends one message on one channel. Permanent failures throw PermanentSendError. */
export interface ChannelSender {
  send(message: OutboundMessage): Promise<SendResult>;
}

/** The recipient can never be reached this way (blocked the bot, chat not found, bad address). */
export class PermanentSendError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/**
 * The platform asked us to slow down (HTTP 429 with retry_after). The outbound worker waits
 * retryAfterMs before sending to that chat again; it does not count as a failed attempt.
 */
export class RateLimitedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = `rate limited: retry after ${retryAfterMs} ms`,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** Schedules work for later (reminders, SLA checks). Implemented on BullMQ. */
export interface Scheduler {
  scheduleReminder(taskId: number, dueAt: Date): Promise<void>;
  cancelReminder(taskId: number): Promise<void>;
  scheduleSlaCheck(leadId: number, dueAt: Date): Promise<void>;
  /** re-times a user's digest schedules now (their time zone or subscriptions changed) */
  rescheduleDigests?(userId: number): Promise<void>;
}

/** A structured-output language model. Implemented with openai; absent when not configured. */
export interface Llm {
  /** Returns the parsed JSON matching `schema`, or null when the model is unavailable or answered badly. */
  complete<T>(request: { system: string; data: string; schemaName: string; schema: Record<string, unknown>; workspaceId: number }): Promise<T | null>;
}

/** Something core wants delivered to a person (team member or customer) through the outbound queue. */
export interface OutboxItem {
  workspaceId: number;
  /** the Identity to reach: its channel and chatId say where */
  identityId: number;
  text: string;
  buttons?: Button[][];
  replyToExternalId?: string;
  subject?: string;
  headers?: Record<string, string>;
  /** a PNG to attach (digest charts); kept small */
  image?: { pngBase64: string; filename: string; caption?: string };
  /** what the message is about: stored as a NotificationRef once sent, so replies and buttons map back */
  ref?: { userId?: number; conversationId?: number; leadId?: number; dealId?: number; taskId?: number };
  /** the outbound Message row this delivers (replies to customers): marked sent/failed */
  messageId?: number;
  /** the lead this answers: its first response is marked once the platform accepts the message (`at`: when it was written) */
  firstResponse?: { leadId: number; at: string };
  /** told when delivery fails for good (the manager whose reply to a customer bounced) */
  notifyOnFailureUserId?: number;
  /** idempotency: the same key is delivered at most once */
  dedupeKey?: string;
}

/** The outbound queue: every message to a user or customer goes through it. */
export interface Outbox {
  enqueue(item: OutboxItem): Promise<void>;
  /** several items in one queue round trip (the items of one handled message); optional */
  enqueueMany?(items: OutboxItem[]): Promise<void>;
}

/** What an attempt limiter counts: wrong invite codes per identity and per workspace, and the one notice a blocked identity gets. */
export type AttemptRule = 'invite_identity' | 'invite_workspace' | 'invite_notice';

/**
 * Counts attempts at guessable secrets (invite codes) in fixed windows shared by every
 * process. Implemented on Redis (rate-limiter-flexible); absent = no limit (tests of other things).
 */
export interface AttemptLimiter {
  /** ms until `key` may try again under `rule` (0: it may now) */
  blockedFor(rule: AttemptRule, key: string): Promise<number>;
  /** counts one attempt; resolves to the attempts counted in the current window, this one included */
  count(rule: AttemptRule, key: string): Promise<number>;
}
