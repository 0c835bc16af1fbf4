// The few things core needs from the outside world. Connectors implement them;
// tests pass fakes or the real implementations.
import type { ChannelName } from './channels.js';
import type { DbOrTx } from './db.js';
import type { AuditEntry } from './audit.js';
import type { Contact, Lead, Prisma } from '../prisma/generated/client.js';
import type { LeadStatus } from '../prisma/generated/enums.js';
import type { Locale } from './i18n/types.js';

/** Current time; injected so tests and parsers can fix "now". */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A button under a message. `data` is an opaque action string handled by core/chat. */
export interface Button {
  label: string;
  data: string;
  /**
   * Opens this URL as the Mini App instead of sending `data`: a web_app button in a Telegram
   * private chat (Telegram signs initData for it), a plain link button in a Telegram group;
   * left out on Slack (its App Home has a signed link of its own) and other channels.
   */
  webApp?: string;
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
  /**
   * The message asks its reader to answer it (the Reply button's prompt): a reply to it is
   * relayed like a reply to the notification. Telegram and Slack readers reply to it themselves;
   * the console makes the next line typed after it that reply.
   */
  asksForReply?: boolean;
  /** Telegram Business: sent on the connected account's behalf, in its chat with the customer */
  businessConnectionId?: string;
  /** email only */
  subject?: string;
  headers?: Record<string, string>;
  /** an image to attach (PNG), e.g. a digest chart */
  image?: { png: Uint8Array; filename: string; caption?: string };
  /** files to send with the text (read from the file store by the delivery); the text is their caption when short */
  files?: OutboundFile[];
}

/** A file as a sender gets it: its bytes, name, type and kind (photo | document | voice | ...). */
export interface OutboundFile {
  bytes: Uint8Array;
  name: string;
  mime?: string;
  kind: string;
}

export interface SendResult {
  /** platform id of the sent message, used to map replies and button presses back */
  externalMessageId: string;
}

/** Sends one message on one channel. Permanent failures throw PermanentSendError. */
export interface ChannelSender {
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * Replaces the text (and buttons) of a message this sender sent before (a mailing's progress
   * message); optional: without it the outbound path sends the new text as a new message.
   */
  edit?(message: OutboundMessage, externalMessageId: string): Promise<SendResult>;
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
  /**
   * (Re)times a lead's first-response check; `first`: the lead was just captured, so no check
   * of it can exist yet (one round trip fewer on every new lead).
   */
  scheduleSlaCheck(leadId: number, dueAt: Date, options?: { first?: boolean }): Promise<void>;
  /** a client group's first-response check (core/sla/check-group-sla.ts) */
  scheduleGroupCheck?(groupId: number, dueAt: Date): Promise<void>;
  /** re-times a user's digest schedules now (their time zone or subscriptions changed) */
  rescheduleDigests?(userId: number): Promise<void>;
  /** puts a member back on duty at the end of their vacation (core/users/vacation.ts) */
  scheduleVacationEnd?(userId: number, at: Date): Promise<void>;
}

/** A structured-output language model. Implemented with openai; absent when not configured. */
export interface Llm {
  /** Returns the parsed JSON matching `schema`, or null when the model is unavailable or answered badly. */
  complete<T>(request: { system: string; data: string; schemaName: string; schema: Record<string, unknown>; workspaceId: number }): Promise<T | null>;
}

/**
 * How urgent an outbox item is. The outbound queue serves lanes by priority, so a person
 * waiting for an answer never queues behind a digest or a bulk send:
 * - "interactive": replies, relayed answers, lead notifications, due reminders, SLA alerts (default);
 * - "digest": scheduled summaries;
 * - "bulk": mass sends.
 */
export type OutboxLane = 'interactive' | 'digest' | 'bulk';

/** Something core wants delivered to a person (team member or customer) through the outbound queue. */
export interface OutboxItem {
  workspaceId: number;
  /** the request (or inbound message) it answers, carried into the send's log lines */
  traceId?: string;
  /** the Identity to reach: its channel and chatId say where (this or `chat`) */
  identityId?: number;
  /**
   * The chat to answer in, for a reply to where a message came from (the speaker may have no
   * identity yet, e.g. someone typing a wrong invite code). Used when identityId is absent.
   */
  chat?: { channel: ChannelName; chatId: string };
  lane?: OutboxLane;
  text: string;
  buttons?: Button[][];
  replyToExternalId?: string;
  /**
   * The message asks its reader to answer it (the Reply button's prompt): a reply to it is
   * relayed like a reply to the notification. Telegram and Slack readers reply to it themselves;
   * the console makes the next line typed after it that reply.
   */
  asksForReply?: boolean;
  /** send on behalf of a team member's Telegram Business account (its platform connection id) */
  businessConnectionId?: string;
  subject?: string;
  headers?: Record<string, string>;
  /** a PNG to attach (digest charts); kept small */
  image?: { pngBase64: string; filename: string; caption?: string };
  /** stored files to send (core/files): the queue carries their keys, the delivery reads the bytes */
  files?: OutboxFile[];
  /** what the message is about: stored as a NotificationRef once sent, so replies and buttons map back */
  ref?: { userId?: number; conversationId?: number; leadId?: number; dealId?: number; taskId?: number };
  /** the outbound Message row this delivers (replies to customers): marked sent/failed */
  messageId?: number;
  /** the lead this answers: its first response is marked once the platform accepts the message (`at`: when it was written) */
  firstResponse?: { leadId: number; at: string };
  /** told when delivery fails for good (the manager whose reply to a customer bounced) */
  notifyOnFailureUserId?: number;
  /** a mailing's message to this contact: skipped at send time when they opted out after it was queued; on their timeline once sent */
  mailingContactId?: number;
  /** idempotency: the same key is delivered at most once */
  dedupeKey?: string;
  /** the platform id of a message sent before to the same chat: its text is replaced instead (senders with `edit`) */
  editOf?: string;
  /**
   * A notice to a team member about a customer's message (a new lead, a forwarded message).
   * Notices waiting for a chat held up by its platform limit are folded into one summary
   * (core/outbound/coalesce.ts); they need a dedupeKey to be folded.
   */
  notice?: NoticeInfo;
}

/** What a summary of folded notices shows of one notice (core/outbound/coalesce.ts). */
export interface NoticeInfo {
  /** the customer's name as shown to the manager */
  name: string;
  leadId?: number;
  dealId?: number;
  /** the start of the customer's words, one line */
  snippet: string;
  /** the recipient's language */
  locale: Locale;
}

/** A stored file an outbox item sends (core/files/file-store.ts keys). */
export interface OutboxFile {
  key: string;
  name: string;
  kind: string;
  size: number;
  mime?: string;
}

/** The outbound queue: every message to a user or customer goes through it. */
export interface Outbox {
  enqueue(item: OutboxItem): Promise<void>;
  /** several items in one queue round trip (the items of one handled message); optional */
  enqueueMany?(items: OutboxItem[]): Promise<void>;
}

/** An album's forward (core/chat/albums.ts): the conversation its items are stored in, and the album's platform id. */
export interface AlbumJob {
  workspaceId: number;
  conversationId: number;
  mediaGroupId: string;
}

/** Runs an album's forward once, `delayMs` after the first call for it (later calls for the same album are no-ops). */
export interface AlbumScheduler {
  schedule(job: AlbumJob, delayMs: number): Promise<void>;
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

/** An inbound event as the intake store claims it (InboundEvent: dedupe key unique). */
export interface IntakeEvent {
  dedupeKey: string;
  channel: ChannelName;
  receivedAt: Date;
  /** the turn's time (InboundEvent.processedAt) */
  now: Date;
}

/** A customer's message as the intake store writes it (Message row and the sender's identity). */
export interface IntakeMessage extends IntakeEvent {
  workspaceId: number;
  externalUserId: string;
  chatId: string;
  /** Message.externalId (messageExternalId of core/chat/customer-flow.ts) */
  messageExternalId: string;
  text: string;
  attachments: Prisma.InputJsonValue;
}

export interface ReturningInput extends IntakeMessage {
  /** the language the message came with; null matches any */
  languageCode: string | null;
  /** the lead statuses that count as open (core/leads/lead-access.ts OPEN_LEAD_STATUSES) */
  openLeadStatuses: readonly LeadStatus[];
}

export interface ReturningResult {
  /** an identity exists for the sender (customer or member) */
  known: boolean;
  /** the message was handled here (false: nothing was written, run the full flow) */
  handled: boolean;
  /** handled and this dedupe key was new (false: a redelivery, nothing to do) */
  claimed: boolean;
  /** claimed and the platform message was new (false: already stored under another key) */
  stored: boolean;
  contactName: string;
  conversationId: number;
  leadId: number | null;
  dealId: number | null;
  /** whom to forward to: the open lead's assignee, else the open deal's owner */
  ownerId: number | null;
}

export interface NewCustomerInput extends IntakeMessage {
  displayName: string | null;
  username: string | null;
  languageCode: string | null;
  contactName: string;
  /**
   * What the message says the sender's e-mail and phone are (a web form, the REST API), as
   * keys normalised by core; the contact is created with them. Nothing is written when either
   * already belongs to a contact (that person is found by the full flow). Null: none said.
   */
  email: string | null;
  phone: string | null;
  assigneeId: number;
  leadTitle: string;
  /** the lead's first message (null when empty) */
  firstMessage: string | null;
  firstResponseDueAt: Date;
}

export interface NewCustomerResult {
  /** the rows as created (RETURNING): core/audit.ts builds the audit JSON from them */
  contact: Contact;
  identityId: number;
  conversationId: number;
  /** null when the platform message was stored already (then no lead, as in the full flow) */
  lead: Lead | null;
  /** the workspace has enabled new-lead automation rules (core/automation runs them; none: no query at all) */
  leadRules: boolean;
}

/**
 * The intake store: what handling a customer's message writes, in as few statements as the
 * shape allows (connectors/db/intake: the SQL store and its ORM twin, one conformance suite,
 * test/integration/db/intake/conformance.test.ts). Rules (which lead statuses are open) come
 * in with the call; audit JSON is built by core/audit.ts; times come from core's Clock.
 * Methods taking `tx` run in the caller's transaction; the others on their own.
 */
export interface CustomerIntake {
  /** Claims an event's dedupe key; false when it was handled before. Never aborts a transaction. */
  claimEvent(db: DbOrTx, event: IntakeEvent): Promise<boolean>;
  /** Serializes one customer's messages until the transaction ends (customerKey: channel:externalUserId). */
  lockCustomer(tx: DbOrTx, p: { workspaceId: number; customerKey: string }): Promise<void>;
  /** lockCustomer, then claimEvent; false when the event was handled before. */
  lockAndClaim(tx: DbOrTx, event: IntakeEvent & { workspaceId: number; customerKey: string }): Promise<boolean>;
  /**
   * A returning customer's message (identity -> live contact, same chat id and language, an
   * open conversation and an open lead or deal): claims the event, stores the message, touches
   * the conversation and says whom to forward to. Writes nothing when the shape does not hold
   * (`handled` false). Commits on its own (shared with concurrent calls: group commit).
   */
  forwardReturning(input: ReturningInput): Promise<ReturningResult>;
  /**
   * A brand-new customer's first message, in the caller's transaction after lockAndClaim:
   * contact (with the e-mail and phone it says), identity, conversation, message, lead and
   * their Activity rows. Null (nothing written) when the identity, the e-mail or the phone
   * exists after all, or the assignee is no longer active. A key claimed by a concurrent
   * transaction meanwhile fails the statement (a unique violation): with keys, run it in a
   * savepoint.
   */
  captureNewCustomer(tx: DbOrTx, input: NewCustomerInput): Promise<NewCustomerResult | null>;
  /**
   * A transaction for the statements above (and any other raw statement) without the ORM's
   * per-query work: the brand-new customer's turn, the hottest one. Its handle serves raw
   * statements only; anything else on it throws. Absent where the store has none (the ORM
   * twin): the turn then takes the ORM's transaction.
   */
  leanTransaction?<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T>;
  /** The next on-duty manager, stamped, without serializing picks (null: none free now). */
  pickAssignee(p: { workspaceId: number; now: Date }): Promise<{ id: number } | null>;
  /**
   * The turn's closing write, in its transaction: the audit rows it deferred and the outbox
   * items kept on its InboundEvent until they are queued (null: leave pendingOutbox as is);
   * `now`: the audit rows' time.
   */
  storeTurn(tx: DbOrTx, p: { dedupeKey: string; pending: OutboxItem[] | null; audits: AuditEntry[]; now: Date }): Promise<void>;
  /** What an event's first handling left on its InboundEvent (items, a forward marker, or null). */
  loadPending(dedupeKey: string): Promise<unknown>;
  /** Clears an event's pending items once they are on the queue. */
  clearPending(dedupeKey: string): Promise<void>;
}
