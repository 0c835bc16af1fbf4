// Fairness between chats in the inbound queue. Every inbound job is added with a BullMQ
// priority equal to its chat's sequence number among that chat's unfinished jobs: the first
// pending message of a chat gets 1, the next 2, ... BullMQ takes the lowest priority number
// first and, within one number, in the order added. So the k-th pending message of every chat
// runs before the (k+1)-th of any chat: a chat that floods sinks behind new customers, and
// the messages of one chat keep their order (increasing numbers).
//
// Per chat, under one hash tag (one cluster slot): `pending`, a sorted set of the chat's
// unfinished job ids (scored by their number), and `seq`, the last number given. claim adds
// a job (idempotent: a redelivered update with the same job id keeps its number); release
// removes it when it completed or failed for good, and once nothing is pending the sequence
// starts again at 1. Both keys expire after an hour without activity, so a claim that is
// never released (a job removed by hand, one failed by the stalled checker) cannot skew the
// chat for longer. Numbers are capped at BullMQ's limit (PRIORITY_LIMIT).
import { createHash } from 'node:crypto';
import { PRIORITY_LIMIT } from 'bullmq';
import { closeRedis, connectRedis, type RedisClient, type RedisLike } from './connection.js';

const TTL_SECONDS = 3600;

/** KEYS: pending, seq. ARGV: job id, ttl. Returns the job's number. */
const CLAIM = `
local have = redis.call('ZSCORE', KEYS[1], ARGV[1])
local n
if have then
  n = tonumber(have)
else
  n = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], n, ARGV[1])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return n`;

/** KEYS: pending, seq. ARGV: job id, ttl. Returns how many of the chat's jobs are still pending. */
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
else
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return left`;

type FairnessRedis = RedisClient & {
  llFairClaim(pending: string, seq: string, jobId: string, ttl: number): Promise<number>;
  llFairRelease(pending: string, seq: string, jobId: string, ttl: number): Promise<number>;
};

/** The BullMQ priority for a chat's n-th pending job (1 … PRIORITY_LIMIT). */
export function fairPriority(n: number): number {
  return Math.min(PRIORITY_LIMIT, Math.max(1, Math.floor(n)));
}

export class ChatFairness {
  private readonly redis: FairnessRedis;
  constructor(
    redis: RedisLike,
    private readonly prefix: string,
  ) {
    // commands wait while Redis reconnects; the enqueue's own timeout decides when to refuse
    const client = connectRedis(redis, { maxRetriesPerRequest: null });
    client.on('error', () => undefined); // each call reports its own failure
    client.defineCommand('llFairClaim', { numberOfKeys: 2, lua: CLAIM });
    client.defineCommand('llFairRelease', { numberOfKeys: 2, lua: RELEASE });
    this.redis = client as FairnessRedis;
  }

  private keys(chatKey: string): [string, string] {
    // one hash tag per chat; hashed, so any address or id makes a short, well-formed key
    const tag = createHash('sha1').update(chatKey).digest('hex').slice(0, 24);
    const base = `${this.prefix}:{inbound-chat:${tag}}`;
    return [`${base}:pending`, `${base}:seq`];
  }

  /** Counts the job among its chat's pending ones; resolves to its BullMQ priority. */
  async claim(chatKey: string, jobId: string): Promise<number> {
    const [pending, seq] = this.keys(chatKey);
    return fairPriority(Number(await this.redis.llFairClaim(pending, seq, jobId, TTL_SECONDS)));
  }

  /** The job completed or failed for good; resolves to how many of the chat's jobs are still pending. */
  async release(chatKey: string, jobId: string): Promise<number> {
    const [pending, seq] = this.keys(chatKey);
    return Number(await this.redis.llFairRelease(pending, seq, jobId, TTL_SECONDS));
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}
