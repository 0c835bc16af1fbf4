// A customer wrote: find or create the contact by channel identity, append the message to
// their open conversation, capture a lead when they have no open lead or deal (assigned,
// first response due), acknowledge them once, and push the message to the owner.
import { miniAppButtonRow } from '../miniapp/open-button.js';
import { systemActor } from '../actor.js';
import { resolveLocale, t, formatDateTime, type Locale } from '../i18n/index.js';
import { ackTexts } from '../workspaces/ack-text.js';
import { findOrCreateContact } from '../contacts/find-or-create-contact.js';
import { resolveLiveContact } from '../contacts/resolve-contact.js';
import { normalizeEmail } from '../contacts/normalize-email.js';
import { normalizePhone } from '../contacts/normalize-phone.js';
import { captureLead, openLeadForContact, titleFromText } from '../leads/index.js';
import { recipientOf } from './recipients.js';
import type { Turn } from './turn.js';
import { push } from './turn.js';
import type { Reply } from './reply.js';
import { carriesMore, channelLabel, inboundMeta, inboundText, leadButtons, messageBody, previewBody, shownName, snippetOf } from './notify.js';
import { nextOpening, readBusinessHours } from '../time/business-hours.js';
import type { Channel } from '../../prisma/generated/enums.js';
import type { Identity } from '../../prisma/generated/client.js';
import { enqueueAi } from './ai/chat-actions.js';
import type { OutboxItem } from '../ports.js';
import type { TeamRecipient } from '../outbound/recipient.js';
import type { InboundMessage } from './inbound.js';
import { BLOCKED_REASON } from './chat-event.js';
import type { ChatFiles } from '../files/file-store.js';
import { planForMember, withFiles } from '../files/outgoing.js';
import { deferToAlbum } from './albums.js';
import { hasChat } from '../channels.js';
import { offerMerges } from './merge-offer.js';
import { isOptOutText, optOutContact } from '../mailings/opt-out.js';

/** Message.externalId: unique per channel in a workspace ("chat:message" on Telegram). */
export function messageExternalId(channel: string, chatId: string, messageId: string): string {
  return channel === 'telegram' || channel === 'console' ? `${chatId}:${messageId}` : messageId;
}

/** The per-customer lock's key: one customer's messages are handled one at a time. */
export function customerLockKey(m: Pick<InboundMessage, 'channel' | 'externalUserId'>): string {
  return `${m.channel}:${m.externalUserId}`;
}

/** Where a customer's message came besides the bot's own chat: a team member's Business account (core/chat/business.ts). */
export interface CustomerVia {
  businessConnection?: { id: number; userId: number };
}

/** `known`: the sender's identity when the speaker lookup already found it (saves the contact lookups). */
export async function handleCustomerMessage(turn: Turn, known: Identity | null = null, via: CustomerVia = {}): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const db = ctx.db;
  const system = systemActor(ws);
  const channel = m.channel as Channel;

  // one customer's messages are handled one at a time (workers run many in parallel):
  // no duplicate conversation or lead from two messages arriving together
  await turn.deps.intake.lockCustomer(db, { workspaceId: ws.id, customerKey: customerLockKey(m) });

  // what the message says about its sender (email signature, web-form fields, shared contact):
  // only well-formed values are used as keys, a malformed one is dropped, never a refusal
  const said = senderKeys(m, ws.phoneRegion);
  // a returning customer: their identity points at a live contact (the common case, two
  // queries); anyone else, and anyone whose message says who they are, goes through
  // findOrCreateContact (identity, then email, then phone; empty fields filled)
  const returning = known?.contactId && channel !== 'email' && !said.any ? await resolveLiveContact(db, ws.id, known.contactId) : null;
  const found = returning
    ? { contact: returning, identity: known! }
    : await findOrCreateContact(ctx, system, {
        identity: {
          channel,
          externalId: m.externalUserId,
          chatId: m.externalChatId,
          displayName: m.displayName ?? null,
          username: m.username ?? null,
          languageCode: m.languageCode ?? null,
        },
        email: said.email,
        phone: said.phone,
        name: said.name,
        company: said.company,
        fillEmpty: true,
      });
  const contact = found.contact;
  const identity = found.identity;
  if (!identity) throw new Error(`no identity for ${m.channel}:${m.externalUserId}`);
  // a key this message brought that is another contact's (or its name at its company): the
  // older record's owner is asked whether they are one person (core/chat/merge-offer.ts)
  if (!returning && said.any) await offerMerges(turn, contact, { email: said.email, phone: said.phone, nameAndCompany: Boolean(said.name && said.company) });
  // (a customer who blocked the bot and writes again has unblocked it)
  const unblocked = identity.unreachable && identity.unreachableReason === BLOCKED_REASON;
  if (identity.chatId !== m.externalChatId || unblocked || (m.languageCode && identity.languageCode !== m.languageCode)) {
    await db.identity.update({
      where: { id: identity.id },
      data: { chatId: m.externalChatId, languageCode: m.languageCode ?? identity.languageCode, unreachable: false, unreachableReason: null },
    });
  }

  // the bot's own chat with them, or their chat with a member's Business account (never a client group's)
  const businessConnectionId = via.businessConnection?.id ?? null;
  let conversation = await db.conversation.findFirst({
    where: { workspaceId: ws.id, contactId: contact.id, channel, status: 'open', businessConnectionId, groupId: null },
    orderBy: { lastMessageAt: 'desc' },
  });
  conversation ??= await db.conversation.create({
    data: { workspaceId: ws.id, contactId: contact.id, channel, identityId: identity.id, subject: m.email?.subject ?? null, businessConnectionId },
  });

  const inserted = await db.message.createManyAndReturn({
    data: [
      {
        workspaceId: ws.id,
        conversationId: conversation.id,
        direction: 'inbound',
        channel,
        externalId: messageExternalId(channel, m.externalChatId, m.messageExternalId),
        // a place, a forward, links, a contact card or an edit: kept as the text a manager reads, and as fields in meta
        text: carriesMore(m) ? inboundText(resolveLocale(ws.locale), m) : m.text,
        attachments: m.attachments,
        ...(messageMeta(m) ? { meta: messageMeta(m) as object } : {}),
        createdAt: new Date(m.receivedAt),
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  // the same platform message under another dedupe key: already handled
  if (inserted.length === 0) return [];
  await db.conversation.update({
    where: { id: conversation.id },
    data: { lastMessageAt: turn.now, ...(conversation.identityId !== identity.id ? { identityId: identity.id } : {}) },
  });

  // "stop" / "отписаться": no more mailings (the message itself goes on as any other)
  if (!m.editOf && isOptOutText(m.text) && (await optOutContact(db, { workspaceId: ws.id, contactId: contact.id, via: 'reply', now: turn.now }))) {
    push(turn, {
      identityId: identity.id,
      text: t(resolveLocale(m.languageCode, identity.languageCode, ws.locale), 'mailing.opted_out'),
      dedupeKey: `optout:${ws.id}:${inserted[0]!.id}`,
    });
  }

  // an album's item: its files go with the album's one forward (core/chat/albums.ts)
  const album = await deferToAlbum(turn, conversation.id);
  const openLead = await openLeadForContact(ctx, contact.id);
  const openDeal = openLead ? null : await db.deal.findFirst({ where: { workspaceId: ws.id, contactId: contact.id, status: 'open' }, orderBy: { id: 'desc' } });
  const name = contact.name;
  if (m.editOf) {
    // an edit is a change to what was said, never a new request: on the timeline, and to the owner as "edited: ..."
    await db.activity.create({
      data: {
        workspaceId: ws.id,
        type: 'message.edited',
        contactId: contact.id,
        leadId: openLead?.id ?? null,
        dealId: openDeal?.id ?? null,
        data: { conversationId: conversation.id, messageId: inserted[0]!.id, editOf: m.editOf, text: m.text },
      },
    });
    if (!openLead && !openDeal) return [];
  }

  if (!openLead && !openDeal) {
    const lead = await captureLead(ctx, system, {
      contactId: contact.id,
      source: channel,
      text: (carriesMore(m) ? inboundText(resolveLocale(ws.locale), m) : m.text) || messageBody('en', '', m.attachments),
      // an email is titled by its subject, not by its greeting
      title: m.email?.subject ? titleFromText(m.email.subject) : null,
      conversationId: conversation.id,
      assigneeId: turn.preAssigneeId ?? null,
    });
    if (acknowledged(channel, identity.chatId ?? m.externalChatId, Boolean(via.businessConnection)))
      push(turn, ackItem(turn, identity.id, identity.languageCode));
    if (lead.assigneeId)
      await pushNewLeadNotice(turn, { id: lead.id, assigneeId: lead.assigneeId, firstResponseDueAt: lead.firstResponseDueAt }, name, conversation.id, !album);
    // the AI extraction card follows the notification; the model never delays it
    await enqueueAi(turn, { kind: 'extract', workspaceId: ws.id, leadId: lead.id });
    return [];
  }

  // an open lead or deal: forward to its owner as it arrives
  const ownerId = openLead ? openLead.assigneeId : openDeal!.ownerId;
  if (!ownerId || album) return [];
  // the account's own member reads their Business chat in Telegram itself; anyone else who owns the lead is told
  if (via.businessConnection?.userId === ownerId) return [];
  const to = await recipientOf(turn, ownerId);
  if (to?.identityId) {
    for (const item of forwardItems(turn.deps.files, { ...to, identityId: to.identityId }, m, name, conversation.id, openLead?.id, openDeal?.id))
      push(turn, item);
  }
  return [];
}

/** The sender details a message carries, normalised; `any` when there is something to use. */
export function senderKeys(
  m: InboundMessage,
  phoneRegion: string,
): { email: string | null; phone: string | null; name: string | null; company: string | null; any: boolean } {
  const candidates = [m.sender?.email, m.channel === 'email' ? m.email?.from : undefined];
  const email = candidates.map((c) => (c ? normalizeEmail(c) : null)).find(Boolean) ?? null;
  const phone = m.sender?.phone ? normalizePhone(m.sender.phone, phoneRegion) : null;
  const name = m.sender?.name?.trim() || null;
  const company = m.sender?.company?.trim() || null;
  return { email, phone, name, company, any: Boolean(m.sender && (email || phone || name || company)) };
}

/**
 * Whether a new request's customer is sent the acknowledgement. Not on a channel without a chat
 * (core/channels.ts hasChat: a web form or a REST lead, answered by the form's page or the
 * API's response), not an e-mail sender known only by a phone (no address to answer), not a
 * Business account's chat (the member answers there themselves).
 */
export function acknowledged(channel: Channel, chatId: string, businessConnection: boolean): boolean {
  if (!hasChat(channel) || businessConnection) return false;
  return channel !== 'email' || normalizeEmail(chatId) !== null;
}

/** The customer's acknowledgement of a new request (after hours: when to expect an answer). */
export function ackItem(turn: Turn, identityId: number, identityLanguageCode: string | null): Omit<OutboxItem, 'workspaceId'> {
  const { workspace: ws, message: m } = turn;
  const customerLocale = resolveLocale(m.languageCode, identityLanguageCode, ws.locale);
  const { hours, unreadable } = readBusinessHours(ws.businessHours, ws.holidays);
  if (unreadable) turn.deps.logger?.warn({ err: unreadable, workspaceId: ws.id }, 'stored business hours do not validate: counted as around the clock');
  const opening = nextOpening(hours, ws.timezone, turn.now);
  return {
    identityId,
    text: ackText(ws, customerLocale, opening),
    dedupeKey: `ack:${m.dedupeKey}`,
  };
}

/**
 * The acknowledgement's text: the workspace's own for the customer's language when an admin
 * set one (/settings ack), with the opening time below it after hours; else the catalog's.
 */
function ackText(ws: Turn['workspace'], locale: Locale, opening: Date | null): string {
  const own = ackTexts(ws.ackText)[locale];
  const when = opening ? formatDateTime(locale, opening, ws.timezone) : null;
  if (own) return when ? `${own}\n\n${t(locale, 'chat.customer.ack_opens', { when })}` : own;
  return when ? t(locale, 'chat.customer.ack_after_hours', { when }) : t(locale, 'chat.customer.ack');
}

/** Tells the assignee about a new lead, with the lead buttons (logged when they cannot be reached). */
export async function pushNewLeadNotice(
  turn: Turn,
  lead: { id: number; assigneeId: number; firstResponseDueAt: Date | null },
  name: string,
  conversationId: number,
  /** false: the files go later (an album's item: with the album's forward) */
  sendFiles = true,
): Promise<void> {
  const m = turn.message;
  const to = await recipientOf(turn, lead.assigneeId);
  if (!to?.identityId) {
    turn.deps.logger?.warn({ leadId: lead.id, userId: lead.assigneeId }, 'assignee has no reachable channel');
    return;
  }
  const plan = sendFiles ? planForMember(turn.deps.files, to.locale, to.channel, m.channel, m.attachments) : { files: [], notes: [] };
  const lines = [
    t(to.locale, 'chat.notify.new_lead', {
      leadId: lead.id,
      name: shownName(name),
      channel: channelLabel(to.locale, m.channel),
      text:
        (m.email?.subject ? t(to.locale, 'chat.notify.subject', { subject: m.email.subject }) + '\n' : '') +
        withNotes(previewBody(to.locale, inboundText(to.locale, m), m.attachments, lead.id), plan.notes),
    }),
  ];
  if (lead.firstResponseDueAt) lines.push(t(to.locale, 'chat.notify.new_lead_due', { due: formatDateTime(to.locale, lead.firstResponseDueAt, to.timezone) }));
  const item = {
    identityId: to.identityId,
    text: lines.join('\n\n'),
    buttons: [...leadButtons(to.locale, lead.id), ...miniAppButtonRow(to.locale, turn.deps.miniAppUrl, to.channel)],
    ref: { userId: to.userId, conversationId, leadId: lead.id },
    dedupeKey: `notify:${m.dedupeKey}`,
    notice: { name: shownName(name), leadId: lead.id, snippet: snippetOf(messageBody(to.locale, inboundText(to.locale, m), m.attachments)), locale: to.locale },
  };
  for (const part of withFiles(item, to.channel, plan.files)) push(turn, part);
}

/** Message.meta: the named fields kept beside the text, and the album an item belongs to. */
function messageMeta(m: InboundMessage): Record<string, unknown> | null {
  const meta = { ...(inboundMeta(m) ?? {}), ...(m.mediaGroupId ? { mediaGroupId: m.mediaGroupId } : {}) };
  return Object.keys(meta).length ? meta : null;
}

/** The lines about files that do not come as files, under the text. */
function withNotes(body: string, notes: string[]): string {
  return [body, ...notes].filter(Boolean).join('\n');
}

/** A returning customer's message forwarded to the owner of their open lead or deal: the text, then its files (core/files/outgoing.ts). */
export function forwardItems(
  files: ChatFiles | undefined,
  to: TeamRecipient & { identityId: number },
  m: InboundMessage,
  name: string,
  conversationId: number,
  leadId: number | undefined,
  dealId: number | undefined,
): Array<Omit<OutboxItem, 'workspaceId'>> {
  const plan = planForMember(files, to.locale, to.channel, m.channel, m.attachments);
  const body = withNotes(previewBody(to.locale, inboundText(to.locale, m), m.attachments, leadId), plan.notes);
  const channelName = channelLabel(to.locale, m.channel);
  const shown = shownName(name);
  const item = {
    identityId: to.identityId,
    text: leadId
      ? t(to.locale, 'chat.notify.forward', { name: shown, channel: channelName, leadId, text: body })
      : t(to.locale, 'chat.notify.forward_no_lead', { name: shown, channel: channelName, text: body }),
    ref: { userId: to.userId, conversationId, leadId, dealId },
    dedupeKey: `forward:${m.dedupeKey}`,
    notice: { name: shown, leadId, dealId, snippet: snippetOf(messageBody(to.locale, inboundText(to.locale, m), m.attachments)), locale: to.locale },
  };
  return withFiles(item, to.channel, plan.files);
}
