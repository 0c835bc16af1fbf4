// Per-channel send limits shared by every worker process through Redis:
//   - per chat: a reservation clock per (channel, chat): each message takes the next free
//     slot (Telegram 1 msg/s per chat, 20/min in groups; Slack ~1/s per channel), so messages
//     to one chat keep their order and spacing across processes;
//   - per bot/workspace token: at most N sends per second per channel (Telegram ~30/s).
//   - a 429 retry_after pushes the chat's clock forward.
// Time comes from Redis (TIME) so several hosts agree on it.
import { connectRedis, type RedisClient, type RedisLike } from './connection.js';
import type { Channel } from '../../prisma/generated/enums.js';

export interface ChannelLimit {
  /** minimum spacing between two messages to one chat */
  perChatMs?: number;
  /** spacing for group chats (Telegram: negative chat ids) */
  perGroupChatMs?: number;
  /** sends per second on this channel (per bot) */
  perSecond?: number;
}

export type ChannelLimits = Partial<Record<Channel, ChannelLimit>>;

export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = {
  telegram: { perChatMs: 1000, perGroupChatMs: 3000, perSecond: 30 },
  slack: { perChatMs: 1000 },
};

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Reserve the next slot on a chat clock; returns how long to wait for it (ms). */
const RESERVE = `${NOW}
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = now
if nxt > at then at = nxt end
redis.call('SET', KEYS[1], at + interval, 'PX', at + interval - now + 60000)
return at - now`;

/** Take a send now if the channel clock allows; else return the wait (ms), reserving nothing. */
const ACQUIRE = `${NOW}
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now >= nxt then
  redis.call('SET', KEYS[1], now + interval, 'PX', interval + 60000)
  return 0
end
return nxt - now`;

/** Nothing goes to this chat before now + ARGV[1] ms. */
const PENALIZE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > nxt then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 60000) end
return 0`;

type LimiterRedis = RedisClient & {
  llReserve(key: string, interval: number): Promise<number>;
  llAcquire(key: string, interval: number): Promise<number>;
  llPenalize(key: string, ms: number): Promise<number>;
};

export class ChannelRateLimiter {
  private readonly redis: LimiterRedis;

  constructor(
    redisTarget: RedisLike,
    private readonly prefix: string,
    private readonly limits: ChannelLimits = DEFAULT_CHANNEL_LIMITS,
  ) {
    // every script touches one key, so each runs on that key's master of a cluster
    const redis = connectRedis(redisTarget, { maxRetriesPerRequest: 3, lazyConnect: false });
    redis.defineCommand('llReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('llAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('llPenalize', { numberOfKeys: 1, lua: PENALIZE });
    this.redis = redis as LimiterRedis;
  }

  private chatInterval(channel: Channel, chatId: string): number {
    const limit = this.limits[channel];
    if (!limit) return 0;
    const group = channel === 'telegram' && chatId.startsWith('-');
    return (group ? (limit.perGroupChatMs ?? limit.perChatMs) : limit.perChatMs) ?? 0;
  }

  private chatKey(channel: Channel, chatId: string) {
    // Slack limits per channel; a customer's thread ("<channel>:<thread ts>") shares its channel's clock
    const chat = channel === 'slack' ? chatId.split(':')[0]! : chatId;
    return `${this.prefix}:ratelimit:chat:${channel}:${chat}`;
  }

  /** Reserves this chat's next slot; resolves to the wait in ms (0 = send now). */
  async reserveChat(channel: Channel, chatId: string): Promise<number> {
    const interval = this.chatInterval(channel, chatId);
    if (interval <= 0) return 0;
    return Number(await this.redis.llReserve(this.chatKey(channel, chatId), interval));
  }

  /**
   * Right before the platform call: waits are measured from the previous actual send to this
   * chat (the reservation orders messages; this keeps their real spacing when one ran late).
   * Resolves to the wait in ms (0 = taken).
   */
  async acquireChatSend(channel: Channel, chatId: string): Promise<number> {
    const interval = this.chatInterval(channel, chatId);
    if (interval <= 0) return 0;
    return Number(await this.redis.llAcquire(`${this.prefix}:ratelimit:sent:${channel}:${chatId}`, interval));
  }

  /** Right after the platform call returned: the next send to this chat waits a full interval from now. */
  async markChatSent(channel: Channel, chatId: string): Promise<void> {
    const interval = this.chatInterval(channel, chatId);
    if (interval > 0) await this.redis.llPenalize(`${this.prefix}:ratelimit:sent:${channel}:${chatId}`, interval);
  }

  /** Takes one send from the channel's per-second budget; resolves to the wait in ms (0 = taken). */
  async acquireChannel(channel: Channel): Promise<number> {
    const perSecond = this.limits[channel]?.perSecond;
    if (!perSecond) return 0;
    return Number(await this.redis.llAcquire(`${this.prefix}:ratelimit:channel:${channel}`, Math.max(1, Math.floor(1000 / perSecond))));
  }

  /** The platform said "retry after": nothing goes to this chat before then. */
  async penalize(channel: Channel, chatId: string, retryAfterMs: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(retryAfterMs));
    await this.redis.llPenalize(this.chatKey(channel, chatId), ms);
    await this.redis.llPenalize(`${this.prefix}:ratelimit:sent:${channel}:${chatId}`, ms);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
