// AI suggestions wait server-side for the manager's tap. A card is an Activity row of type
// "ai_card" (durable, shared by every process, in the workspace's audit history) holding a
// random token, the manager it was made for, what it proposes and its state. Button data
// carries only the token (ai:apply:<token>). A card is used once: consuming it is a
// conditional update, so a double tap applies nothing twice.
import { randomBytes } from 'node:crypto';
import type { DbOrTx } from '../db.js';
import type { Intent } from '../parse/intent.js';
import type { LeadExtraction } from './schemas.js';
import type { Prisma } from '../../prisma/generated/client.js';

export const AI_CARD = 'ai_card';
/** Suggestions older than this are refused. */
export const CARD_TTL_MS = 24 * 3600 * 1000;

export type CardPayload =
  { kind: 'intents'; intents: Intent[] } | { kind: 'extract'; leadId: number; fields: LeadExtraction } | { kind: 'draft'; leadId: number; text: string };

interface CardData {
  token: string;
  userId: number;
  status: 'pending' | 'used' | 'cancelled';
  expiresAt: string;
  payload: CardPayload;
}

export function cardToken(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Cards about a customer (extraction, drafts) are linked to the lead and contact, so erasing
 * or exporting the contact covers them like any other activity.
 */
export async function createCard(
  db: DbOrTx,
  workspaceId: number,
  userId: number,
  payload: CardPayload,
  now: Date,
  about: { leadId?: number; contactId?: number } = {},
): Promise<string> {
  const token = cardToken();
  const data: CardData = { token, userId, status: 'pending', expiresAt: new Date(now.getTime() + CARD_TTL_MS).toISOString(), payload };
  await db.activity.create({
    data: {
      workspaceId,
      type: AI_CARD,
      actorUserId: null,
      leadId: about.leadId ?? null,
      contactId: about.contactId ?? null,
      data: data as unknown as Prisma.InputJsonValue,
    },
  });
  return token;
}

/**
 * Marks the card used (or cancelled) and returns its payload, only when it belongs to this
 * user, is still pending and has not expired; null otherwise (nothing tells which).
 */
export async function consumeCard(
  db: DbOrTx,
  workspaceId: number,
  userId: number,
  token: string,
  now: Date,
  as: 'used' | 'cancelled' = 'used',
): Promise<CardPayload | null> {
  if (!/^[A-Za-z0-9_-]{6,32}$/.test(token)) return null;
  const row = await db.activity.findFirst({ where: { workspaceId, type: AI_CARD, data: { path: ['token'], equals: token } } });
  if (!row) return null;
  const data = row.data as unknown as CardData;
  if (!data.payload) return null; // erased with its contact
  if (data.userId !== userId || data.status !== 'pending' || Date.parse(data.expiresAt) < now.getTime()) return null;
  const { count } = await db.activity.updateMany({
    where: { id: row.id, data: { path: ['status'], equals: 'pending' } },
    data: { data: { ...data, status: as } as unknown as Prisma.InputJsonValue },
  });
  return count === 1 ? data.payload : null;
}
