// AttemptLimiter (core/ports.ts) on Redis with rate-limiter-flexible: fixed windows per rule,
// shared by every process, so a flood of guesses is counted the same whichever worker takes
// it. Limits come from the settings (INVITE_ATTEMPTS_*).
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AttemptLimiter, AttemptRule } from '../../core/ports.js';
import { connectRedis, type RedisClient, type RedisLike } from './connection.js';

export interface AttemptLimits {
  /** wrong invite codes per identity per window */
  perIdentity: number;
  identityWindowSeconds: number;
  /** wrong invite codes per workspace per window */
  perWorkspace: number;
  workspaceWindowSeconds: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { perIdentity: 5, identityWindowSeconds: 15 * 60, perWorkspace: 100, workspaceWindowSeconds: 3600 };

export class RedisAttemptLimiter implements AttemptLimiter {
  private readonly redis: RedisClient;
  private readonly limiters: Record<AttemptRule, RateLimiterRedis>;

  constructor(redis: RedisLike, prefix: string, limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS) {
    // rate-limiter-flexible takes a Cluster client as well; each counter is one key
    this.redis = connectRedis(redis, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
    this.redis.on('error', () => undefined);
    const make = (rule: AttemptRule, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${prefix}:attempts:${rule}`, points, duration });
    this.limiters = {
      invite_identity: make('invite_identity', limits.perIdentity, limits.identityWindowSeconds),
      invite_workspace: make('invite_workspace', limits.perWorkspace, limits.workspaceWindowSeconds),
      // the one "too many attempts" notice per identity and identity window
      invite_notice: make('invite_notice', 1, limits.identityWindowSeconds),
    };
  }

  async blockedFor(rule: AttemptRule, key: string): Promise<number> {
    const limiter = this.limiters[rule];
    const res = await limiter.get(key);
    return res && res.consumedPoints >= limiter.points ? Math.max(1, res.msBeforeNext) : 0;
  }

  async count(rule: AttemptRule, key: string): Promise<number> {
    const res = await this.limiters[rule].penalty(key, 1);
    return res.consumedPoints;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
