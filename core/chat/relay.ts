// A manager answers a customer: by replying to a pushed customer message (Telegram reply,
// Slack thread: core/chat/relay-thread.ts decides it is an answer) or with "/reply N text". The text goes back on the customer's channel
// through the outbox, is stored as an outbound Message, and marks the lead's first response.
import type { Actor } from '../actor.js';
import { assertCanAccess } from '../actor.js';
import { t } from '../i18n/index.js';
import { notFound } from '../errors.js';
import { recordActivity } from '../audit.js';
import type { Turn } from './turn.js';
import { push } from './turn.js';
import { reply, type Reply } from './reply.js';
import { channelLabel, previewBody, shownName } from './notify.js';
import { BLOCKED_REASON } from './chat-event.js';
import type { Attachment } from './inbound.js';
import { planForCustomer, withFiles } from '../files/outgoing.js';
import { businessSendVia } from './business.js';
import { groupAnswered } from './client-group.js';
import { hasChat, type ChannelName } from '../channels.js';

export async function relayToConversation(
  turn: Turn,
  actor: Actor,
  conversationId: number,
  text: string,
  leadId?: number | null,
  attachments: Attachment[] = [],
): Promise<Reply> {
  const db = turn.ctx.db;
  const conversation = await db.conversation.findFirst({
    where: { id: conversationId, workspaceId: actor.workspaceId },
    include: { contact: true, group: true },
  });
  // a client group's conversation is answered in the group (core/chat/client-group.ts)
  if (!conversation || (!conversation.identityId && !conversation.group))
    return reply(t(actor.locale, 'chat.relay.no_conversation', { id: leadId ?? conversationId }));
  const lead = leadId
    ? await db.lead.findFirst({ where: { id: leadId, workspaceId: actor.workspaceId } })
    : await db.lead.findFirst({ where: { conversationId, workspaceId: actor.workspaceId }, orderBy: { id: 'desc' } });
  // a client group's deal is its company's (core/chat/client-group.ts); anyone else's is their own
  const dealOf = conversation.group?.companyId ? { companyId: conversation.group.companyId } : { contactId: conversation.contactId };
  const deal = lead ? null : await db.deal.findFirst({ where: { ...dealOf, workspaceId: actor.workspaceId, status: 'open' }, orderBy: { id: 'desc' } });
  if (lead) assertCanAccess(actor, lead.assigneeId, 'what.lead', lead.id);
  else if (deal) assertCanAccess(actor, deal.ownerId, 'what.deal', deal.id);
  else assertCanAccess(actor, conversation.contact.ownerId, 'what.contact', conversation.contactId);
  // say at once what cannot be delivered: nothing is stored, queued or counted as an answer
  const group = conversation.group;
  if (group && group.status !== 'active') return reply(t(actor.locale, 'business.group.relay_inactive', { title: group.title }));
  const undeliverable = group ? null : await whyUndeliverable(turn, conversation.identityId!, conversation.channel);
  if (undeliverable) {
    return reply(t(actor.locale, undeliverable, { name: shownName(conversation.contact.name), channel: channelLabel(actor.locale, conversation.channel) }));
  }
  // a chat of a member's Business account: answered on that member's behalf, when the account allows it
  const business = conversation.businessConnectionId ? await businessSendVia(turn, conversation.businessConnectionId) : null;
  if (business && 'refused' in business) return reply(t(actor.locale, business.refused, { name: shownName(conversation.contact.name) }));

  // the member's files that can go on the customer's channel; what cannot is said to them below
  if (attachments.length && !turn.deps.files) return reply(t(actor.locale, 'files.no_storage'));
  const plan = planForCustomer(turn.deps.files, actor.locale, conversation.channel, turn.message.channel, attachments);
  const sent = attachments.filter((a) => plan.files.some((f) => f.key === a.storageKey));
  if (!text.trim() && sent.length === 0) return reply(plan.notes.join('\n') || t(actor.locale, 'files.nothing_sent'));

  const message = await db.message.create({
    data: {
      workspaceId: actor.workspaceId,
      conversationId,
      direction: 'outbound',
      channel: conversation.channel,
      text,
      attachments: sent,
      authorUserId: actor.userId,
      deliveryStatus: 'queued',
    },
  });
  await db.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: turn.now } });
  const threadHeaders = await emailThreadHeaders(turn, conversationId, conversation.channel);
  const answer = {
    ...(group ? { chat: { channel: group.channel, chatId: group.chatId } } : { identityId: conversation.identityId! }),
    ...(business ? { businessConnectionId: business.externalId } : {}),
    text,
    messageId: message.id,
    notifyOnFailureUserId: actor.userId,
    dedupeKey: `relay:${message.id}`,
    // the first response counts once the customer got it (core/outbound/deliver.ts)
    ...(lead && !lead.firstResponseAt ? { firstResponse: { leadId: lead.id, at: turn.now.toISOString() } } : {}),
    ...(conversation.channel === 'email' ? { subject: replySubject(conversation.subject), headers: threadHeaders } : {}),
  };
  // on a chat channel each file is its own send (after the text); an email carries them all
  for (const item of withFiles(answer, conversation.channel, plan.files)) push(turn, { ...item, notifyOnFailureUserId: actor.userId });
  // an answer in a client group is the team's response there (its clock stops)
  if (group) await groupAnswered(turn, group, turn.now, actor.userId);
  await recordActivity(db, actor, {
    type: 'message.sent',
    contactId: conversation.contactId,
    leadId: lead?.id ?? null,
    dealId: deal?.id ?? null,
    data: { messageId: message.id, channel: conversation.channel },
  });
  // the member sees exactly what went to the customer
  const shown = [previewBody(actor.locale, text, sent), ...plan.notes].filter(Boolean).join('\n');
  return reply(t(actor.locale, 'chat.relay.sent', { name: shownName(conversation.contact.name), text: shown }));
}

/** Why an answer on this conversation cannot reach the customer now, or null. */
async function whyUndeliverable(
  turn: Turn,
  identityId: number,
  channel: string,
): Promise<'chat.relay.blocked' | 'chat.relay.unreachable' | 'chat.relay.no_chat' | 'chat.relay.no_mailbox' | null> {
  // a web form's or an API lead's customer has no chat: they are called or e-mailed
  if (!hasChat(channel as ChannelName)) return 'chat.relay.no_chat';
  const identity = await turn.ctx.db.identity.findUnique({ where: { id: identityId }, select: { unreachable: true, unreachableReason: true, chatId: true } });
  // the customer blocked the bot: said as such (the manager can reach them elsewhere)
  if (identity?.unreachable && identity.unreachableReason === BLOCKED_REASON) return 'chat.relay.blocked';
  if (!identity || identity.unreachable || !identity.chatId) return 'chat.relay.unreachable';
  if (channel === 'email' && (await turn.ctx.db.mailbox.count({ where: { workspaceId: turn.workspace.id, active: true } })) === 0)
    return 'chat.relay.no_mailbox';
  return null;
}

function replySubject(subject: string | null): string | undefined {
  if (!subject) return undefined;
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}

/** Email answers keep the thread: In-Reply-To / References of the customer's last message. */
async function emailThreadHeaders(turn: Turn, conversationId: number, channel: string): Promise<Record<string, string> | undefined> {
  if (channel !== 'email') return undefined;
  const last = await turn.ctx.db.message.findFirst({
    where: { conversationId, direction: 'inbound', externalId: { not: null } },
    orderBy: { createdAt: 'desc' },
  });
  if (!last?.externalId) return undefined;
  return { 'In-Reply-To': last.externalId, References: last.externalId };
}

/** "/reply N text": answer lead N's customer. */
export async function relayToLead(turn: Turn, actor: Actor, leadId: number, text: string): Promise<Reply> {
  const lead = await turn.ctx.db.lead.findFirst({ where: { id: leadId, workspaceId: actor.workspaceId } });
  if (!lead) throw notFound('what.lead', { id: leadId });
  assertCanAccess(actor, lead.assigneeId, 'what.lead', lead.id);
  const conversationId =
    lead.conversationId ??
    (await turn.ctx.db.conversation.findFirst({ where: { contactId: lead.contactId, status: 'open' }, orderBy: { lastMessageAt: 'desc' } }))?.id;
  if (!conversationId) return reply(t(actor.locale, 'chat.relay.no_conversation', { id: leadId }));
  return relayToConversation(turn, actor, conversationId, text, lead.id);
}
