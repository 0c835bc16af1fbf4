// The Redis keys a test run writes. Every prefix a test gives Leadline (queue settings,
// QUEUE_PREFIX of a child process, limiters, leases, console inboxes) comes from testPrefix(),
// which starts with the run's tag (global-setup.ts). When a test file ends, the keys under its
// prefixes are deleted (redis-cleanup.ts, a setup file whose afterAll runs after the file's
// own, so its workers and queues are closed by then); the global teardown reports and deletes
// whatever is still under the run's tag (something kept writing after its file closed it).
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

const used = new Set<string>();

/** A fresh key prefix for this test file, e.g. `t4242-console-1a2b3c4d`; its keys are deleted after the file. */
export function testPrefix(name: string): string {
  const prefix = `${inject('redisRun')}-${name}-${randomUUID().slice(0, 8)}`;
  used.add(prefix);
  return prefix;
}

/** The prefixes this test file took. */
export function filePrefixes(): string[] {
  return [...used];
}

/** The first segment of a key: the prefix it was written under (`p:{inbound}:inbound:wait` -> `p`). */
export function prefixOf(key: string): string {
  return key.split(/[:{]/, 1)[0]!;
}

/** Keys matching any of the glob patterns (SCAN, never KEYS). */
export async function scanKeys(redisUrl: string, patterns: string[]): Promise<string[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    const keys = new Set<string>();
    for (const match of patterns) {
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        for (const k of batch) keys.add(k);
        cursor = next;
      } while (cursor !== '0');
    }
    return [...keys];
  } finally {
    redis.disconnect();
  }
}

/** Deletes the keys matching the patterns; returns how many there were. */
export async function deleteKeys(redisUrl: string, patterns: string[]): Promise<number> {
  const keys = await scanKeys(redisUrl, patterns);
  if (keys.length === 0) return 0;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
  return keys.length;
}

/** "12 keys: a (10), b (2)": what a list of keys holds, by prefix. */
export function describeKeys(keys: string[]): string {
  const by = new Map<string, number>();
  for (const k of keys) by.set(prefixOf(k), (by.get(prefixOf(k)) ?? 0) + 1);
  const parts = [...by].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} (${n})`);
  return `${keys.length} key${keys.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
