// A Telegram album (several photos or documents sent together) arrives as one update per item,
// each with the same media_group_id. Its items are stored as they come, and sent on to the
// manager as ONE forward (a media group on Telegram, one upload on Slack) a short window after
// the first item, by a delayed job whose id is the album's (connectors/queue/album-queue.ts):
// any process may handle any item, and nothing is kept in memory.
//
// Once per album: the forward claims the marker InboundEvent "album:<ws>:<conversation>:<group>"
// under a transaction-scoped lock on the same key (AlbumStore, ctx.stores.albums), which each
// item also takes while it decides. So an item either commits before the claim (the forward reads it) or sees the claim
// and is forwarded on its own (an item later than the window is late, never lost). The forward is
// queued inside the claiming transaction: a failure rolls the claim back and the retried job
// queues the same dedupe key again (a no-op for what got out).
import { inTx } from '../db.js';
import type { ChatDeps, Turn } from './turn.js';
import type { AlbumJob, OutboxItem } from '../ports.js';
import type { Attachment } from './inbound.js';
import type { Channel } from '../../prisma/generated/enums.js';
import { loadTeamRecipient } from '../outbound/recipient.js';
import { t } from '../i18n/index.js';
import { channelLabel, previewBody, shownName } from './notify.js';
import { planForMember } from '../files/outgoing.js';
import { OPEN_LEAD_STATUSES } from '../leads/lead-access.js';

/** How long after an album's first item its forward goes (Telegram delivers an album's updates within moments). */
export const ALBUM_WINDOW_MS = 1500;

export function albumKey(job: AlbumJob): string {
  return `album:${job.workspaceId}:${job.conversationId}:${job.mediaGroupId}`;
}

/**
 * In an album item's turn (after its message is stored): true when the album's forward will
 * carry it (the forward is scheduled, once per album); false when the forward has gone already
 * (a late item: forward it on its own), or albums are not wired.
 */
export async function deferToAlbum(turn: Turn, conversationId: number): Promise<boolean> {
  const m = turn.message;
  if (!m.mediaGroupId || !turn.deps.albums) return false;
  const job: AlbumJob = { workspaceId: turn.workspace.id, conversationId, mediaGroupId: m.mediaGroupId };
  const key = albumKey(job);
  await turn.ctx.stores.albums.lock(turn.ctx.db, key);
  if (await turn.ctx.db.inboundEvent.findUnique({ where: { dedupeKey: key }, select: { id: true } })) return false;
  await turn.deps.albums.schedule(job, ALBUM_WINDOW_MS);
  return true;
}

/** The album's one forward: its items' words and files to the owner of the open lead or deal. Resolves to the files sent (0: nothing to do). */
export async function forwardAlbum(deps: ChatDeps, job: AlbumJob): Promise<number> {
  const key = albumKey(job);
  return inTx(deps.db, async (tx) => {
    await deps.stores.albums.lock(tx, key);
    const claimed = await tx.inboundEvent.createMany({ data: [{ dedupeKey: key, source: 'album', processedAt: deps.clock.now() }], skipDuplicates: true });
    if (claimed.count === 0) return 0;
    const messages = await tx.message.findMany({
      where: {
        workspaceId: job.workspaceId,
        conversationId: job.conversationId,
        direction: 'inbound',
        meta: { path: ['mediaGroupId'], equals: job.mediaGroupId },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { text: true, attachments: true, channel: true },
    });
    const conversation = await tx.conversation.findFirst({ where: { id: job.conversationId, workspaceId: job.workspaceId }, include: { contact: true } });
    if (!messages.length || !conversation) return 0;
    const lead = await tx.lead.findFirst({
      where: { workspaceId: job.workspaceId, contactId: conversation.contactId, status: { in: [...OPEN_LEAD_STATUSES] } },
      orderBy: { id: 'desc' },
    });
    const deal = lead
      ? null
      : await tx.deal.findFirst({ where: { workspaceId: job.workspaceId, contactId: conversation.contactId, status: 'open' }, orderBy: { id: 'desc' } });
    const ownerId = lead?.assigneeId ?? deal?.ownerId ?? null;
    const to = ownerId ? await loadTeamRecipient({ db: tx, stores: deps.stores }, ownerId) : null;
    if (!to?.identityId) {
      deps.logger?.warn({ album: key, ownerId }, 'album: nobody reachable to forward it to');
      return 0;
    }
    const channel = messages[0]!.channel as Channel;
    const attachments = messages.flatMap((m) => (Array.isArray(m.attachments) ? (m.attachments as Attachment[]) : []));
    const words = messages
      .map((m) => m.text.trim())
      .filter(Boolean)
      .join('\n');
    const plan = planForMember(deps.files, to.locale, to.channel, channel, attachments);
    const body = [previewBody(to.locale, words, attachments, lead?.id), ...plan.notes].filter(Boolean).join('\n');
    const name = shownName(conversation.contact.name);
    const item: OutboxItem = {
      workspaceId: job.workspaceId,
      identityId: to.identityId,
      text: lead
        ? t(to.locale, 'chat.notify.forward', { name, channel: channelLabel(to.locale, channel), leadId: lead.id, text: body })
        : t(to.locale, 'chat.notify.forward_no_lead', { name, channel: channelLabel(to.locale, channel), text: body }),
      ...(plan.files.length ? { files: plan.files } : {}),
      ref: { userId: to.userId, conversationId: job.conversationId, leadId: lead?.id, dealId: deal?.id },
      dedupeKey: key,
    };
    await deps.outbox.enqueue(item);
    return plan.files.length;
  });
}
