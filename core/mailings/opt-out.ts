// Customers opting out of mailings: a reply "stop" / "отписаться" (and their usual variants)
// or the one-click List-Unsubscribe link of a mailing email (RFC 8058). Either marks the
// contact (Contact.mailingOptOutAt) once; every later mailing skips it. The reply itself stays
// a normal inbound message (stored, forwarded to the owner); only the mark is added.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DbOrTx } from '../db.js';
import { recordChange } from '../audit.js';

/** Words that mean "stop mailing me", compared after lower-casing and trimming punctuation. */
const STOP_TEXTS = new Set([
  'stop',
  'stop all',
  'stopall',
  'unsubscribe',
  'unsubscribe me',
  'opt out',
  'opt-out',
  'optout',
  'стоп',
  'отписаться',
  'отписка',
  'отпишите',
  'отпишите меня',
  'отписать',
  'отписываюсь',
  'отказаться от рассылки',
  'не пишите',
  'не пишите мне',
]);

/** True when the whole message asks to stop mailings ("STOP", "Отписаться!", "/stop"). */
export function isOptOutText(text: string | null | undefined): boolean {
  if (!text) return false;
  const t = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/^[\s/]+/, '')
    .replace(/[\s.!,;:)(\-–—"'«»]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length <= 40 && STOP_TEXTS.has(t);
}

/** Marks a contact as opted out (once); resolves to false when it already was. */
export async function optOutContact(db: DbOrTx, p: { workspaceId: number; contactId: number; via: 'reply' | 'link'; now: Date }): Promise<boolean> {
  const changed = await db.contact.updateMany({
    where: { id: p.contactId, workspaceId: p.workspaceId, mailingOptOutAt: null },
    data: { mailingOptOutAt: p.now },
  });
  if (changed.count === 0) return false;
  await recordChange(
    db,
    { workspaceId: p.workspaceId, userId: null },
    { type: 'contact.opted_out', contactId: p.contactId, data: { via: p.via } },
    {
      action: 'contact.opt_out',
      entity: 'contact',
      entityId: p.contactId,
      before: { mailingOptOutAt: null },
      after: { mailingOptOutAt: p.now.toISOString(), via: p.via },
      actorKind: 'system',
    },
  );
  return true;
}

/** The token of a contact's unsubscribe link: "<workspace>.<contact>.<signature>" (HMAC-SHA256, base64url). */
export function unsubscribeToken(secret: string, workspaceId: number, contactId: number): string {
  const body = `${workspaceId}.${contactId}`;
  return `${body}.${sign(secret, body)}`;
}

/** The contact a token names, or null when it is malformed or its signature is wrong. */
export function readUnsubscribeToken(secret: string, token: string): { workspaceId: number; contactId: number } | null {
  const m = /^(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const expected = Buffer.from(sign(secret, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { workspaceId: Number(m[1]), contactId: Number(m[2]) };
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`unsubscribe:${body}`).digest('base64url');
}

/** The one-click unsubscribe (List-Unsubscribe-Post) and the link's page: false for a bad token. */
export async function unsubscribeByToken(db: DbOrTx, secret: string, token: string, now: Date): Promise<boolean> {
  const who = readUnsubscribeToken(secret, token);
  if (!who) return false;
  const contact = await db.contact.findFirst({ where: { id: who.contactId, workspaceId: who.workspaceId }, select: { id: true } });
  if (!contact) return false;
  await optOutContact(db, { ...who, via: 'link', now });
  return true;
}
