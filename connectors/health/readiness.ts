// Readiness: can this process do its work right now? Each check is one cheap round trip
// (Postgres SELECT 1 through the process's pool, Redis PING, a queue read) with a short
// timeout. The answer for the public is only ok/unhealthy per check; the reason goes to the
// log with `{ err }` (when a check turns unhealthy, then at most once a minute while it stays so,
// and once when it recovers). Each check runs at most once at a time and its result is reused
// for `cacheMs`, so hammering /ready costs Postgres and Redis nothing more.
import { once } from 'node:events';
import type { Queue } from 'bullmq';
import { connectRedis, mastersOf, type RedisLike } from '../queue/connection.js';
import type { Logger } from '../logger.js';

export type CheckStatus = 'ok' | 'unhealthy';

export interface ReadinessCheck {
  /** the key in the public answer, e.g. "postgres" */
  name: string;
  /** resolves when healthy, rejects (or hangs past the timeout) when not */
  check(): Promise<unknown>;
}

export interface ReadinessReport {
  status: CheckStatus;
  checks: Record<string, CheckStatus>;
}

const RELOG_MS = 60_000;

interface CheckState {
  check: ReadinessCheck;
  inFlight?: Promise<CheckStatus>;
  last?: { status: CheckStatus; at: number };
  loggedAt: number;
}

export class Readiness {
  private readonly states: CheckState[];
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly logger?: Logger;

  constructor(checks: ReadinessCheck[], options: { timeoutMs: number; cacheMs?: number; logger?: Logger }) {
    this.states = checks.map((check) => ({ check, loggedAt: 0 }));
    this.timeoutMs = options.timeoutMs;
    this.cacheMs = options.cacheMs ?? 1000;
    this.logger = options.logger;
  }

  get names(): string[] {
    return this.states.map((s) => s.check.name);
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(this.states.map((s) => this.run(s)));
    const checks = Object.fromEntries(this.states.map((s, i) => [s.check.name, results[i]!])) as Record<string, CheckStatus>;
    return { status: results.every((r) => r === 'ok') ? 'ok' : 'unhealthy', checks };
  }

  private run(state: CheckState): Promise<CheckStatus> {
    const now = Date.now();
    if (state.last && now - state.last.at < this.cacheMs) return Promise.resolve(state.last.status);
    state.inFlight ??= this.attempt(state).finally(() => {
      state.inFlight = undefined;
    });
    return state.inFlight;
  }

  private async attempt(state: CheckState): Promise<CheckStatus> {
    let timer: NodeJS.Timeout | undefined;
    let status: CheckStatus;
    try {
      await Promise.race([
        state.check.check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      status = 'ok';
      if (state.last?.status === 'unhealthy') this.logger?.info({ check: state.check.name }, 'readiness: check is ok again');
    } catch (err) {
      status = 'unhealthy';
      const now = Date.now();
      if (state.last?.status !== 'unhealthy' || now - state.loggedAt >= RELOG_MS) {
        state.loggedAt = now;
        this.logger?.warn({ err, check: state.check.name }, 'readiness: check failed');
      }
    } finally {
      clearTimeout(timer);
    }
    state.last = { status, at: Date.now() };
    return status;
  }
}

/** SELECT 1 through the process's own pool (a pool that cannot hand out a connection is not ready either). */
export function postgresCheck(db: { $queryRawUnsafe(query: string): Promise<unknown> }): ReadinessCheck {
  return { name: 'postgres', check: () => db.$queryRawUnsafe('SELECT 1') };
}

/**
 * PING on a connection of its own that fails at once while Redis is away (no offline queue),
 * instead of waiting for a reconnect; on a cluster PING to every master (a master that is
 * down without a replica to take over leaves its slots unserved). `close()` it on shutdown.
 */
export function redisCheck(target: RedisLike, name = 'redis'): ReadinessCheck & { close(): Promise<void> } {
  const redis = connectRedis(target, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2000 });
  redis.on('error', () => undefined); // ioredis reconnects by itself; a failing PING is the report
  return {
    name,
    check: async () => {
      // right after start-up the first connection may still be on its way: wait for it (within the timeout)
      if (redis.status === 'connecting' || redis.status === 'connect') await once(redis, 'ready');
      const masters = mastersOf(redis);
      if (masters.length === 0) throw new Error('the Redis Cluster reports no master');
      return Promise.all(masters.map((node) => node.ping()));
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A round trip on a BullMQ queue's own connection: work can be queued there. */
export function queueCheck(name: string, queue: Pick<Queue, 'getJobCounts'>): ReadinessCheck {
  return { name, check: () => queue.getJobCounts('waiting') };
}
