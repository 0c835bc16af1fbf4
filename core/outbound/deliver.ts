// Delivers one OutboxItem: resolves the identity to a channel + chat, sends it with the
// channel's sender, and records the outcome (NotificationRef, Message status, the
// OutboundDelivery ledger for deduplicated items, Activity and the identity's
// reachability on permanent failure). Transport-free: the queue worker calls it and
// owns retries, rate limits and the crash-recovery story.
import type { Channel } from '../../prisma/generated/enums.js';
import { recordActivity } from '../audit.js';
import type { CoreContext } from '../context.js';
import { inTx } from '../db.js';
import type { ChannelSender, Outbox, OutboxItem, OutboundMessage } from '../ports.js';
import { PermanentSendError } from '../ports.js';
import { t, type MessageKey } from '../i18n/index.js';
import { loadTeamRecipient } from './recipient.js';
import { markFirstResponse } from '../leads/mark-first-response.js';

export type ChannelSenders = Partial<Record<Channel, ChannelSender>>;

export interface DeliveryTarget {
  channel: Channel;
  chatId: string;
  identityId: number;
}

export type DeliveryOutcome =
  | { status: 'sent'; externalMessageId: string; target: DeliveryTarget }
  /** the dedupe key was already delivered (or given up on): nothing sent */
  | { status: 'duplicate' }
  /** not sent and never will be (unreachable identity, no chat) */
  | { status: 'skipped'; reason: string }
  /** the platform refused for good: recorded, not retried */
  | { status: 'failed'; reason: string }
  /** another worker is sending this item right now: look again later */
  | { status: 'busy' };

export interface DeliverOptions {
  /** called right before the platform call (rate limiting); may throw to postpone */
  beforeSend?: (target: DeliveryTarget) => Promise<void>;
  /** called right after the platform accepted the message */
  afterSend?: (target: DeliveryTarget) => Promise<void>;
  /** where to queue the "could not be delivered" notice for item.notifyOnFailureUserId */
  outbox?: Outbox;
  /** a "sending" mark older than this is taken for a crashed worker's and sent again (default 120 s) */
  sendingStaleMs?: number;
}

/** Final states of the ledger: a key in one of these is never sent again. */
const FINAL = ['sent', 'failed', 'skipped'];

export class MissingSenderError extends Error {
  constructor(readonly channel: string) {
    super(`no sender is configured for channel ${channel} in this process`);
    this.name = 'MissingSenderError';
  }
}

interface TargetRow {
  id: number | null;
  channel: Channel | null;
  chatId: string | null;
  unreachable: boolean | null;
  unreachableReason: string | null;
  /** the dedupe key's ledger status before this statement */
  ledger: string | null;
  /** this call took the send (ledger row now "sending") */
  claimed: boolean;
}

// One statement: the identity, the dedupe key's ledger state, and, when the identity can be
// sent to by this process ($5: its channels), the claim of the send. The claim succeeds only
// when the key is not final and nobody else is sending it right now (or they stopped
// answering longer than $4 seconds ago: a crashed worker).
const TARGET_AND_CLAIM_SQL = `
  WITH i AS (
    SELECT id, channel::text AS channel, "chatId", unreachable, "unreachableReason"
    FROM "Identity" WHERE id = $1 AND "workspaceId" = $2
  ), claim AS (
    INSERT INTO "OutboundDelivery" ("dedupeKey", "workspaceId", "identityId", status, attempts, "createdAt", "updatedAt")
    SELECT $3, $2, i.id, 'sending', 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM i
    WHERE $3::text IS NOT NULL AND NOT i.unreachable AND i."chatId" IS NOT NULL AND i.channel = ANY($5::text[])
    ON CONFLICT ("dedupeKey") DO UPDATE SET status = 'sending', attempts = "OutboundDelivery".attempts + 1, "updatedAt" = EXCLUDED."updatedAt"
    WHERE "OutboundDelivery".status NOT IN ('sent', 'failed', 'skipped')
      AND ("OutboundDelivery".status <> 'sending' OR "OutboundDelivery"."updatedAt" < EXCLUDED."updatedAt" - make_interval(secs => $4))
    RETURNING status
  )
  SELECT i.id, i.channel, i."chatId", i.unreachable, i."unreachableReason",
         (SELECT o.status FROM "OutboundDelivery" o WHERE o."dedupeKey" = $3::text) AS ledger,
         EXISTS (SELECT 1 FROM claim) AS claimed
  FROM (SELECT 1) one LEFT JOIN i ON true`;

const RELEASE_SQL = `UPDATE "OutboundDelivery" SET status = 'retrying', error = $2, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE "dedupeKey" = $1 AND status = 'sending'`;

export async function deliverOutboxItem(ctx: CoreContext, senders: ChannelSenders, item: OutboxItem, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const db = ctx.db;
  const key = item.dedupeKey ?? null;
  const channels = Object.keys(senders).filter((c) => senders[c as Channel]);
  const [row] = await db.$queryRawUnsafe<TargetRow[]>(
    TARGET_AND_CLAIM_SQL,
    item.identityId,
    item.workspaceId,
    key,
    (options.sendingStaleMs ?? 120_000) / 1000,
    channels,
  );
  if (row?.ledger && FINAL.includes(row.ledger)) return { status: 'duplicate' };
  if (!row || row.id === null) {
    if (row?.ledger) return { status: 'duplicate' };
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
  // another worker is sending this very item (a job recovered while its first run goes on)
  if (key && !row.claimed) return { status: 'busy' };
  const target: DeliveryTarget = { channel, chatId: row.chatId, identityId: row.id };
  const release = async (e: unknown) => {
    if (key) await db.$executeRawUnsafe(RELEASE_SQL, key, String((e as Error)?.message ?? e).slice(0, 1000));
  };

  try {
    // rate limits: may wait, or throw to postpone the job, which then hands the send back
    await options.beforeSend?.(target);
  } catch (e) {
    await release(e);
    throw e;
  }
  let externalMessageId: string;
  try {
    ({ externalMessageId } = await sender.send(toOutboundMessage(item, target)));
  } catch (e) {
    if (!(e instanceof PermanentSendError)) {
      // not sent: let the retry take it again at once
      await release(e);
      throw e;
    }
    await recordPermanentFailure(ctx, item, row.id, e.reason || e.message, options.outbox);
    return { status: 'failed', reason: e.reason || e.message };
  }
  await options.afterSend?.(target).catch(() => undefined);
  await recordSent(ctx, item, target, externalMessageId);
  return { status: 'sent', externalMessageId, target };
}

export function toOutboundMessage(item: OutboxItem, target: DeliveryTarget): OutboundMessage {
  const message: OutboundMessage = { channel: target.channel, chatId: target.chatId, text: item.text };
  if (item.buttons?.length) message.buttons = item.buttons;
  if (item.replyToExternalId) message.replyToExternalId = item.replyToExternalId;
  if (item.subject) message.subject = item.subject;
  if (item.headers) message.headers = item.headers;
  if (item.image) {
    message.image = { png: Uint8Array.from(Buffer.from(item.image.pngBase64, 'base64')), filename: item.image.filename, caption: item.image.caption };
  }
  return message;
}

const SENT_SQL = `
  WITH ledger AS (
    UPDATE "OutboundDelivery" SET status = 'sent', "externalMessageId" = $4, "sentAt" = now() AT TIME ZONE 'UTC',
           error = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
    WHERE "dedupeKey" = $10
  )
  INSERT INTO "NotificationRef" ("workspaceId", channel, "chatId", "externalMessageId", "userId", "conversationId", "leadId", "dealId", "taskId", "createdAt")
  SELECT $1, $2::"Channel", $3, $4, $5, $6, $7, $8, $9, now() AT TIME ZONE 'UTC' WHERE $11
  ON CONFLICT DO NOTHING`;

async function recordSent(ctx: CoreContext, item: OutboxItem, target: DeliveryTarget, externalMessageId: string) {
  const ref = item.ref ?? {};
  const hasRef = Object.values(ref).some((v) => v !== undefined && v !== null);
  if (hasRef || item.dedupeKey) {
    await ctx.db.$executeRawUnsafe(
      SENT_SQL,
      item.workspaceId,
      target.channel,
      target.chatId,
      externalMessageId,
      ref.userId ?? null,
      ref.conversationId ?? null,
      ref.leadId ?? null,
      ref.dealId ?? null,
      ref.taskId ?? null,
      item.dedupeKey ?? null,
      hasRef,
    );
  }
  // only an answer the customer got stops the SLA clock
  if (item.firstResponse) await markFirstResponse(ctx, item.firstResponse.leadId, new Date(item.firstResponse.at));
  if (item.messageId) {
    await inTx(ctx.db, async (tx) => {
      await tx.message.updateMany({ where: { id: item.messageId, workspaceId: item.workspaceId }, data: { deliveryStatus: 'sent' } });
      // keep the platform id so replies and edits map back, unless another message already holds it
      const clash = await tx.message.findFirst({
        where: { workspaceId: item.workspaceId, channel: target.channel, externalId: externalMessageId },
        select: { id: true },
      });
      if (!clash) await tx.message.updateMany({ where: { id: item.messageId, externalId: null }, data: { externalId: externalMessageId } });
    });
  }
}

/** A permanent platform refusal: the identity is marked unreachable and the failure recorded. */
async function recordPermanentFailure(ctx: CoreContext, item: OutboxItem, identityId: number, reason: string, outbox?: Outbox) {
  await ctx.db.identity.updateMany({ where: { id: identityId }, data: { unreachable: true, unreachableReason: reason.slice(0, 500) } });
  await recordGivenUp(ctx, item, 'failed', reason, outbox);
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
        create: { dedupeKey: item.dedupeKey, workspaceId: item.workspaceId, identityId: item.identityId, status, error: reason.slice(0, 1000) },
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
        data: { identityId: item.identityId, reason, messageId: item.messageId ?? null, text: item.text.slice(0, 200) },
      },
    );
  });
  if (item.notifyOnFailureUserId && outbox) {
    await notifyFailure(ctx, outbox, item, reason, subject.name);
  }
}

async function timelineSubject(ctx: CoreContext, item: OutboxItem): Promise<{ contactId: number | null; name: string | null }> {
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
  const recipient = await loadTeamRecipient(ctx.db, userId);
  if (!recipient?.identityId || recipient.identityId === item.identityId) return;
  const locale = recipient.locale;
  let reasonText: string;
  if (REASON_KEYS[reason]) reasonText = t(locale, REASON_KEYS[reason]);
  else if (reason.startsWith('unreachable: ')) reasonText = t(locale, 'outbound.reason.unreachable', { detail: reason.slice('unreachable: '.length) });
  else if (reason.startsWith('gave_up: ')) reasonText = t(locale, 'outbound.reason.gave_up', { detail: reason.slice('gave_up: '.length) });
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
