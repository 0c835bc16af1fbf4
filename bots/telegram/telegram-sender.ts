// The Telegram ChannelSender: renders, splits, and turns "blocked" and "chat not found" into
// PermanentSendError so the identity is marked unreachable instead of being retried forever,
// and a 429 into RateLimitedError (retry_after) for the outbound queue to reschedule. The
// shared limits are the outbound queue's (connectors/queue/rate-limit.ts); the in-process
// SendLimiter only spaces the parts of one message to its chat (a chart and its text, a text
// over 4,096 characters): each part a full interval after the previous part's answer. Once a
// part is in the chat, a 429 on a later part is waited out here and that part sent again
// (at most CONTINUATION_RETRIES times): handing the message back would send the parts already
// delivered a second time.
import { GrammyError, InputFile, type Api } from 'grammy';
import type { ChannelSender, OutboundMessage, SendResult } from '../../core/ports.js';
import { PermanentSendError, RateLimitedError } from '../../core/ports.js';
import { escapeHtml, inlineKeyboard, splitForTelegram } from './telegram-render.js';
import { SendLimiter, TELEGRAM_LIMITS } from './send-limiter.js';

const PERMANENT = [
  /bot was blocked by the user/i,
  /chat not found/i,
  /user is deactivated/i,
  /bot was kicked/i,
  /bot is not a member/i,
  /have no rights to send/i,
  /bot can't initiate conversation/i,
  /PEER_ID_INVALID/i,
];

export function permanentReason(e: unknown): string | null {
  if (!(e instanceof GrammyError)) return null;
  if (e.error_code !== 400 && e.error_code !== 403) return null;
  return PERMANENT.some((re) => re.test(e.description)) ? e.description : null;
}

/** 429s on a later part of one message that are waited out in place, and the longest wait each. */
const CONTINUATION_RETRIES = 3;
const CONTINUATION_MAX_WAIT_S = 30;

export class TelegramSender implements ChannelSender {
  constructor(
    private readonly api: Api,
    // spaces the parts of one long message; the first part was cleared by the shared clocks
    private readonly limiter = new SendLimiter({ ...TELEGRAM_LIMITS, perBotPerSecond: Number.POSITIVE_INFINITY }),
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      return await this.sendUnsafe(message);
    } catch (e) {
      const reason = permanentReason(e);
      if (reason) throw new PermanentSendError(`Telegram chat ${message.chatId}: ${reason}`, reason);
      if (e instanceof GrammyError && e.error_code === 429) {
        // never retried in place: the outbound queue reschedules it through the shared clocks
        const seconds = Number(e.parameters.retry_after ?? 1);
        this.limiter.penalize(message.chatId, seconds);
        throw new RateLimitedError(seconds * 1000, `Telegram chat ${message.chatId}: ${e.description}`);
      }
      throw e;
    }
  }

  private async sendUnsafe(message: OutboundMessage): Promise<SendResult> {
    const chatId = message.chatId;
    const keyboard = inlineKeyboard(message.buttons);
    const replyTo = message.replyToExternalId ? Number(message.replyToExternalId) : undefined;
    const reply_parameters = replyTo && Number.isInteger(replyTo) ? { message_id: replyTo, allow_sending_without_reply: true } : undefined;
    let lastId: number | undefined;
    /** one part: spaced from the previous part's answer; after the first part, a 429 is waited out in place */
    const part = async <T extends { message_id: number }>(call: () => Promise<T>): Promise<T> => {
      for (let retries = 0; ; retries++) {
        await this.limiter.acquire(chatId);
        try {
          const sent = await call();
          this.limiter.answered(chatId);
          lastId = sent.message_id;
          return sent;
        } catch (e) {
          const waitS = e instanceof GrammyError && e.error_code === 429 ? Number(e.parameters.retry_after ?? 1) : undefined;
          if (lastId === undefined || waitS === undefined || retries >= CONTINUATION_RETRIES || waitS > CONTINUATION_MAX_WAIT_S) throw e;
          this.limiter.penalize(chatId, waitS);
        }
      }
    };
    if (message.image) {
      const image = message.image;
      await part(() =>
        this.api.sendPhoto(chatId, new InputFile(image.png, image.filename), {
          caption: image.caption ? escapeHtml(image.caption.slice(0, 1000)) : undefined,
          parse_mode: 'HTML',
        }),
      );
    }
    const chunks = splitForTelegram(message.text);
    for (let i = 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      await part(() =>
        this.api.sendMessage(chatId, escapeHtml(chunks[i]!), {
          parse_mode: 'HTML',
          reply_markup: last ? keyboard : undefined,
          reply_parameters: i === 0 ? reply_parameters : undefined,
          link_preview_options: { is_disabled: true },
        }),
      );
    }
    if (lastId === undefined) throw new Error('nothing to send: empty text and no image');
    return { externalMessageId: String(lastId) };
  }
}
