// Delivers one OutboxItem: resolves the identity to a channel + chat, sends it with the
// channel's sender, and records the outcome (NotificationRef, Message status, the
// OutboundDelivery ledger for deduplicated items, Activity and the identity's
// reachability on permanent failure). A notice whose send comes with others waiting for
// the same chat carries them in one summary (core/outbound/coalesce.ts): their ledger rows
// are claimed before the platform call and marked "coalesced" with its own "sent".
// Transport-free: the queue worker calls it and owns retries, rate limits and the
// crash-recovery story.
import type { Channel } from '../../prisma/generated/enums.js';
import { recordActivity } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { ClaimResult, DeliveryLedger } from './ledger.js';
import type { ChannelSender, Outbox, OutboxItem, OutboundFile, OutboundMessage } from '../ports.js';
import type { FileStore } from '../files/file-store.js';
import { PermanentSendError } from '../ports.js';
import { t, type MessageKey } from '../i18n/index.js';
import { loadTeamRecipient } from './recipient.js';
import { markFirstResponse } from '../leads/mark-first-response.js';
import { foldable, foldedNotice, summaryOf, type FoldedNotice } from './coalesce.js';

export type ChannelSenders = Partial<Record<Channel, ChannelSender>>;

export interface DeliveryTarget {
  channel: Channel;
  chatId: string;
  /** null for an item addressed to a chat (a reply to where a message came from) */
  identityId: number | null;
}

export type DeliveryOutcome =
  /** `folded`: the dedupe keys of the other notices this message carried (coalescing) */
  | { status: 'sent'; externalMessageId: string; target: DeliveryTarget; folded?: string[] }
  /** the dedupe key was already delivered (or given up on): nothing sent */
  | { status: 'duplicate' }
  /** not sent and never will be (unreachable identity, no chat) */
  | { status: 'skipped'; reason: string }
  /** the platform refused for good: recorded, not retried */
  | { status: 'failed'; reason: string }
  /** another worker is sending this item right now: look again later */
  | { status: 'busy' };

export interface DeliveryLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the rate limiter hands over with the send: notices this message is to carry besides its own. */
export interface SendTaken {
  folded?: FoldedNotice[];
}

export interface DeliverOptions {
  /** the OutboundDelivery ledger (connectors/db/delivery-ledger.ts) */
  ledger: DeliveryLedger;
  /**
   * The item's claim when the caller made it already, in a statement of its own (a due
   * reminder claims its occurrence and its send together: core/reminders/fire-reminder.ts)
   */
  claimed?: ClaimResult;
  /**
   * Called right before the platform call (rate limiting); may throw to postpone. For a
   * foldable notice it may hand over other notices waiting for the chat (coalescing): the
   * message then carries them all (core/outbound/coalesce.ts).
   */
  beforeSend?: (target: DeliveryTarget) => Promise<void | SendTaken>;
  /** gives back notices handed over by beforeSend that this message does not carry after all (not sent, or no longer open) */
  unfold?: (target: DeliveryTarget, notices: FoldedNotice[]) => Promise<void>;
  /** called right after the platform accepted the message and it was recorded */
  afterSend?: (target: DeliveryTarget) => Promise<void>;
  /** where to queue the "could not be delivered" notice for item.notifyOnFailureUserId */
  outbox?: Outbox;
  /** where the files of items that carry them are read (core/files); required for such items */
  files?: Pick<FileStore, 'get'>;
  /** a "sending" mark older than this is taken for a crashed worker's and sent again (default 120 s) */
  sendingStaleMs?: number;
  logger?: DeliveryLogger;
}

/** Final states of the ledger: a key in one of these is never sent again ("coalesced": another message carried it). */
const FINAL = ['sent', 'failed', 'skipped', 'coalesced'];

export class MissingSenderError extends Error {
  constructor(readonly channel: string) {
    super(`no sender is configured for channel ${channel} in this process`);
    this.name = 'MissingSenderError';
  }
}

/** Where an item goes: its identity, or the chat it is addressed to. */
export function itemAddress(item: OutboxItem): { identityId: number | null; chat: { channel: Channel; chatId: string } | null } {
  if (item.identityId) return { identityId: item.identityId, chat: null };
  if (item.chat) return { identityId: null, chat: { channel: item.chat.channel as Channel, chatId: item.chat.chatId } };
  throw new Error('an outbox item needs an identityId or a chat');
}

export async function deliverOutboxItem(ctx: CoreContext, senders: ChannelSenders, item: OutboxItem, options: DeliverOptions): Promise<DeliveryOutcome> {
  const db = ctx.db;
  const { ledger } = options;
  const key = item.dedupeKey ?? null;
  const channels = Object.keys(senders).filter((c) => senders[c as Channel]);
  const request = {
    workspaceId: item.workspaceId,
    ...itemAddress(item),
    dedupeKey: key,
    sendingStaleMs: options.sendingStaleMs ?? 120_000,
    channels,
  };
  // A notice that may be folded claims its send only once the rate limiter hands it over
  // (below): most such notices are put back to wait for their chat, or end up carried by
  // another's message, and a claim taken now would be a write to hand back. Anything else is
  // claimed in the look-up itself, one statement.
  const late = !options.claimed && key !== null && foldable(item);
  const row = options.claimed ?? (await ledger.claim(db, { ...request, take: !late }));
  if (row.ledger && FINAL.includes(row.ledger)) return { status: 'duplicate' };
  if (!row.found) {
    if (row.ledger) return { status: 'duplicate' };
    await recordGivenUp(ctx, item, 'skipped', 'identity_not_found', options.outbox);
    return { status: 'skipped', reason: 'identity_not_found' };
  }
  if (row.unreachable) {
    const reason = `unreachable: ${row.unreachableReason ?? 'unknown'}`;
    await recordGivenUp(ctx, item, 'skipped', reason, options.outbox);
    return { status: 'skipped', reason };
  }
  if (!row.chatId) {
    await recordGivenUp(ctx, item, 'skipped', 'no_chat', options.outbox);
    return { status: 'skipped', reason: 'no_chat' };
  }
  const channel = row.channel!;
  const sender = senders[channel];
  if (!sender) throw new MissingSenderError(channel);
  // another worker is sending this very item (a job recovered while its first run goes on),
  // or another's message is carrying it
  if (key && (late ? row.refused : !row.claimed)) return { status: 'busy' };
  // a mailing's message whose contact said "stop" after it was queued is not sent
  if (item.mailingContactId && (await optedOut(ctx, item.workspaceId, item.mailingContactId))) {
    await recordGivenUp(ctx, item, 'skipped', 'opted_out', options.outbox);
    return { status: 'skipped', reason: 'opted_out' };
  }
  const target: DeliveryTarget = { channel, chatId: row.chatId, identityId: row.identityId };
  /** this run holds the key's claim ("sending"): handed back when it does not send */
  let holds = key !== null && !late;
  const release = async (e: unknown) => {
    if (holds) await ledger.release(db, key!, String((e as Error)?.message ?? e));
  };

  // the files' bytes are read before the send is taken, so no slot waits on the store
  let files: OutboundMessage['files'];
  try {
    files = await loadFiles(item, options.files);
  } catch (e) {
    await release(e);
    throw e;
  }
  if (files && files.length === 0 && !item.text.trim()) {
    // erased (or removed) since it was queued: nothing left to send
    await recordGivenUp(ctx, item, 'skipped', 'file_gone', options.outbox);
    return { status: 'skipped', reason: 'file_gone' };
  }

  let taken: void | SendTaken;
  try {
    // rate limits: may wait, or throw to postpone the job, which then hands the send back
    taken = await options.beforeSend?.(target);
  } catch (e) {
    await release(e);
    throw e;
  }
  // notices waiting for the same chat that this message carries too (coalescing)
  let folded: FoldedNotice[] = [];
  const handed = taken?.folded ?? [];
  const giveBack = async (notices: FoldedNotice[]) => {
    if (notices.length === 0) return;
    try {
      await options.unfold?.(target, notices);
    } catch (err) {
      // their own jobs still send them: a notice handed back late is late, never lost
      options.logger?.warn({ err, notices: notices.length }, 'could not hand folded notices back');
    }
  };
  if (late) {
    // the send is this job's now: the ledger, the authority, has the last word
    let claim: ClaimResult;
    try {
      claim = await ledger.claim(db, request);
    } catch (e) {
      await giveBack(handed);
      throw e;
    }
    if (!claim.claimed) {
      await giveBack(handed);
      return claim.ledger && FINAL.includes(claim.ledger) ? { status: 'duplicate' } : { status: 'busy' };
    }
    holds = true;
  }
  let sent: OutboxItem = item;
  if (handed.length && key && foldable(item)) {
    try {
      const claimed = new Set(
        await ledger.claimFolded(
          db,
          { dedupeKey: key, workspaceId: item.workspaceId, identityId: target.identityId },
          handed.map((n) => n.dedupeKey),
        ),
      );
      folded = handed.filter((n) => claimed.has(n.dedupeKey));
    } catch (e) {
      await release(e);
      await giveBack(handed);
      throw e;
    }
    if (folded.length) sent = { ...item, ...summaryOf([foldedNotice(item), ...folded]) };
  } else await giveBack(handed);
  const unclaim = async (e: unknown) => {
    if (!folded.length) return;
    await ledger
      .releaseFolded(
        db,
        key!,
        folded.map((n) => n.dedupeKey),
      )
      .catch((err: unknown) => {
        options.logger?.warn({ err, cause: String((e as Error)?.message ?? e) }, 'could not hand folded notices back in the ledger');
      });
    await giveBack(folded);
  };
  let externalMessageId: string;
  try {
    const message = { ...toOutboundMessage(sent, target), ...(files?.length ? { files } : {}) };
    // a message replaced in place (a mailing's progress) where the sender can; else sent anew
    ({ externalMessageId } = item.editOf && sender.edit ? await sender.edit(message, item.editOf) : await sender.send(message));
  } catch (e) {
    await unclaim(e);
    if (!(e instanceof PermanentSendError)) {
      // not sent: let the retry take it again at once
      await release(e);
      throw e;
    }
    await recordPermanentFailure(ctx, item, row.identityId, e.reason || e.message, options.outbox);
    return { status: 'failed', reason: e.reason || e.message };
  }
  // record first (one statement): the shorter this gap, the fewer duplicates a killed process leaves
  await recordSent(
    ctx,
    ledger,
    sent,
    target,
    externalMessageId,
    options.logger,
    folded.map((n) => n.dedupeKey),
  );
  try {
    await options.afterSend?.(target);
  } catch (err) {
    options.logger?.warn({ err, channel, chatId: target.chatId }, 'after-send hook failed (rate-limit clock not advanced)');
  }
  return { status: 'sent', externalMessageId, target, ...(folded.length ? { folded: folded.map((n) => n.dedupeKey) } : {}) };
}

export function toOutboundMessage(item: OutboxItem, target: DeliveryTarget): OutboundMessage {
  const message: OutboundMessage = { channel: target.channel, chatId: target.chatId, text: item.text };
  if (item.buttons?.length) message.buttons = item.buttons;
  if (item.replyToExternalId) message.replyToExternalId = item.replyToExternalId;
  if (item.asksForReply) message.asksForReply = true;
  if (item.businessConnectionId) message.businessConnectionId = item.businessConnectionId;
  if (item.subject) message.subject = item.subject;
  if (item.headers) message.headers = item.headers;
  if (item.image) {
    message.image = { png: Uint8Array.from(Buffer.from(item.image.pngBase64, 'base64')), filename: item.image.filename, caption: item.image.caption };
  }
  return message;
}

/** The bytes of an item's files; a file no longer in the store is left out (erased meanwhile). */
async function loadFiles(item: OutboxItem, store: Pick<FileStore, 'get'> | undefined): Promise<OutboundMessage['files']> {
  if (!item.files?.length) return undefined;
  if (!store) throw new Error('an outbox item carries files, but this process has no file store');
  const out: NonNullable<OutboundMessage['files']> = [];
  for (const f of item.files) {
    const bytes = await store.get(f.key);
    if (bytes) out.push({ bytes, name: f.name, kind: f.kind, ...(f.mime ? { mime: f.mime } : {}) } satisfies OutboundFile);
  }
  return out;
}

/**
 * Records a platform-accepted item (one statement). A failure here is retried once and then
 * logged, never thrown: the message is out, and a retried job would send it again.
 */
async function recordSent(
  ctx: CoreContext,
  ledger: DeliveryLedger,
  item: OutboxItem,
  target: DeliveryTarget,
  externalMessageId: string,
  logger?: DeliveryLogger,
  folded: string[] = [],
) {
  const record = {
    workspaceId: item.workspaceId,
    channel: target.channel,
    chatId: target.chatId,
    externalMessageId,
    dedupeKey: item.dedupeKey ?? null,
    ref: item.ref ?? null,
    messageId: item.messageId ?? null,
    folded,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await ledger.markSent(ctx.db, record);
      // only an answer the customer got stops the SLA clock
      if (item.firstResponse) await markFirstResponse(ctx, item.firstResponse.leadId, new Date(item.firstResponse.at));
      break;
    } catch (err) {
      if (attempt >= 3) {
        logger?.error({ err, dedupeKey: record.dedupeKey, messageId: record.messageId }, 'sent, but could not record it');
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  // a mailing's message goes on the customer's timeline (/history) once they got it
  if (item.mailingContactId) {
    await recordActivity(
      ctx.db,
      { workspaceId: item.workspaceId, userId: null },
      { type: 'mailing.sent', contactId: item.mailingContactId, data: { channel: target.channel, title: item.text.slice(0, 300) } },
    ).catch((err: unknown) => logger?.warn({ err, dedupeKey: record.dedupeKey }, 'mailing sent, but not put on the timeline'));
  }
}

/** A permanent platform refusal: the identity is marked unreachable and the failure recorded. */
async function recordPermanentFailure(ctx: CoreContext, item: OutboxItem, identityId: number | null, reason: string, outbox?: Outbox) {
  if (identityId) await ctx.db.identity.updateMany({ where: { id: identityId }, data: { unreachable: true, unreachableReason: reason.slice(0, 500) } });
  await recordGivenUp(ctx, item, 'failed', reason, outbox);
}

async function optedOut(ctx: CoreContext, workspaceId: number, contactId: number): Promise<boolean> {
  const contact = await ctx.db.contact.findFirst({ where: { id: contactId, workspaceId }, select: { mailingOptOutAt: true, mergedIntoId: true } });
  if (contact?.mailingOptOutAt) return true;
  // merged since: the person's opt-out may sit on the contact they were merged into
  if (contact?.mergedIntoId) return optedOut(ctx, workspaceId, contact.mergedIntoId);
  return false;
}

/**
 * Records an item that will not be delivered (skipped, refused, or out of retries): message
 * status, ledger, a "delivery.failed" Activity on the timeline, and the notice to the sender.
 */
export async function recordGivenUp(ctx: CoreContext, item: OutboxItem, status: 'failed' | 'skipped', reason: string, outbox?: Outbox) {
  const subject = await timelineSubject(ctx, item);
  await inTx(ctx.db, async (tx) => {
    if (item.messageId) {
      await tx.message.updateMany({ where: { id: item.messageId, workspaceId: item.workspaceId }, data: { deliveryStatus: 'failed' } });
    }
    if (item.dedupeKey) {
      await tx.outboundDelivery.upsert({
        where: { dedupeKey: item.dedupeKey },
        create: { dedupeKey: item.dedupeKey, workspaceId: item.workspaceId, identityId: item.identityId ?? null, status, error: reason.slice(0, 1000) },
        update: { status, error: reason.slice(0, 1000) },
      });
    }
    await recordActivity(
      tx,
      { workspaceId: item.workspaceId, userId: null },
      {
        type: status === 'failed' ? 'delivery.failed' : 'delivery.skipped',
        contactId: subject.contactId,
        leadId: item.ref?.leadId ?? null,
        dealId: item.ref?.dealId ?? null,
        taskId: item.ref?.taskId ?? null,
        data: { identityId: item.identityId ?? null, chat: item.chat ?? null, reason, messageId: item.messageId ?? null, text: item.text.slice(0, 200) },
      },
    );
  });
  if (item.notifyOnFailureUserId && outbox) {
    await notifyFailure(ctx, outbox, item, reason, subject.name);
  }
}

async function timelineSubject(ctx: CoreContext, item: OutboxItem): Promise<{ contactId: number | null; name: string | null }> {
  if (!item.identityId) return { contactId: null, name: null };
  const identity = await ctx.db.identity.findUnique({
    where: { id: item.identityId },
    select: { contactId: true, displayName: true, username: true, contact: { select: { name: true } }, user: { select: { name: true } } },
  });
  return {
    contactId: identity?.contactId ?? null,
    name: identity?.contact?.name ?? identity?.user?.name ?? identity?.displayName ?? identity?.username ?? null,
  };
}

const REASON_KEYS: Record<string, MessageKey> = {
  blocked: 'outbound.reason.blocked',
  chat_not_found: 'outbound.reason.chat_not_found',
  invalid_address: 'outbound.reason.invalid_address',
  deactivated: 'outbound.reason.deactivated',
  no_chat: 'outbound.reason.no_chat',
};

async function notifyFailure(ctx: CoreContext, outbox: Outbox, item: OutboxItem, reason: string, name: string | null) {
  const userId = item.notifyOnFailureUserId!;
  const recipient = await loadTeamRecipient(ctx, userId);
  if (!recipient?.identityId || recipient.identityId === item.identityId) return;
  const locale = recipient.locale;
  let reasonText: string;
  if (REASON_KEYS[reason]) reasonText = t(locale, REASON_KEYS[reason]);
  else if (reason.startsWith('unreachable: ')) {
    // a known reason (e.g. "blocked", set when the person blocked the bot) is worded, anything else shown as stored
    const detail = reason.slice('unreachable: '.length);
    reasonText = REASON_KEYS[detail] ? t(locale, REASON_KEYS[detail]) : t(locale, 'outbound.reason.unreachable', { detail });
  } else if (reason.startsWith('gave_up: ')) reasonText = t(locale, 'outbound.reason.gave_up', { detail: reason.slice('gave_up: '.length) });
  else reasonText = reason;
  const key: MessageKey = item.messageId ? 'outbound.reply_failed' : 'outbound.message_failed';
  await outbox.enqueue({
    workspaceId: item.workspaceId,
    identityId: recipient.identityId,
    text: t(locale, key, { name: name ?? t(locale, 'outbound.someone'), reason: reasonText }),
    ref: { userId, conversationId: item.ref?.conversationId, leadId: item.ref?.leadId, dealId: item.ref?.dealId },
    // one notice per failed item
    dedupeKey: item.dedupeKey ? `fail-${item.dedupeKey}` : item.messageId ? `fail-msg-${item.messageId}` : undefined,
  });
}
