// Two open leads of one person folded into one by a merge: both managers are told (chat
// pushes these with the turn; the CLI queues them on the outbound queue).
import type { OutboxItem } from '../ports.js';
import type { DbOrTx } from '../db.js';
import { t, type Locale } from '../i18n/index.js';
import { loadTeamRecipients, type RecipientSource } from '../outbound/recipient.js';
import type { MergeResult } from './merge-contacts.js';

export interface FoldedLeadParams {
  from: number;
  into: number;
  name: string;
  fromAssignee: string;
  intoAssignee: string;
}

/** The words of one folded lead's notice, in a language. */
export async function foldedLeadTexts(db: DbOrTx, result: MergeResult): Promise<((locale: Locale) => FoldedLeadParams)[]> {
  const ids = [...new Set(result.moved.foldedLeads.flatMap((f) => [f.assigneeId, f.intoAssigneeId]).filter((x): x is number => x !== null))];
  const users = new Map((await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  return result.moved.foldedLeads.map((f) => (locale: Locale) => ({
    from: f.id,
    into: f.intoId,
    name: result.contact.name,
    fromAssignee: (f.assigneeId && users.get(f.assigneeId)) || t(locale, 'merge.nobody'),
    intoAssignee: (f.intoAssigneeId && users.get(f.intoAssigneeId)) || t(locale, 'merge.nobody'),
  }));
}

/** One notice per manager of a folded lead (both sides), except `exceptUserId` (who merged, told in the reply). */
export async function foldedLeadNotices(ctx: RecipientSource, result: MergeResult, exceptUserId: number | null): Promise<OutboxItem[]> {
  const texts = await foldedLeadTexts(ctx.db, result);
  const folded = result.moved.foldedLeads;
  const userIds = [...new Set(folded.flatMap((f) => [f.assigneeId, f.intoAssigneeId]).filter((x): x is number => x !== null && x !== exceptUserId))];
  const recipients = await loadTeamRecipients(ctx, userIds);
  const items: OutboxItem[] = [];
  folded.forEach((f, i) => {
    for (const userId of new Set([f.assigneeId, f.intoAssigneeId])) {
      const to = userId ? recipients.get(userId) : undefined;
      if (!userId || !to?.identityId) continue;
      items.push({
        workspaceId: result.merge.workspaceId,
        identityId: to.identityId,
        text: t(to.locale, 'merge.leads_folded', { ...texts[i]!(to.locale) }),
        ref: { userId, leadId: f.intoId },
        lane: 'interactive',
        dedupeKey: `merge:folded:${result.merge.id}:${f.id}:${userId}`,
      });
    }
  });
  return items;
}
