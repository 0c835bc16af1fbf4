// A team member's own message in a customer conversation, written outside Leadline (on their
// phone through a Telegram Business account, or in a client group): stored as an outgoing
// message that is already delivered.
import type { Channel } from '../../prisma/generated/enums.js';
import type { Turn } from './turn.js';
import { messageExternalId } from './customer-flow.js';

/** Stores the turn's message as the member's; resolves to its id, or null when it was stored before (a redelivered update). */
export async function storeMemberMessage(
  turn: Turn,
  conversation: { id: number; channel: Channel },
  authorUserId: number,
  meta: Record<string, unknown>,
): Promise<number | null> {
  const m = turn.message;
  const inserted = await turn.ctx.db.message.createManyAndReturn({
    data: [
      {
        workspaceId: turn.workspace.id,
        conversationId: conversation.id,
        direction: 'outbound',
        channel: conversation.channel,
        externalId: messageExternalId(m.channel, m.externalChatId, m.messageExternalId),
        text: m.text,
        attachments: m.attachments,
        authorUserId,
        deliveryStatus: 'sent',
        meta: { ...meta, ...(m.editOf ? { editOf: m.editOf } : {}) },
        createdAt: new Date(m.receivedAt),
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  return inserted[0]?.id ?? null;
}
