// Where to push a team member (their reachable identity, language, time zone), cached for a
// few seconds per process: a busy inbound stream notifies the same managers over and over.
import { loadTeamRecipient, type RecipientSource, type TeamRecipient } from '../outbound/recipient.js';
import type { Turn } from './turn.js';

const TTL_MS = 5_000;
const caches = new WeakMap<object, Map<number, { at: number; value: TeamRecipient | null }>>();

/** `cacheKey`: the process's client (one cache per database); `source`: where a miss is read (client or transaction). */
export async function cachedRecipient(cacheKey: object, source: RecipientSource, userId: number): Promise<TeamRecipient | null> {
  let cache = caches.get(cacheKey);
  if (!cache) caches.set(cacheKey, (cache = new Map()));
  const hit = cache.get(userId);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.value;
  const value = await loadTeamRecipient(source, userId);
  // only reachable results: a member who links their account a moment later must not be missed
  if (value?.identityId) cache.set(userId, { at: now, value });
  if (cache.size > 10_000) cache.clear();
  return value;
}

export async function recipientOf(turn: Turn, userId: number): Promise<TeamRecipient | null> {
  return cachedRecipient(turn.deps.db, turn.ctx, userId);
}
