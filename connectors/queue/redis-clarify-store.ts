// Clarify options in Redis under a short token (button data stays < 64 bytes), expiring.
import { clarifyToken, type ClarifyEntry, type ClarifyStore } from '../../core/chat/clarify-store.js';
import { connectRedis, type RedisClient, type RedisLike } from './connection.js';

export class RedisClarifyStore implements ClarifyStore {
  private readonly redis: RedisClient;
  constructor(
    redis: RedisLike,
    private readonly prefix = 'leadline',
  ) {
    this.redis = connectRedis(redis, { maxRetriesPerRequest: 3 });
  }
  private key(token: string) {
    return `${this.prefix}:clarify:${token}`;
  }
  async put(entry: ClarifyEntry, ttlSeconds: number): Promise<string> {
    const token = clarifyToken();
    await this.redis.set(this.key(token), JSON.stringify(entry), 'EX', ttlSeconds);
    return token;
  }
  async get(token: string): Promise<ClarifyEntry | null> {
    if (!/^[\w-]{1,32}$/.test(token)) return null;
    const raw = await this.redis.get(this.key(token));
    return raw ? (JSON.parse(raw) as ClarifyEntry) : null;
  }
  async delete(token: string): Promise<void> {
    await this.redis.del(this.key(token));
  }
  async close(): Promise<void> {
    await this.redis.quit().catch(() => {});
  }
}
