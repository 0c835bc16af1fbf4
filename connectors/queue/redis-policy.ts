// Redis settings Leadline's guarantees depend on, checked at start-up:
// - maxmemory-policy noeviction: with an evicting policy, delayed jobs (reminders, SLA checks)
//   and accepted messages can silently disappear under memory pressure;
// - persistence (appendonly yes): accepted customer messages live in Redis until a worker has
//   stored them; a Redis restart without the append-only file loses what was queued.
import { Redis } from 'ioredis';

export type EvictionCheck = { ok: true } | { ok: false; policy: string } | { ok: 'unknown'; reason: string };
export type PersistenceCheck = { ok: true; appendfsync: string } | { ok: false; snapshots: boolean } | { ok: 'unknown'; reason: string };

async function configGet(redisUrl: string, names: string[]): Promise<Record<string, string>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const out: Record<string, string> = {};
    for (const name of names) {
      const reply = (await redis.config('GET', name)) as string[];
      if (reply?.[1] !== undefined) out[name] = reply[1];
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

export async function checkEvictionPolicy(redisUrl: string): Promise<EvictionCheck> {
  try {
    const policy = (await configGet(redisUrl, ['maxmemory-policy']))['maxmemory-policy'];
    if (!policy) return { ok: 'unknown', reason: 'CONFIG GET returned nothing' };
    return policy === 'noeviction' ? { ok: true } : { ok: false, policy };
  } catch (e) {
    // managed Redis often disables CONFIG
    return { ok: 'unknown', reason: (e as Error).message };
  }
}

export async function checkPersistence(redisUrl: string): Promise<PersistenceCheck> {
  try {
    const c = await configGet(redisUrl, ['appendonly', 'appendfsync', 'save']);
    if (c.appendonly === undefined) return { ok: 'unknown', reason: 'CONFIG GET returned nothing' };
    return c.appendonly === 'yes' ? { ok: true, appendfsync: c.appendfsync ?? 'everysec' } : { ok: false, snapshots: Boolean(c.save?.trim()) };
  } catch (e) {
    return { ok: 'unknown', reason: (e as Error).message };
  }
}

/** The start-up warning when Redis may lose accepted messages on a restart; null when it will not. */
export function persistenceWarning(check: PersistenceCheck): string | null {
  if (check.ok === true) return null;
  if (check.ok === 'unknown')
    return `Could not check Redis persistence (${check.reason}): make sure it runs with appendonly yes, or a restart of Redis loses queued messages.`;
  return (
    'WARNING: Redis runs without its append-only file (appendonly no' +
    (check.snapshots ? ', only periodic snapshots' : ', no persistence at all') +
    '). Customer messages that were accepted but not yet stored, and queued notifications, are LOST if Redis restarts. ' +
    'Reminders, SLA checks and digests are rebuilt from Postgres. Run Redis with appendonly yes (see README, "What is guaranteed").'
  );
}
