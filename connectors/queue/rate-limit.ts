// Per-channel send limits shared by every worker process through Redis (time from Redis
// TIME, so several hosts agree on it), each limit widened by a safety margin:
//   - per chat, in order: a message takes a ticket on the chat's reservation clock
//     (reserveChat: the next free slot, spaced perChatMs + margin); it may send only once
//     every earlier ticket of that chat was sent or given up (so replies keep their order
//     across jobs and processes) and the chat's "last sent" clock allows it (a send holds
//     its chat until it is finished: a message sent in parts keeps it to its last part,
//     so another message cannot come between the parts and meet a 429). A ticket is
//     its job's: a job run again after its worker died (SIGKILL, before the slot reached its
//     data) gets the same ticket back instead of queueing behind its own abandoned one;
//   - per bot: a sliding log of sends over 1,000 ms + margin, at most perSecond entries;
//     items of the digest lane may use only BULK_SHARE of it and the bulk lane (mailings)
//     its own share (all of it by default: the queue order keeps answers first), so an answer always finds room; sends that find the window full queue for it in order (lane, then the
//     chat slot or the job's age: earliest due first), so no job loses its turn to a luckier
//     poll and holds up its chat's later messages;
//   - a 429 retry_after pushes the chat's clocks forward (penalize); the job comes back
//     through the same clocks, never retried in place;
//   - notices (a team member told of a customer's message) waiting for a chat are folded:
//     each registers with its ticket (reserveFold), one that finds others waiting joins their
//     slot, and the one whose send is taken takes the others too (acquireFold) and drops
//     their tickets, so one message carries them all (core/outbound/coalesce.ts).
// Both checks and the taking of the send are one Lua script (acquireSend, acquireFold).
import { connectRedis, type RedisClient, type RedisLike } from './connection.js';
import type { Channel } from '../../prisma/generated/enums.js';
import type { OutboxLane } from '../../core/ports.js';

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

/** Added to every interval and window: absorbs the jitter between taking a slot and the platform seeing the request. */
export const DEFAULT_LIMIT_MARGIN_MS = 50;

/** The share of the per-bot budget the digest lane (and by default the bulk lane) may use. */
export const BULK_SHARE = 0.8;

/** The bulk lane's (mailings') default share (OUTBOUND_BULK_SHARE): all of it, as the bot's queue still serves answers first. */
export const DEFAULT_BULK_LANE_SHARE = 1;

/** A ticket whose slot passed this long ago unsent is taken for an abandoned job's (crashed worker) and skipped. */
const DEFAULT_TICKET_STALE_MS = 300_000;

/**
 * A send counts as in flight (at the end of the bot's window, and holding its chat) until it is
 * finished, at most this long.
 */
const INFLIGHT_MS = 10_000;

/**
 * A notice another one's message took is marked as carried this long: its job does not
 * register it again meanwhile (the carrying message may still go out). As long as a
 * "coalescing" ledger claim stays fresh (the outbound worker's sendingStaleMs, 60 s).
 */
const FOLDING_MS = 60_000;

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: clock, tickets, owner (the job's ticket, when ARGV[2] is '1'). ARGV: interval, has owner.
 * Takes the chat's next slot and a ticket for it, or gives the owner back its ticket still
 * waiting; returns {slot, wait}.
 */
const RESERVE = `${NOW}
local interval = tonumber(ARGV[1])
local owned = ARGV[2] == '1'
if owned then
  local mine = redis.call('GET', KEYS[3])
  if mine and redis.call('ZSCORE', KEYS[2], mine) then
    local slot = tonumber(mine)
    return {slot, slot - now}
  end
end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = now
if nxt > at then at = nxt end
redis.call('SET', KEYS[1], at + interval, 'PX', at + interval - now + 60000)
redis.call('ZADD', KEYS[2], at, tostring(at))
redis.call('PEXPIRE', KEYS[2], at - now + 3600000)
if owned then redis.call('SET', KEYS[3], tostring(at), 'PX', at - now + tonumber(ARGV[3])) end
return {at, at - now}`;

/**
 * KEYS: tickets, sent clock, bot log, bot queue, bot queue last-seen, ticket owner, chat busy
 * mark (set while a send to the chat is in flight). ARGV: slot
 * (or -1), chat interval, bot max (0 = none), bot window ms, stale ms, unique member, waiter
 * id, waiter order score, waiter stale ms, recheck ms (the longest wait returned for the bot's
 * window). Returns 0 when the send is taken (the ticket and its owner key are spent), else the
 * wait (ms).
 */
const ACQUIRE_FN = `local function acquire()
  local slot = tonumber(ARGV[1])
  local interval = tonumber(ARGV[2])
  local botMax = tonumber(ARGV[3])
  local windowMs = tonumber(ARGV[4])
  local waiter = ARGV[7]
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[5]))
  if slot >= 0 then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if first[2] and tonumber(first[2]) < slot then
      -- n earlier messages go first: this one cannot go for n intervals
      local ahead = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[1])
      redis.call('ZREM', KEYS[4], waiter)
      return -(ahead * interval)
    end
  end
  -- a send to this chat is in flight (until finishSend): look again shortly
  if redis.call('EXISTS', KEYS[7]) == 1 then
    redis.call('ZREM', KEYS[4], waiter)
    return 20
  end
  local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now < nxt then
    redis.call('ZREM', KEYS[4], waiter)
    return nxt - now
  end
  if botMax > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - windowMs)
    -- waiters that stopped asking (their process died) lose their place
    local gone = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[9]))
    for _, w in ipairs(gone) do redis.call('ZREM', KEYS[4], w) end
    if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[9])) end
    local count = redis.call('ZCARD', KEYS[3])
    local room = botMax - count
    -- the bot's sends go in queue order (lane first, then age): waiters ahead of this one take the room first
    local rank = redis.call('ZRANK', KEYS[4], waiter)
    if not rank then rank = redis.call('ZCOUNT', KEYS[4], '-inf', '(' .. ARGV[8]) end
    if rank >= room then
      redis.call('ZADD', KEYS[4], 'NX', ARGV[8], waiter)
      redis.call('ZADD', KEYS[5], now, waiter)
      redis.call('PEXPIRE', KEYS[4], 600000)
      redis.call('PEXPIRE', KEYS[5], 600000)
      -- this one's turn comes when (rank - room + 1) sends have left the window
      local idx = rank - room
      if idx >= count then idx = count - 1 end
      if idx < 0 then return 20 end
      local e = redis.call('ZRANGE', KEYS[3], idx, idx, 'WITHSCORES')
      local at = tonumber(e[2])
      -- still in flight: it leaves no earlier than a window after it is finished
      local w = windowMs + 1
      if at <= now then w = at + windowMs - now + 1 end
      if w < 1 then w = 1 end
      -- waiters ahead may drop out meanwhile (their chat taken, their notice carried, their
      -- job put back): look again within the recheck time rather than sleep past a turn they leave
      local recheck = tonumber(ARGV[10])
      if w > recheck then w = recheck end
      return w
    end
    redis.call('ZREM', KEYS[4], waiter)
    redis.call('ZREM', KEYS[5], waiter)
    -- in flight until finishSend stamps the time the platform answered (or INFLIGHT_MS passes)
    redis.call('ZADD', KEYS[3], now + ${INFLIGHT_MS}, ARGV[6])
    redis.call('PEXPIRE', KEYS[3], windowMs + ${INFLIGHT_MS})
  end
  -- the chat is busy until finishSend (or INFLIGHT_MS): a message sent in parts keeps it to the last part
  if interval > 0 then
    redis.call('SET', KEYS[7], '1', 'PX', ${INFLIGHT_MS})
    redis.call('SET', KEYS[2], now + interval, 'PX', interval + 60000)
  end
  if slot >= 0 then redis.call('ZREM', KEYS[1], tostring(slot)) end
  redis.call('DEL', KEYS[6])
  return 0
end`;
const ACQUIRE = `${NOW}
${ACQUIRE_FN}
return acquire()`;

/** Keeps a key alive at least `ms` (never shortens it). */
const KEEP = `local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end`;

/**
 * Registers a notice that may be folded (coalesced) with others waiting for the same chat.
 * KEYS: clock, tickets, fold (zset: notice key -> its slot), fold data (hash: notice key ->
 * entry). ARGV: chat interval, notice key, entry, the slot the job already holds (or -1).
 * A notice registered before keeps its slot. One that finds others waiting joins the latest
 * of them (their slot and ticket: one message will carry them all, so the chat's clock moves
 * once per message, not once per notice); else it takes a ticket of its own (a new one when
 * the job's old ticket is gone). KEYS 5: the notices other messages are carrying (folding:
 * key -> until when). Returns {slot, wait, joined}, or {-1} when another notice's message took this
 * one (its job must not register again while that message may still go). `joined`: 1 when
 * it joined notices already waiting (the first of them normally carries it).
 */
const RESERVE_FOLD = `${NOW}
${KEEP}
local held = redis.call('ZSCORE', KEYS[3], ARGV[2])
if held then return {tonumber(held), tonumber(held) - now} end
local carried = redis.call('ZSCORE', KEYS[5], ARGV[2])
if carried and tonumber(carried) > now then return {-1} end
local interval = tonumber(ARGV[1])
local slot = tonumber(ARGV[4])
local latest = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
local joined = 0
if latest[2] then
  slot = tonumber(latest[2])
  joined = 1
elseif slot < 0 or not redis.call('ZSCORE', KEYS[2], tostring(slot)) then
  local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
  slot = now
  if nxt > slot then slot = nxt end
  redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 60000)
  redis.call('ZADD', KEYS[2], slot, tostring(slot))
  keep(KEYS[2], slot - now + 3600000)
end
redis.call('ZADD', KEYS[3], slot, ARGV[2])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
keep(KEYS[3], slot - now + 3600000)
keep(KEYS[4], slot - now + 3600000)
return {slot, slot - now, joined}`;

/**
 * acquire() for a registered notice, folding: KEYS 1-7 and ARGV 1-10 as ACQUIRE, then KEYS: fold,
 * fold data, clock, folding; ARGV: notice key, how many other notices one message may carry.
 * Returns {2} when another notice's send took this one (folded: nothing to do here),
 * {1, wait} when the send was not taken (wait as ACQUIRE's), or {0, slot, key, entry, ...}
 * when it was: this notice leaves the fold set, and so do up to max of the others waiting
 * for the chat (earliest first), returned with their slots and marked as carried for
 * FOLDING_MS (so their jobs do not register again meanwhile). Their tickets are dropped and
 * the chat's reservation clock comes back to one interval after now (or after the last
 * ticket still held), so the next message need not wait for the notices that went here.
 */
const ACQUIRE_FOLD = `${NOW}
${ACQUIRE_FN}
local key = ARGV[11]
if not redis.call('ZSCORE', KEYS[8], key) then
  redis.call('ZREM', KEYS[4], ARGV[7])
  redis.call('ZREM', KEYS[5], ARGV[7])
  return {2}
end
local r = acquire()
if r ~= 0 then return {1, r} end
redis.call('ZREM', KEYS[8], key)
redis.call('HDEL', KEYS[9], key)
local out = {0}
local max = tonumber(ARGV[12])
if max <= 0 then return out end
local others = redis.call('ZRANGE', KEYS[8], 0, max - 1, 'WITHSCORES')
if #others == 0 then return out end
redis.call('ZREMRANGEBYSCORE', KEYS[11], '-inf', now)
for i = 1, #others, 2 do
  local k = others[i]
  local at = tonumber(others[i + 1])
  local entry = redis.call('HGET', KEYS[9], k)
  redis.call('ZREM', KEYS[8], k)
  redis.call('HDEL', KEYS[9], k)
  redis.call('ZREM', KEYS[1], tostring(at))
  redis.call('ZADD', KEYS[11], now + ${FOLDING_MS}, k)
  if entry then
    table.insert(out, at)
    table.insert(out, k)
    table.insert(out, entry)
  end
end
redis.call('PEXPIRE', KEYS[11], ${FOLDING_MS} + 60000)
local interval = tonumber(ARGV[2])
local nextAt = now + interval
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) + interval > nextAt then nextAt = tonumber(last[2]) + interval end
local cur = tonumber(redis.call('GET', KEYS[10]) or '0')
if nextAt < cur then redis.call('SET', KEYS[10], nextAt, 'PX', nextAt - now + 60000) end
return out`;

/**
 * Hands folded notices back (the message that was to carry them was not sent): each gets its
 * place and its ticket again, and is no longer marked as carried. KEYS: fold, fold data,
 * tickets, folding. ARGV: slot, key, entry, ...
 */
const UNFOLD = `${NOW}
${KEEP}
for i = 1, #ARGV, 3 do
  local at = tonumber(ARGV[i])
  redis.call('ZADD', KEYS[1], at, ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
  redis.call('ZADD', KEYS[3], at, tostring(at))
  redis.call('ZREM', KEYS[4], ARGV[i + 1])
end
keep(KEYS[1], 3600000)
keep(KEYS[2], 3600000)
keep(KEYS[3], 3600000)
return 0`;

/**
 * KEYS: bot log, sent clock, chat busy mark. ARGV: member, chat interval. The send is over: its
 * entry in the bot's window counts from now (the platform saw the request at or before now),
 * the chat is free again, and its next message waits a full interval from now (a 429's penalty
 * may push that further).
 */
const FINISH = `${NOW}
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1]) end
redis.call('DEL', KEYS[3])
local interval = tonumber(ARGV[2])
if interval > 0 then
  local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now + interval > nxt then redis.call('SET', KEYS[2], now + interval, 'PX', interval + 60000) end
end
return 0`;

/** KEYS: clock. ARGV: ms. Nothing goes to this chat before now + ms. */
const PENALIZE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > nxt then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 60000) end
return 0`;

/** ACQUIRE's keys (its KEYS 1-7), shared with ACQUIRE_FOLD. */
type AcquireKeys = [tickets: string, sent: string, bot: string, botQueue: string, botQueueSeen: string, owner: string, busy: string];
/** ACQUIRE's arguments (its ARGV 1-10), shared with ACQUIRE_FOLD. */
type AcquireArgv = readonly [
  slot: number,
  interval: number,
  botMax: number,
  windowMs: number,
  staleMs: number,
  member: string,
  waiter: string,
  order: number,
  waiterStaleMs: number,
  recheckMs: number,
];

type LimiterRedis = RedisClient & {
  llReserve(clock: string, tickets: string, owner: string, interval: number, hasOwner: '0' | '1', ownerTtlMs: number): Promise<[number, number]>;
  llAcquire(...args: [...AcquireKeys, ...AcquireArgv]): Promise<number>;
  llPenalize(key: string, ms: number): Promise<number>;
  llFinish(bot: string, sent: string, busy: string, member: string, interval: number): Promise<number>;
  llReserveFold(
    clock: string,
    tickets: string,
    fold: string,
    foldData: string,
    folding: string,
    interval: number,
    key: string,
    entry: string,
    slot: number,
  ): Promise<[number, number, number] | [number]>;
  llAcquireFold(
    ...args: [...AcquireKeys, fold: string, foldData: string, clock: string, folding: string, ...AcquireArgv, key: string, max: number]
  ): Promise<Array<number | string>>;
  llUnfold(fold: string, foldData: string, tickets: string, folding: string, ...args: Array<string | number>): Promise<number>;
};

export interface RateLimiterOptions {
  /** added to every interval and window (default 50 ms) */
  marginMs?: number;
  /** see DEFAULT_TICKET_STALE_MS */
  ticketStaleMs?: number;
  /** see DEFAULT_WAITER_STALE_MS */
  waiterStaleMs?: number;
  /** see DEFAULT_BOT_RECHECK_MS */
  botRecheckMs?: number;
  /**
   * The share of the per-bot budget the bulk lane (mailings) may use (default DEFAULT_BULK_LANE_SHARE).
   * Above BULK_SHARE an answer or a reminder arriving at a full window still goes first (the
   * bot's queue is ordered by lane), after at most one window.
   */
  bulkShare?: number;
}

let seq = 0;

/** Names one send in the bot's window (acquireSend, then finishSend). */
export interface SendHandle {
  readonly id: string;
  /** its place in the bot's queue when the window is full: who waits (a job id) and since when (epoch ms) */
  readonly waiter: string;
  readonly since: number;
}
export function newSendHandle(waiter?: { id: string; since: number }): SendHandle {
  const id = `${process.pid}-${Date.now()}-${++seq}`;
  return { id, waiter: waiter?.id ?? id, since: waiter?.since ?? Date.now() };
}

/** A notice another one's message carries (acquireFold): its ticket's slot, its dedupe key and the entry it registered. */
export interface FoldedEntry {
  slot: number;
  key: string;
  entry: string;
}

/** Queue order per lane: every answer before every digest before every bulk send, then by age. */
const LANE_ORDER: Record<OutboxLane, number> = { interactive: 0, digest: 1e13, bulk: 2e13 };

/** A place in the bot's queue not asked about for this long is dropped (the waiter's process died). */
const DEFAULT_WAITER_STALE_MS = 5_000;

/**
 * A send waiting for room in the bot's window asks again at least this often. Its computed
 * wait assumes every waiter ahead of it takes its turn; those that drop out instead (their
 * chat taken by a sibling's send, their notice carried by another's message, their job put
 * back as delayed) would otherwise leave room unused until the sleepers behind them wake:
 * measured in bench:inbound's standard-limit drain, 0.74-0.78 x the limit in 8 of 12 runs.
 */
const DEFAULT_BOT_RECHECK_MS = 200;

export class ChannelRateLimiter {
  private readonly redis: LimiterRedis;
  private readonly marginMs: number;
  private readonly staleMs: number;
  private readonly waiterStaleMs: number;
  private readonly botRecheckMs: number;
  private readonly bulkShare: number;

  constructor(
    redisTarget: RedisLike,
    private readonly prefix: string,
    private readonly limits: ChannelLimits = DEFAULT_CHANNEL_LIMITS,
    options: RateLimiterOptions = {},
  ) {
    // a channel's keys share one hash tag ({ratelimit:<channel>}), so each script runs on one slot of a cluster
    const redis = connectRedis(redisTarget, { maxRetriesPerRequest: 3, lazyConnect: false });
    redis.defineCommand('llReserve', { numberOfKeys: 3, lua: RESERVE });
    redis.defineCommand('llAcquire', { numberOfKeys: 7, lua: ACQUIRE });
    redis.defineCommand('llPenalize', { numberOfKeys: 1, lua: PENALIZE });
    redis.defineCommand('llFinish', { numberOfKeys: 3, lua: FINISH });
    redis.defineCommand('llReserveFold', { numberOfKeys: 5, lua: RESERVE_FOLD });
    redis.defineCommand('llAcquireFold', { numberOfKeys: 11, lua: ACQUIRE_FOLD });
    redis.defineCommand('llUnfold', { numberOfKeys: 4, lua: UNFOLD });
    this.redis = redis as LimiterRedis;
    this.marginMs = options.marginMs ?? DEFAULT_LIMIT_MARGIN_MS;
    this.staleMs = options.ticketStaleMs ?? DEFAULT_TICKET_STALE_MS;
    this.waiterStaleMs = options.waiterStaleMs ?? DEFAULT_WAITER_STALE_MS;
    this.botRecheckMs = options.botRecheckMs ?? DEFAULT_BOT_RECHECK_MS;
    this.bulkShare = options.bulkShare ?? DEFAULT_BULK_LANE_SHARE;
  }

  /** The spacing between two messages to this chat, margin included (0 = no limit). */
  chatInterval(channel: Channel, chatId: string): number {
    const limit = this.limits[channel];
    if (!limit) return 0;
    const group = channel === 'telegram' && chatId.startsWith('-');
    const base = (group ? (limit.perGroupChatMs ?? limit.perChatMs) : limit.perChatMs) ?? 0;
    return base > 0 ? base + this.marginMs : 0;
  }

  /** Slack limits per channel; a customer's thread ("<channel>:<thread ts>") shares its channel's clocks. */
  private chat(channel: Channel, chatId: string) {
    const chat = channel === 'slack' ? chatId.split(':')[0]! : chatId;
    return `${this.prefix}:{ratelimit:${channel}}:${chat}`;
  }

  /**
   * Takes this chat's next slot and a ticket for it: resolves to the slot (Redis epoch ms;
   * -1 when the chat has no limit) and the wait until it in ms (negative: the slot has passed).
   * With an `owner` (the job's id) the ticket is that job's: while it is unspent, the same
   * owner asking again (its job run again after its worker died) gets the same slot back.
   */
  async reserveChat(channel: Channel, chatId: string, owner?: string): Promise<{ slot: number; wait: number }> {
    const interval = this.chatInterval(channel, chatId);
    if (interval <= 0) return { slot: -1, wait: 0 };
    const base = this.chat(channel, chatId);
    const [slot, wait] = await this.redis.llReserve(`${base}:clock`, `${base}:tickets`, this.owner(base, owner), interval, owner ? '1' : '0', this.staleMs);
    return { slot: Number(slot), wait: Number(wait) };
  }

  /** The key naming the ticket an owner holds on this chat (a key that is never set without one). */
  private owner(base: string, owner: string | undefined): string {
    return `${base}:owner:${owner ?? ''}`;
  }

  /**
   * Right before the platform call: takes the send when every earlier ticket of the chat is
   * done, the chat's last send is an interval ago and the bot's window has room for this lane
   * left by the sends queued ahead of this one (a full window queues it: `send.waiter` keeps
   * its place across calls). Resolves to 0 (taken; the ticket is spent), the wait in ms (nothing taken), or a negative
   * number when earlier messages to the chat still have to go first (its magnitude: their
   * number times the chat interval, the earliest this one can go).
   */
  async acquireSend(
    channel: Channel,
    chatId: string,
    slot: number,
    lane: OutboxLane = 'interactive',
    send: SendHandle = newSendHandle(),
    owner?: string,
  ): Promise<number> {
    const interval = this.chatInterval(channel, chatId);
    const botMax = this.botMax(channel, lane);
    if (interval <= 0 && botMax === 0) return 0;
    return Number(
      await this.redis.llAcquire(
        ...this.acquireKeys(channel, chatId, `${this.chat(channel, chatId)}:tickets`, owner),
        ...this.acquireArgs(slot, interval, botMax, lane, send),
      ),
    );
  }

  private botMax(channel: Channel, lane: OutboxLane): number {
    const perSecond = this.limits[channel]?.perSecond ?? 0;
    if (perSecond <= 0) return 0;
    if (lane === 'interactive') return perSecond;
    return Math.max(1, Math.floor(perSecond * (lane === 'bulk' ? this.bulkShare : BULK_SHARE)));
  }

  /** ACQUIRE's keys for a send to this chat (`tickets`: the chat's, or its fold group's). */
  private acquireKeys(channel: Channel, chatId: string, tickets: string, owner?: string): AcquireKeys {
    const base = this.chat(channel, chatId);
    const bot = this.bot(channel);
    return [tickets, `${base}:sent`, bot, `${bot}:queue`, `${bot}:queue:seen`, this.owner(base, owner), `${base}:busy`];
  }

  private acquireArgs(slot: number, interval: number, botMax: number, lane: OutboxLane, send: SendHandle): AcquireArgv {
    return [
      slot,
      interval,
      botMax,
      1000 + this.marginMs,
      this.staleMs,
      send.id,
      send.waiter,
      // earliest due first: a chat's slot (so each chat's next message goes before any chat's one after it), else the job's age
      LANE_ORDER[lane] + (slot >= 0 ? slot : send.since),
      this.waiterStaleMs,
      this.botRecheckMs,
    ] as const;
  }

  /** Whether notices to this chat can be folded: only a chat with a spacing limit ever holds them back. */
  folds(channel: Channel, chatId: string): boolean {
    return this.chatInterval(channel, chatId) > 0;
  }

  private foldKeys(channel: Channel, chatId: string, group: string) {
    const base = this.chat(channel, chatId);
    return {
      fold: `${base}:fold:${group}`,
      data: `${base}:fold:${group}:data`,
      folding: `${base}:fold:${group}:carried`,
      tickets: `${base}:tickets`,
      clock: `${base}:clock`,
    };
  }

  /**
   * Registers a notice that may be folded into another's message (coalescing) and gives it
   * its ticket on the chat's clock (`slot`: the one the job holds, or -1), or the ticket of
   * the notices already waiting there. Notices fold only within one `group` (a workspace).
   * Resolves to its slot and the wait until it in ms (`joined`: it joined notices already
   * waiting, the first of which normally carries it), or `folded` when another notice's
   * message took it a moment ago (that message may still go; the job looks at its ledger row).
   */
  async reserveFold(
    channel: Channel,
    chatId: string,
    group: string,
    key: string,
    entry: string,
    slot: number,
  ): Promise<{ status: 'registered'; slot: number; wait: number; joined: boolean } | { status: 'folded' }> {
    const k = this.foldKeys(channel, chatId, group);
    const r = await this.redis.llReserveFold(k.clock, k.tickets, k.fold, k.data, k.folding, this.chatInterval(channel, chatId), key, entry, slot);
    if (Number(r[0]) < 0) return { status: 'folded' };
    return { status: 'registered', slot: Number(r[0]), wait: Number(r[1]), joined: Number(r[2]) === 1 };
  }

  /**
   * acquireSend for a notice registered with reserveFold. `taken`: the send is this job's,
   * with up to `max` other notices waiting for the chat (they are this message's to carry
   * now; earliest first); `wait`: as acquireSend's; `folded`: another notice's message took
   * this one (its job has nothing to send).
   */
  async acquireFold(
    channel: Channel,
    chatId: string,
    group: string,
    key: string,
    slot: number,
    max: number,
    lane: OutboxLane = 'interactive',
    send: SendHandle = newSendHandle(),
  ): Promise<{ status: 'taken'; folded: FoldedEntry[] } | { status: 'wait'; wait: number } | { status: 'folded' }> {
    const interval = this.chatInterval(channel, chatId);
    const k = this.foldKeys(channel, chatId, group);
    const r = await this.redis.llAcquireFold(
      ...this.acquireKeys(channel, chatId, k.tickets),
      k.fold,
      k.data,
      k.clock,
      k.folding,
      ...this.acquireArgs(slot, interval, this.botMax(channel, lane), lane, send),
      key,
      max,
    );
    const status = Number(r[0]);
    if (status === 2) return { status: 'folded' };
    if (status === 1) return { status: 'wait', wait: Number(r[1]) };
    const folded: FoldedEntry[] = [];
    for (let i = 1; i + 2 < r.length; i += 3) {
      folded.push({ slot: Number(r[i]), key: String(r[i + 1]), entry: String(r[i + 2]) });
    }
    return { status: 'taken', folded };
  }

  /** Hands folded notices back (their message was not sent): they wait for the chat again, in their old places. */
  async unfold(channel: Channel, chatId: string, group: string, folded: FoldedEntry[]): Promise<void> {
    if (folded.length === 0) return;
    const k = this.foldKeys(channel, chatId, group);
    await this.redis.llUnfold(k.fold, k.data, k.tickets, k.folding, ...folded.flatMap((f) => [f.slot, f.key, f.entry]));
  }

  /** The waiter stops waiting for now (its job was put back as delayed): the sends behind it need not wait for it. */
  async leaveQueue(channel: Channel, send: SendHandle): Promise<void> {
    await this.redis.zrem(`${this.bot(channel)}:queue`, send.waiter);
  }

  private bot(channel: Channel) {
    return `${this.prefix}:{ratelimit:${channel}}:bot`;
  }

  /**
   * After the platform call (answered or failed): the send's entry in the bot's window and the
   * chat's next send count from now, so the request's own latency never squeezes the spacing.
   */
  async finishSend(channel: Channel, chatId: string, send: SendHandle): Promise<void> {
    const base = this.chat(channel, chatId);
    await this.redis.llFinish(this.bot(channel), `${base}:sent`, `${base}:busy`, send.id, this.chatInterval(channel, chatId));
  }

  /** Gives a ticket back (the item was skipped, refused or given up): later messages to the chat need not wait for it. */
  async releaseSlot(channel: Channel, chatId: string, slot: number): Promise<void> {
    if (slot >= 0) await this.redis.zrem(`${this.chat(channel, chatId)}:tickets`, String(slot));
  }

  /**
   * The platform said "retry after": nothing goes to this chat before then, and the refused
   * message takes its ticket back (`slot`), so it still goes before the chat's later ones.
   */
  async penalize(channel: Channel, chatId: string, retryAfterMs: number, slot = -1): Promise<void> {
    const ms = Math.max(1, Math.ceil(retryAfterMs)) + this.marginMs;
    const base = this.chat(channel, chatId);
    await Promise.all([
      this.redis.llPenalize(`${base}:clock`, ms),
      this.redis.llPenalize(`${base}:sent`, ms),
      slot >= 0 ? this.redis.zadd(`${base}:tickets`, slot, String(slot)) : undefined,
    ]);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
