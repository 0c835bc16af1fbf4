// Request limits of the HTTP edge (web forms per client IP and per form, API calls per key) on
// Redis with rate-limiter-flexible: fixed one-minute windows shared by every `web` process.
// While Redis does not answer, each process counts on its own (an in-memory insurance
// limiter with the same points), so a Redis blip neither opens the gate nor refuses everyone.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type RequestRule = 'form_ip' | 'form' | 'api_key';

/** Requests per minute per rule. */
export type RequestLimits = Record<RequestRule, number>;

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { form_ip: 10, form: 120, api_key: 600 };

export class RedisRequestLimiter {
  private readonly redis: Redis;
  private readonly limiters: Record<RequestRule, RateLimiterRedis>;

  constructor(redisUrl: string, prefix: string, limits: RequestLimits = DEFAULT_REQUEST_LIMITS) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
    this.redis.on('error', () => undefined);
    const make = (rule: RequestRule) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${prefix}:requests:${rule}`,
        points: limits[rule],
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `requests:${rule}`, points: limits[rule], duration: 60 }),
      });
    this.limiters = { form_ip: make('form_ip'), form: make('form'), api_key: make('api_key') };
  }

  /** Counts one request; resolves to 0 when it may go on, else the milliseconds until it may. */
  async take(rule: RequestRule, key: string): Promise<number> {
    try {
      await this.limiters[rule].consume(key, 1);
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
