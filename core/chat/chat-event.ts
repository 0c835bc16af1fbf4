// A change of the chat itself rather than a message (InboundMessage.chatEvent): the person
// blocked the bot or removed the app ("blocked"), or is back ("unblocked"). A blocked
// identity is marked unreachable: every later send to it is skipped by the outbound path
// (core/outbound/deliver.ts), and whoever asked for it is told why. The owner of the
// customer's open lead or deal is told at once. Runs in the turn's transaction, after the
// event's dedupe key was claimed, so a redelivered event changes nothing twice.
import type { Turn } from './turn.js';
import { push } from './turn.js';
import type { Reply } from './reply.js';
import type { Speaker } from './speaker.js';
import { recipientOf } from './recipients.js';
import { channelLabel, shownName } from './notify.js';
import { openLeadForContact } from '../leads/index.js';
import { t } from '../i18n/index.js';

/** The reason stored on the identity; core/outbound/deliver.ts words it for the manager. */
export const BLOCKED_REASON = 'blocked';

export async function handleChatEvent(turn: Turn, speaker: Speaker): Promise<Reply[]> {
  const { ctx, message: m, workspace: ws } = turn;
  const identity = speaker.identity;
  if (!identity) {
    turn.deps.logger?.info({ dedupeKey: m.dedupeKey, event: m.chatEvent }, 'chat event from someone Leadline does not know: nothing to mark');
    return [];
  }
  const blocked = m.chatEvent === 'blocked';
  await ctx.db.identity.update({
    where: { id: identity.id },
    data: blocked ? { unreachable: true, unreachableReason: BLOCKED_REASON } : { unreachable: false, unreachableReason: null },
  });
  if (!identity.contactId) return [];
  await ctx.db.activity.create({
    data: {
      workspaceId: ws.id,
      type: blocked ? 'identity.blocked' : 'identity.unblocked',
      contactId: identity.contactId,
      data: { identityId: identity.id, channel: m.channel, at: m.receivedAt },
    },
  });
  if (!blocked) return [];
  const lead = await openLeadForContact(ctx, identity.contactId);
  const deal = lead
    ? null
    : await ctx.db.deal.findFirst({ where: { workspaceId: ws.id, contactId: identity.contactId, status: 'open' }, orderBy: { id: 'desc' } });
  const ownerId = lead?.assigneeId ?? deal?.ownerId ?? null;
  if (!ownerId) return [];
  const to = await recipientOf(turn, ownerId);
  if (!to?.identityId) return [];
  const contact = await ctx.db.contact.findUnique({ where: { id: identity.contactId }, select: { name: true } });
  push(turn, {
    identityId: to.identityId,
    text: t(to.locale, 'chat.notify.blocked', { name: shownName(contact?.name ?? identity.displayName ?? ''), channel: channelLabel(to.locale, m.channel) }),
    ref: { userId: to.userId, leadId: lead?.id, dealId: deal?.id },
    dedupeKey: `blocked:${m.dedupeKey}`,
  });
  return [];
}
