// Chat side of one customer across channels: the question to the older record's owner with
// both cards side by side (Merge / Keep separate), the buttons (merge:do|keep|undo:N), the
// /merge command, and telling both managers when two open leads of the person were merged.
import type { Actor } from '../actor.js';
import { t, formatDateTime } from '../i18n/index.js';
import type { Locale, MessageKey } from '../i18n/index.js';
import type { Contact, ContactMerge } from '../../prisma/generated/client.js';
import type { Turn } from './turn.js';
import { push } from './turn.js';
import { reply, type Button, type Reply } from './reply.js';
import { channelLabel } from './notify.js';
import { recipientOf } from './recipients.js';
import { foldedLeadNotices, foldedLeadTexts } from '../contacts/merge-notices.js';
import { say } from './commands/command.js';
import { neutralizeBidi } from '../text/sanitize.js';
import { mergeContacts, undoMerge, MERGE_UNDO_DAYS, type MergeResult } from '../contacts/merge-contacts.js';
import {
  acceptMergeProposal,
  contactCard,
  declineMergeProposal,
  findMergeCandidates,
  proposeMerge,
  openProposal,
  type CandidateKeys,
  type ContactCard,
} from '../contacts/merge-proposals.js';
import { systemActor } from '../actor.js';
import type { CoreContext } from '../context.js';
import type { OutboxItem } from '../ports.js';
import type { TeamRecipient } from '../outbound/recipient.js';

function cell(locale: Locale, values: (string | number | null | undefined)[]): string {
  const v = values.filter((x) => x !== null && x !== undefined && x !== '').join(', ');
  return v ? neutralizeBidi(v) : t(locale, 'merge.none');
}

/** The two records field by field: "Name: Ivan Petrov | Ivan". */
export function sideBySide(locale: Locale, timezone: string, keep: ContactCard, merge: ContactCard): string {
  const row = (field: string, a: string, b: string) => t(locale, 'merge.side', { label: t(locale, `merge.field.${field}` as MessageKey), keep: a, merge: b });
  const channels = (c: ContactCard) =>
    cell(
      locale,
      c.channels.map((ch) => channelLabel(locale, ch)),
    );
  return [
    row('record', t(locale, 'merge.older', { id: keep.id }), t(locale, 'merge.newer', { id: merge.id })),
    row('name', cell(locale, [keep.name]), cell(locale, [merge.name])),
    row('company', cell(locale, [keep.company]), cell(locale, [merge.company])),
    row('emails', cell(locale, keep.emails), cell(locale, merge.emails)),
    row('phones', cell(locale, keep.phones), cell(locale, merge.phones)),
    row('channels', channels(keep), channels(merge)),
    row('open', `${keep.openLeads} / ${keep.openDeals}`, `${merge.openLeads} / ${merge.openDeals}`),
    row('owner', cell(locale, [keep.ownerName]), cell(locale, [merge.ownerName])),
    row('created', formatDateTime(locale, keep.createdAt, timezone), formatDateTime(locale, merge.createdAt, timezone)),
  ].join('\n');
}

export function mergeButtons(locale: Locale, proposalId: number): Button[][] {
  return [
    [
      { label: t(locale, 'merge.button.merge'), data: `merge:do:${proposalId}` },
      { label: t(locale, 'merge.button.keep'), data: `merge:keep:${proposalId}` },
    ],
  ];
}

/**
 * After a customer's message: the keys it brought that belong to another live contact (or its
 * name at its company) become merge questions to the older record's owner, pushed with the turn.
 */
export async function offerMerges(turn: Turn, contact: Contact, keys: CandidateKeys): Promise<void> {
  for (const item of await mergeQuestions(turn.ctx, turn.workspace, contact, keys, (userId) => recipientOf(turn, userId))) push(turn, item);
}

/**
 * The merge proposals for a contact whose keys (the e-mail, phone, or name and company just
 * given) point at other contacts, and the question to each proposal's addressee, as outbox
 * items to queue once the caller's writes are committed. The chat flow pushes them to its turn
 * (offerMerges); the REST contact upsert queues them itself (core/api/upsert-contact.ts).
 */
export async function mergeQuestions(
  ctx: CoreContext,
  workspace: { id: number; locale: string; timezone: string },
  contact: Contact,
  keys: CandidateKeys,
  recipient: (userId: number) => Promise<TeamRecipient | null>,
  /**
   * also the question of a proposal of the pair still unanswered: for a caller that keeps no
   * pending outbox (the REST upsert), whose retry after a failed enqueue must ask again (the
   * question's dedupe key makes a second ask a no-op once it was sent)
   */
  options: { again?: boolean } = {},
): Promise<OutboxItem[]> {
  if (!keys.email && !keys.phone && !keys.nameAndCompany) return [];
  const items: OutboxItem[] = [];
  for (const c of await findMergeCandidates(ctx.db, contact, keys)) {
    const proposal =
      (await proposeMerge(ctx, systemActor(workspace), contact.id, c.otherId, c.reason, c.matchedOn)) ??
      (options.again ? await openProposal(ctx.db, workspace.id, contact.id, c.otherId) : null);
    const item = proposal ? await question(ctx, proposal, recipient) : null;
    if (item) items.push(item);
  }
  return items;
}

async function question(ctx: CoreContext, proposal: ContactMerge, recipient: (userId: number) => Promise<TeamRecipient | null>): Promise<OutboxItem | null> {
  if (!proposal.proposedToUserId) return null;
  const to = await recipient(proposal.proposedToUserId);
  if (!to?.identityId) return null;
  const [keep, merge] = [await contactCard(ctx.db, proposal.workspaceId, proposal.keepId), await contactCard(ctx.db, proposal.workspaceId, proposal.mergeId)];
  if (!keep || !merge) return null;
  const loc = to.locale;
  const ask = t(loc, proposal.reason === 'name_company' ? 'merge.ask_likely' : 'merge.ask', {
    reason: t(loc, `merge.reason.${proposal.reason}` as MessageKey),
    matched: proposal.matchedOn ?? '',
    keep: keep.id,
    merge: merge.id,
  });
  return {
    workspaceId: proposal.workspaceId,
    identityId: to.identityId,
    text: `${ask}\n\n${sideBySide(loc, to.timezone, keep, merge)}`,
    buttons: mergeButtons(loc, proposal.id),
    dedupeKey: `merge:ask:${proposal.id}`,
  };
}

/** The reply to a merge, and the notice to each manager whose open lead was folded into another. */
async function mergedReply(turn: Turn, actor: Actor, result: MergeResult): Promise<Reply[]> {
  const loc = actor.locale;
  const record = result.merge;
  const text = t(loc, 'merge.done', {
    merge: record.mergeId,
    keep: record.keepId,
    ...result.counts,
    days: MERGE_UNDO_DAYS,
    record: record.id,
  });
  const lines = [text];
  for (const params of await foldedLeadTexts(turn.ctx.db, result)) lines.push(t(loc, 'merge.leads_folded', { ...params(loc) }));
  // both managers are told (the one who pressed reads it in the reply)
  for (const item of await foldedLeadNotices(turn.ctx, result, actor.userId)) turn.out.push(item);
  return [reply(lines.join('\n\n'), [[{ label: t(loc, 'merge.button.undo'), data: `merge:undo:${record.id}` }]])];
}

export async function mergeByHand(turn: Turn, actor: Actor, keepId: number, mergeId: number): Promise<Reply[]> {
  return mergedReply(turn, actor, await mergeContacts(turn.ctx, actor, keepId, mergeId, { reason: 'manual' }));
}

export async function undoMergeReply(turn: Turn, actor: Actor, recordId: number): Promise<Reply[]> {
  const r = await undoMerge(turn.ctx, actor, recordId);
  return say(actor, 'merge.undone', { record: recordId, keep: r.keepId, merge: r.mergeId });
}

/** merge:do|keep|undo:N */
export async function mergeAction(turn: Turn, actor: Actor, verb: string, id: number): Promise<Reply[]> {
  if (verb === 'do') return mergedReply(turn, actor, await acceptMergeProposal(turn.ctx, actor, id));
  if (verb === 'keep') {
    const p = await declineMergeProposal(turn.ctx, actor, id);
    return say(actor, 'merge.kept', { keep: p.keepId, merge: p.mergeId });
  }
  if (verb === 'undo') return undoMergeReply(turn, actor, id);
  return say(actor, 'chat.customer.button_ignored');
}
