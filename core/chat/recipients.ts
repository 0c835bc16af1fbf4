// Where to push a team member (their reachable identity, language, time zone), cached for a
// few seconds per process: a busy inbound stream notifies the same managers over and over.
import { loadTeamRecipient, type TeamRecipient } from '../outbound/recipient.js';
import type { Turn } from './turn.js';

const TTL_MS = 5_000;
const caches = new WeakMap<object, Map<number, { at: number; value: TeamRecipient | null }>>();

export async function recipientOf(turn: Turn, userId: number): Promise<TeamRecipient | null> {
  const key = turn.deps.db;
  let cache = caches.get(key);
  if (!cache) caches.set(key, (cache = new Map()));
  const hit = cache.get(userId);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.value;
  const value = await loadTeamRecipient(turn.ctx.db, userId);
  // only reachable results: a member who links their account a moment later must not be missed
  if (value?.identityId) cache.set(userId, { at: now, value });
  if (cache.size > 10_000) cache.clear();
  return value;
}
