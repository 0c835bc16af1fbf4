// A bench's Redis keys (queues, limits, leases: everything under its own prefix), deleted after
// its run with SCAN + UNLINK (never KEYS). Resolves to how many keys went.
import { Redis } from 'ioredis';

export async function unlinkPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  let n = 0;
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return n;
}
