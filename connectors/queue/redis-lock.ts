// A lease in Redis held by one process at a time (e.g. Telegram long polling, which the
// Bot API allows from exactly one client). Renewed while held; lost if the holder dies.
import { connectRedis, type RedisClient, type RedisLike } from './connection.js';
import { randomUUID } from 'node:crypto';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisLease {
  private readonly redis: RedisClient;
  private readonly token = randomUUID();
  private timer: ReturnType<typeof setInterval> | undefined;
  held = false;

  constructor(
    redis: RedisLike,
    readonly key: string,
    private readonly ttlMs = 30_000,
    private readonly onLost: () => void = () => {},
  ) {
    this.redis = connectRedis(redis, { maxRetriesPerRequest: 3, lazyConnect: false });
  }

  /** Takes the lease if free; keeps renewing it until release(). */
  async tryAcquire(): Promise<boolean> {
    const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    this.held = ok === 'OK';
    if (this.held) {
      this.timer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(this.ttlMs / 3)));
      this.timer.unref?.();
    }
    return this.held;
  }

  /** Who holds it (the token of another process), for messages. */
  async holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }

  private async renew() {
    try {
      const ok = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
      if (ok !== 1 && this.held) {
        this.held = false;
        clearInterval(this.timer);
        this.onLost();
      }
    } catch {
      // a blip: the next renewal tries again; the TTL covers two misses
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    if (this.held) await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => {});
    this.held = false;
    await this.redis.quit().catch(() => {});
  }
}
