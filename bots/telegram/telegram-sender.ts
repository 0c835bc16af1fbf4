// The Telegram ChannelSender: renders, splits, and turns "blocked" and "chat not found" into
// PermanentSendError so the identity is marked unreachable instead of being retried forever,
// and a 429 into RateLimitedError (retry_after) for the outbound queue to reschedule. The
// shared limits are the outbound queue's (connectors/queue/rate-limit.ts); the in-process
// SendLimiter only spaces the parts of one long message to its chat.
import { GrammyError, InputFile, InputMediaBuilder, type Api } from 'grammy';
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
    if (message.image) {
      await this.limiter.acquire(chatId);
      const photo = await this.api.sendPhoto(chatId, new InputFile(message.image.png, message.image.filename), {
        caption: message.image.caption ? escapeHtml(message.image.caption.slice(0, 1000)) : undefined,
        parse_mode: 'HTML',
      });
      lastId = photo.message_id;
    }
    if (message.files?.length) return { externalMessageId: String(await this.sendFiles(message, keyboard, reply_parameters)) };
    const chunks = splitForTelegram(message.text);
    for (let i = 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      await this.limiter.acquire(chatId);
      const sent = await this.api.sendMessage(chatId, escapeHtml(chunks[i]!), {
        parse_mode: 'HTML',
        reply_markup: last ? keyboard : undefined,
        reply_parameters: i === 0 ? reply_parameters : undefined,
        link_preview_options: { is_disabled: true },
      });
      lastId = sent.message_id;
    }
    if (lastId === undefined) throw new Error('nothing to send: empty text and no image');
    return { externalMessageId: String(lastId) };
  }

  /**
   * Files: a photo as a photo (sendPhoto takes JPEG/PNG/WebP/GIF up to 10 MB), a voice message
   * as a voice (OGG/Opus), anything else as a document. A short text is the first file's
   * caption, a longer one goes first as messages; the buttons sit under the last file.
   */
  private async sendFiles(message: OutboundMessage, keyboard: ReturnType<typeof inlineKeyboard>, replyTo: { message_id: number } | undefined): Promise<number> {
    const chatId = message.chatId;
    const files = message.files!;
    const text = message.text.trim();
    const asCaption = text.length > 0 && text.length <= CAPTION_MAX;
    let lastId = 0;
    let first = true;
    if (text && !asCaption) {
      for (const chunk of splitForTelegram(text)) {
        await this.limiter.acquire(chatId);
        lastId = (await this.api.sendMessage(chatId, escapeHtml(chunk), { parse_mode: 'HTML', reply_parameters: first ? replyTo : undefined })).message_id;
        first = false;
      }
    }
    // several files and no buttons (an album): one media group, photos as photos when all are
    if (files.length > 1 && files.length <= 10 && !keyboard) {
      const photos = files.every(isPhoto);
      const caption = (i: number) => (i === 0 && asCaption ? { caption: escapeHtml(text), parse_mode: 'HTML' as const } : {});
      const media = photos
        ? files.map((f, i) => InputMediaBuilder.photo(new InputFile(f.bytes, f.name), caption(i)))
        : files.map((f, i) => InputMediaBuilder.document(new InputFile(f.bytes, f.name), caption(i)));
      await this.limiter.acquire(chatId);
      const sent = await this.api.sendMediaGroup(chatId, media, { reply_parameters: first ? replyTo : undefined });
      return sent[sent.length - 1]?.message_id ?? lastId;
    }
    for (const [i, f] of files.entries()) {
      const options = {
        caption: i === 0 && asCaption ? escapeHtml(text) : undefined,
        parse_mode: 'HTML' as const,
        reply_markup: i === files.length - 1 ? keyboard : undefined,
        reply_parameters: first ? replyTo : undefined,
      };
      const input = new InputFile(f.bytes, f.name);
      await this.limiter.acquire(chatId);
      const sent = isPhoto(f)
        ? await this.api.sendPhoto(chatId, input, options)
        : f.kind === 'voice' && (!f.mime || f.mime === 'audio/ogg')
          ? await this.api.sendVoice(chatId, input, options)
          : await this.api.sendDocument(chatId, input, options);
      lastId = sent.message_id;
      first = false;
    }
    return lastId;
  }
}

/** Telegram's caption limit is 1,024 characters after entity parsing; escaped text stays under it. */
const CAPTION_MAX = 900;
const PHOTO_TYPES = /^image\/(jpeg|png|webp|gif)$/;
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/** What sendPhoto takes: a photo in JPEG, PNG, WebP or GIF up to 10 MB (anything else goes as a document). */
function isPhoto(f: NonNullable<OutboundMessage['files']>[number]): boolean {
  return f.kind === 'photo' && (!f.mime || PHOTO_TYPES.test(f.mime)) && f.bytes.byteLength <= PHOTO_MAX_BYTES;
}
