// Telegram's flood limits as slots in time: about 30 messages/s per bot, 1 message/s per
// chat, 20 messages/min per group. acquire() waits until a slot is free on every limit
// and reserves it, so concurrent sends to one chat queue up instead of hitting 429s.
// (Per process; the outbound queue's concurrency keeps a single sender busy.)

export interface SendLimits {
  perBotPerSecond: number;
  perChatIntervalMs: number;
  perGroupPerMinute: number;
}

export const TELEGRAM_LIMITS: SendLimits = { perBotPerSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

export class SendLimiter {
  private botSlots: number[] = [];
  private chatNext = new Map<string, number>();
  private groupSlots = new Map<string, number[]>();

  constructor(
    private readonly limits: SendLimits = TELEGRAM_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Reserves the earliest time this chat may be sent to, then waits for it. */
  async acquire(chatId: string, isGroup = chatId.startsWith('-')): Promise<void> {
    const at = this.reserve(chatId, isGroup);
    const wait = at - this.now();
    if (wait > 0) await this.sleep(wait);
  }

  /**
   * The platform answered a send to this chat just now: the next one waits a full interval
   * from here. The server counted the send somewhere before its answer, perhaps well after the
   * slot it left in (a slow upload), so spacing from the slot alone can come too early.
   */
  answered(chatId: string): void {
    const next = this.now() + this.limits.perChatIntervalMs;
    this.chatNext.set(chatId, Math.max(this.chatNext.get(chatId) ?? 0, next));
  }

  /** Pushes this chat's next slot back (a 429 said retry_after seconds). */
  penalize(chatId: string, seconds: number): void {
    const until = this.now() + seconds * 1000;
    this.chatNext.set(chatId, Math.max(this.chatNext.get(chatId) ?? 0, until));
  }

  private reserve(chatId: string, isGroup: boolean): number {
    const now = this.now();
    let at = Math.max(now, this.chatNext.get(chatId) ?? 0);
    // per-bot sliding window: the slot must be at least 1 s after the 30th-latest send
    this.botSlots = this.botSlots.filter((t) => t > now - 1000);
    at = Math.max(at, windowSlot(this.botSlots, this.limits.perBotPerSecond, 1000, at));
    if (isGroup) {
      const slots = (this.groupSlots.get(chatId) ?? []).filter((t) => t > now - 60_000);
      at = Math.max(at, windowSlot(slots, this.limits.perGroupPerMinute, 60_000, at));
      slots.push(at);
      slots.sort((a, b) => a - b);
      this.groupSlots.set(chatId, slots);
    }
    this.botSlots.push(at);
    this.botSlots.sort((a, b) => a - b);
    this.chatNext.set(chatId, at + this.limits.perChatIntervalMs);
    if (this.chatNext.size > 10_000) this.forgetOld(now);
    return at;
  }

  private forgetOld(now: number) {
    for (const [chat, next] of this.chatNext) if (next < now) this.chatNext.delete(chat);
    for (const [chat, slots] of this.groupSlots) if (!slots.some((t) => t > now - 60_000)) this.groupSlots.delete(chat);
  }
}

/**
 * Earliest time >= at keeping at most `max` slots in any window of `windowMs`: the new slot
 * comes at least one window after the max-th latest reserved slot.
 */
function windowSlot(sorted: number[], max: number, windowMs: number, at: number): number {
  if (sorted.length < max) return at;
  return Math.max(at, sorted[sorted.length - max]! + windowMs);
}
