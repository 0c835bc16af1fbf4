// A team member's own messenger account connected to Leadline (Telegram Business: the
// business_connection update). Private chats of that account are customer conversations of
// that member:
// - the connection is stored (BusinessConnection) and linked to the member whose identity is
//   the account's; an account linked to nobody is told how to link and its chats are ignored;
// - a person writing to the account is a customer: a new one becomes a lead assigned to the
//   account's member (no round robin, no acknowledgement: the member's own chat answers them);
// - the member's own messages typed on their phone are stored as outgoing messages and the
//   first one is the lead's first response (the SLA clock stops);
// - answers from Leadline (relay, the Reply button) go on the member's behalf when the
//   connection allows replies (core/chat/relay.ts: OutboxItem.businessConnectionId);
// - edits and deletions are recorded; a disconnected (or unknown) connection's messages are
//   ignored, and a team member writing to a teammate's account is never a lead.
import type { Turn } from './turn.js';
import { storeMemberMessage } from './member-message.js';
import type { Reply } from './reply.js';
import { reply } from './reply.js';
import type { Speaker } from './speaker.js';
import { handleCustomerMessage, messageExternalId } from './customer-flow.js';
import { recordActivity, recordChange } from '../audit.js';
import { markFirstResponse, openLeadForContact } from '../leads/index.js';
import { resolveLocale, t } from '../i18n/index.js';
import type { BusinessConnection, Identity } from '../../prisma/generated/client.js';
import type { Channel } from '../../prisma/generated/enums.js';

/** The connection a message came through, when it is on and linked to an active member; null otherwise. */
export async function liveConnection(turn: Turn): Promise<(BusinessConnection & { userId: number }) | null> {
  const id = turn.message.business?.connectionId;
  if (!id) return null;
  const c = await turn.ctx.db.businessConnection.findUnique({
    where: { workspaceId_externalId: { workspaceId: turn.workspace.id, externalId: id } },
    include: { user: { select: { active: true } } },
  });
  if (!c || !c.enabled || !c.userId || !c.user?.active) {
    turn.deps.logger?.info(
      { dedupeKey: turn.message.dedupeKey, connection: id, known: Boolean(c) },
      'business message on a connection that is off or linked to nobody: ignored',
    );
    return null;
  }
  const { user: _user, ...plain } = c;
  return plain as BusinessConnection & { userId: number };
}

/** business_connection: connected, changed or disconnected; the owner is told in their chat with the bot. */
export async function handleBusinessConnection(turn: Turn, speaker: Speaker): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const info = m.businessConnection!;
  const member = speaker.kind === 'member' ? speaker : null;
  const locale = member ? member.actor.locale : resolveLocale(m.languageCode, ws.locale);
  const key = { workspaceId_externalId: { workspaceId: ws.id, externalId: info.id } };
  const before = await ctx.db.businessConnection.findUnique({ where: key });
  const data = {
    ownerExternalId: m.externalUserId,
    ownerChatId: m.externalChatId,
    userId: member?.user.id ?? null,
    canReply: info.canReply,
    enabled: info.enabled,
  };
  const after = await ctx.db.businessConnection.upsert({ where: key, create: { workspaceId: ws.id, externalId: info.id, ...data }, update: data });
  const actor = { workspaceId: ws.id, userId: member?.user.id ?? null };
  await recordChange(
    ctx.db,
    actor,
    { type: info.enabled ? 'business.connected' : 'business.disconnected', data: { connectionId: after.id, canReply: info.canReply } },
    {
      action: info.enabled ? (before ? 'business_connection.update' : 'business_connection.create') : 'business_connection.disable',
      entity: 'business_connection',
      entityId: after.id,
      before,
      after,
    },
  );
  if (!member) return [reply(t(locale, 'business.not_linked'))];
  if (!info.enabled) return [reply(t(locale, 'business.disconnected'))];
  return [reply(t(locale, info.canReply ? 'business.connected' : 'business.connected_read_only'))];
}

/** A person wrote to a member's business account: the customer flow, the lead theirs. */
export async function handleBusinessCustomer(turn: Turn, identity: Identity | null): Promise<Reply[]> {
  const connection = await liveConnection(turn);
  if (!connection) return [];
  // the account's own member is the assignee of whatever this person's message opens
  turn.preAssigneeId = connection.userId;
  return handleCustomerMessage(turn, identity, { businessConnection: connection });
}

/** The customer's business conversation with this connection (null: this person never wrote, or is no customer). */
async function businessConversation(turn: Turn, connectionId: number) {
  const { ctx, workspace: ws, message: m } = turn;
  const customer = await ctx.db.identity.findUnique({
    where: { workspaceId_channel_externalId: { workspaceId: ws.id, channel: m.channel as Channel, externalId: m.externalChatId } },
  });
  if (!customer?.contactId || customer.userId) return null;
  return ctx.db.conversation.findFirst({
    where: { workspaceId: ws.id, contactId: customer.contactId, businessConnectionId: connectionId, status: 'open' },
    orderBy: { lastMessageAt: 'desc' },
  });
}

/** The member wrote in their business chat (from their phone): an outgoing message, and the first response. */
export async function handleBusinessOwn(turn: Turn): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const connection = await liveConnection(turn);
  if (!connection) return [];
  const conversation = await businessConversation(turn, connection.id);
  if (!conversation) {
    turn.deps.logger?.info({ dedupeKey: m.dedupeKey }, 'the member wrote in a business chat that is no customer conversation: not recorded');
    return [];
  }
  const messageId = await storeMemberMessage(turn, conversation, connection.userId, { via: 'business' });
  if (messageId === null) return [];
  await ctx.db.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: turn.now } });
  const lead = await openLeadForContact(ctx, conversation.contactId);
  const actor = { workspaceId: ws.id, userId: connection.userId };
  await recordActivity(ctx.db, actor, {
    type: m.editOf ? 'message.edited' : 'message.sent',
    contactId: conversation.contactId,
    leadId: lead?.id ?? null,
    data: { messageId, channel: conversation.channel, via: 'business', ...(m.editOf ? { editOf: m.editOf, text: m.text } : {}) },
  });
  // the member's own answer on their phone stops the SLA clock (an edit is no new answer)
  if (lead && !lead.firstResponseAt && !m.editOf) await markFirstResponse(ctx, lead.id, new Date(m.receivedAt));
  return [];
}

/** Messages deleted in a business chat: marked deleted (kept for the record) and put on the timeline. */
export async function handleBusinessDeleted(turn: Turn): Promise<Reply[]> {
  const { ctx, workspace: ws, message: m } = turn;
  const connection = await liveConnection(turn);
  if (!connection || !m.deletedIds?.length) return [];
  const conversation = await businessConversation(turn, connection.id);
  if (!conversation) return [];
  const ids = m.deletedIds.map((id) => messageExternalId(m.channel, m.externalChatId, id));
  const marked = await ctx.db.message.updateMany({
    where: { workspaceId: ws.id, conversationId: conversation.id, externalId: { in: ids }, deletedAt: null },
    data: { deletedAt: turn.now },
  });
  if (marked.count === 0) return [];
  await recordActivity(
    ctx.db,
    { workspaceId: ws.id, userId: null },
    { type: 'message.deleted', contactId: conversation.contactId, data: { conversationId: conversation.id, externalIds: ids, count: marked.count } },
  );
  return [];
}

/**
 * What an answer on a business conversation goes with: the connection's id to send on the
 * member's behalf, or why it cannot go (the account was disconnected, or replies are not
 * allowed in its Business settings).
 */
export async function businessSendVia(
  turn: Turn,
  connectionId: number,
): Promise<{ externalId: string } | { refused: 'business.relay_disconnected' | 'business.relay_not_allowed' }> {
  const c = await turn.ctx.db.businessConnection.findUnique({ where: { id: connectionId } });
  if (!c || !c.enabled) return { refused: 'business.relay_disconnected' };
  if (!c.canReply) return { refused: 'business.relay_not_allowed' };
  return { externalId: c.externalId };
}
