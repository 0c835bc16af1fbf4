// The console channel's ChannelSender: messages for a console chat go to a Redis list that
// the `leadline chat` process of that person reads, so any worker process can deliver them.
import { connectRedis, type RedisClient, type RedisLike } from '../../connectors/queue/connection.js';
import type { ChannelSender, OutboundMessage, SendResult, Button } from '../../core/ports.js';

export interface ConsoleEnvelope {
  id: string;
  text: string;
  buttons?: Button[][];
  replyToExternalId?: string;
  /** the message asks for an answer: the next line typed answers it (OutboundMessage.asksForReply) */
  asksForReply?: boolean;
  at: string;
}

export function consoleInboxKey(prefix: string, chatId: string): string {
  return `${prefix}:console:inbox:${chatId}`;
}

export class ConsoleSender implements ChannelSender {
  private readonly redis: RedisClient;
  constructor(
    redis: RedisLike,
    private readonly prefix = 'leadline',
  ) {
    this.redis = connectRedis(redis, { maxRetriesPerRequest: 3 });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const id = String(await this.redis.incr(`${this.prefix}:console:seq`));
    const envelope: ConsoleEnvelope = {
      id,
      text: message.text,
      buttons: message.buttons,
      replyToExternalId: message.replyToExternalId,
      asksForReply: message.asksForReply || undefined,
      at: new Date().toISOString(),
    };
    const key = consoleInboxKey(this.prefix, message.chatId);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify(envelope))
      .expire(key, 7 * 24 * 3600)
      .exec();
    return { externalMessageId: id };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {});
  }
}

/** Reads a console chat's inbox (blocking pop with a short timeout). */
export class ConsoleInbox {
  private readonly redis: RedisClient;
  private closed = false;
  constructor(
    redis: RedisLike,
    private readonly prefix: string,
    private readonly chatId: string,
  ) {
    this.redis = connectRedis(redis, { maxRetriesPerRequest: null });
  }

  /** Next message, or null after `timeoutSeconds` with nothing. */
  async next(timeoutSeconds = 1): Promise<ConsoleEnvelope | null> {
    if (this.closed) return null;
    const hit = await this.redis.blpop(consoleInboxKey(this.prefix, this.chatId), timeoutSeconds).catch(() => null);
    return hit ? (JSON.parse(hit[1]) as ConsoleEnvelope) : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.redis.disconnect();
  }
}
