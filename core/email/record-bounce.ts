// A delivery failure came back: the failed addresses are marked undeliverable on their
// contacts (so nobody keeps writing into the void) and the contact's timeline says why.
import { recordActivity } from '../audit.js';
import type { DbOrTx } from '../db.js';

export async function recordBounce(db: DbOrTx, workspaceId: number, recipients: string[], reason: string): Promise<number> {
  const emails = [...new Set(recipients.map((r) => r.trim().toLowerCase()).filter(Boolean))];
  if (!emails.length) return 0;
  const rows = await db.contactEmail.findMany({
    where: { workspaceId, email: { in: emails }, undeliverable: false },
    select: { id: true, contactId: true, email: true },
  });
  if (!rows.length) return 0;
  await db.contactEmail.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { undeliverable: true, undeliverableReason: reason.slice(0, 500) } });
  for (const row of rows) {
    await recordActivity(db, { workspaceId }, { type: 'email.bounced', contactId: row.contactId, data: { email: row.email, reason: reason.slice(0, 500) } });
  }
  return rows.length;
}

/** Conversation lookup for the classifier: which of these Message-IDs do we hold? */
export async function knownMessageIds(db: DbOrTx, workspaceId: number, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.message.findMany({ where: { workspaceId, channel: 'email', externalId: { in: ids } }, select: { externalId: true } });
  return new Set(rows.map((r) => r.externalId!).filter(Boolean));
}

/** The "Re:" rule: an open email conversation with this sender under this subject. */
export async function hasOpenConversation(db: DbOrTx, workspaceId: number, email: string, subject: string): Promise<boolean> {
  const found = await db.conversation.findFirst({
    where: {
      workspaceId,
      channel: 'email',
      status: 'open',
      subject: { equals: subject, mode: 'insensitive' },
      contact: { emails: { some: { email: email.toLowerCase() } } },
    },
    select: { id: true },
  });
  return Boolean(found);
}
