// Idempotency-Key on API POSTs (the IETF draft's semantics, as Stripe runs them): the first
// request with a key claims it (a row per API key, route and key) and its answer is stored;
// a retry with the same key and body gets that answer again and writes nothing. The same
// key with another body is refused (422), and one still running is 409 (retry later). An
// answer of 5xx is not stored: the claim is released, so a retry runs for real. A claim whose
// request never answered (its process died) is taken over by a retry after
// IDEMPOTENCY_ABANDONED_MS.
// Keys are kept 24 hours (IDEMPOTENCY_KEEP_MS; the web role sweeps older ones every hour).
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../db.js';
import type { Prisma } from '../../prisma/generated/client.js';

export const IDEMPOTENCY_KEEP_MS = 24 * 3600_000;

export type IdempotencyClaim = { kind: 'new'; id: number } | { kind: 'replay'; status: number; body: unknown } | { kind: 'busy' } | { kind: 'mismatch' };

export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

/**
 * A claim still without an answer after this long was left by a process that died mid-request
 * (no live request runs this long): a retry takes it over instead of hearing 409 for a day.
 */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60_000;

export async function claimIdempotencyKey(db: DbOrTx, apiKeyId: number, route: string, key: string, hash: string, now: Date): Promise<IdempotencyClaim> {
  const inserted = await db.idempotencyKey.createManyAndReturn({
    data: [{ apiKeyId, route, key, requestHash: hash, createdAt: now }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (inserted[0]) return { kind: 'new', id: inserted[0].id };
  const row = await db.idempotencyKey.findUnique({ where: { apiKeyId_route_key: { apiKeyId, route, key } } });
  // released between the two statements: claim again
  if (!row) return claimIdempotencyKey(db, apiKeyId, route, key, hash, now);
  if (row.requestHash !== hash) return { kind: 'mismatch' };
  if (row.status === null) {
    if (now.getTime() - row.createdAt.getTime() < IDEMPOTENCY_ABANDONED_MS) return { kind: 'busy' };
    // abandoned: taken over by whichever retry restamps it first
    const { count } = await db.idempotencyKey.updateMany({ where: { id: row.id, status: null, createdAt: row.createdAt }, data: { createdAt: now } });
    return count === 1 ? { kind: 'new', id: row.id } : { kind: 'busy' };
  }
  return { kind: 'replay', status: row.status, body: row.body };
}

/** Stores the first answer (any status below 500); a 5xx releases the key instead. */
export async function settleIdempotencyKey(db: DbOrTx, id: number, status: number, body: unknown): Promise<void> {
  if (status >= 500) {
    await db.idempotencyKey.deleteMany({ where: { id, status: null } });
    return;
  }
  await db.idempotencyKey.update({ where: { id }, data: { status, body: (body ?? {}) as Prisma.InputJsonValue } });
}

/** Removes keys older than `before`; returns how many. */
export async function sweepIdempotencyKeys(db: DbOrTx, before: Date): Promise<number> {
  const { count } = await db.idempotencyKey.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
