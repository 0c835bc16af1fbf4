// The Telegram ChannelSender: renders, splits, and turns "blocked" and "chat not found" into
// PermanentSendError so the identity is marked unreachable instead of being retried forever,
// and a 429 into RateLimitedError (retry_after) for the outbound queue to reschedule. The
// shared limits are the outbound queue's (connectors/queue/rate-limit.ts); the in-process
// SendLimiter only spaces the parts of one message to its chat (a chart and its text, a text
// over 4,096 characters, a long text and its files, files one by one): each part a full
// interval after the previous part's answer. Once a part is in the chat, a 429 on a later part
// is waited out here and that part sent again (at most CONTINUATION_RETRIES times): handing the
// message back would send the parts already delivered a second time.
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

/** 429s on a later part of one message that are waited out in place, and the longest wait each. */
const CONTINUATION_RETRIES = 3;
const CONTINUATION_MAX_WAIT_S = 30;

/** The parts of one message sent so far: the last one's id (undefined before the first). */
interface Progress {
  lastId?: number;
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

  /** Replaces a sent message's text and buttons (editMessageText); an unchanged text is no error. */
  async edit(message: OutboundMessage, externalMessageId: string): Promise<SendResult> {
    const messageId = Number(externalMessageId);
    if (!Number.isInteger(messageId)) return this.send(message);
    try {
      const keyboard = inlineKeyboard(message.buttons);
      await this.api.editMessageText(message.chatId, messageId, splitForTelegram(escapeHtml(message.text))[0] ?? '', {
        parse_mode: 'HTML',
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
      return { externalMessageId };
    } catch (e) {
      if (e instanceof GrammyError && /message is not modified/i.test(e.description)) return { externalMessageId };
      const reason = permanentReason(e);
      if (reason) throw new PermanentSendError(`Telegram chat ${message.chatId}: ${reason}`, reason);
      if (e instanceof GrammyError && e.error_code === 429) {
        const seconds = Number(e.parameters.retry_after ?? 1);
        throw new RateLimitedError(seconds * 1000, `Telegram chat ${message.chatId}: ${e.description}`);
      }
      throw e;
    }
  }

  private async sendUnsafe(message: OutboundMessage): Promise<SendResult> {
    const chatId = message.chatId;
    // Telegram Business: every part goes into the connected account's chat, on its owner's behalf
    const via = businessVia(message);
    // group and channel chat ids are negative
    const keyboard = inlineKeyboard(message.buttons, { privateChat: !String(chatId).startsWith('-') });
    const replyTo = message.replyToExternalId ? Number(message.replyToExternalId) : undefined;
    const reply_parameters = replyTo && Number.isInteger(replyTo) ? { message_id: replyTo, allow_sending_without_reply: true } : undefined;
    const progress: Progress = {};
    if (message.image) {
      const image = message.image;
      await this.part(chatId, progress, async () => {
        const photo = await this.api.sendPhoto(chatId, new InputFile(image.png, image.filename), {
          ...via,
          caption: image.caption ? escapeHtml(image.caption.slice(0, 1000)) : undefined,
          parse_mode: 'HTML',
        });
        return photo.message_id;
      });
    }
    if (message.files?.length) return { externalMessageId: String(await this.sendFiles(message, keyboard, reply_parameters, progress)) };
    const chunks = splitForTelegram(message.text);
    for (let i = 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      await this.part(chatId, progress, async () => {
        const sent = await this.api.sendMessage(chatId, escapeHtml(chunks[i]!), {
          ...via,
          parse_mode: 'HTML',
          reply_markup: last ? keyboard : undefined,
          reply_parameters: i === 0 ? reply_parameters : undefined,
          link_preview_options: { is_disabled: true },
        });
        return sent.message_id;
      });
    }
    if (progress.lastId === undefined) throw new Error('nothing to send: empty text and no image');
    return { externalMessageId: String(progress.lastId) };
  }

  /**
   * One part of a message: sent a full interval after the previous part's answer; once an
   * earlier part is in the chat, a 429 is waited out and the part sent again, here.
   */
  private async part(chatId: string, progress: Progress, call: () => Promise<number | undefined>): Promise<void> {
    for (let retries = 0; ; retries++) {
      await this.limiter.acquire(chatId);
      try {
        const id = await call();
        this.limiter.answered(chatId);
        if (id !== undefined) progress.lastId = id;
        return;
      } catch (e) {
        const waitS = e instanceof GrammyError && e.error_code === 429 ? Number(e.parameters.retry_after ?? 1) : undefined;
        if (progress.lastId === undefined || waitS === undefined || retries >= CONTINUATION_RETRIES || waitS > CONTINUATION_MAX_WAIT_S) throw e;
        this.limiter.penalize(chatId, waitS);
      }
    }
  }

  /**
   * Files: a photo as a photo (sendPhoto takes JPEG/PNG/WebP/GIF up to 10 MB), a voice message
   * as a voice (OGG/Opus), anything else as a document. A short text is the first file's
   * caption, a longer one goes first as messages; the buttons sit under the last file.
   */
  private async sendFiles(
    message: OutboundMessage,
    keyboard: ReturnType<typeof inlineKeyboard>,
    replyTo: { message_id: number } | undefined,
    progress: Progress,
  ): Promise<number> {
    const chatId = message.chatId;
    const via = businessVia(message);
    const files = message.files!;
    const text = message.text.trim();
    const asCaption = text.length > 0 && text.length <= CAPTION_MAX;
    let first = true;
    if (text && !asCaption) {
      for (const chunk of splitForTelegram(text)) {
        const reply = first ? replyTo : undefined;
        await this.part(
          chatId,
          progress,
          async () => (await this.api.sendMessage(chatId, escapeHtml(chunk), { ...via, parse_mode: 'HTML', reply_parameters: reply })).message_id,
        );
        first = false;
      }
    }
    // several files and no buttons (an album): one media group, photos as photos when all are
    if (files.length > 1 && files.length <= 10 && !keyboard) {
      const photos = files.every(isPhoto);
      const caption = (i: number) => (i === 0 && asCaption ? { caption: escapeHtml(text), parse_mode: 'HTML' as const } : {});
      // built anew for each attempt: an InputFile is read once per request
      const media = () =>
        photos
          ? files.map((f, i) => InputMediaBuilder.photo(new InputFile(f.bytes, f.name), caption(i)))
          : files.map((f, i) => InputMediaBuilder.document(new InputFile(f.bytes, f.name), caption(i)));
      const reply = first ? replyTo : undefined;
      await this.part(chatId, progress, async () => {
        const sent = await this.api.sendMediaGroup(chatId, media(), { ...via, reply_parameters: reply });
        return sent[sent.length - 1]?.message_id;
      });
      return progress.lastId ?? 0;
    }
    for (const [i, f] of files.entries()) {
      const options = {
        ...via,
        caption: i === 0 && asCaption ? escapeHtml(text) : undefined,
        parse_mode: 'HTML' as const,
        reply_markup: i === files.length - 1 ? keyboard : undefined,
        reply_parameters: first ? replyTo : undefined,
      };
      await this.part(chatId, progress, async () => {
        const input = new InputFile(f.bytes, f.name);
        const sent = isPhoto(f)
          ? await this.api.sendPhoto(chatId, input, options)
          : f.kind === 'voice' && (!f.mime || f.mime === 'audio/ogg')
            ? await this.api.sendVoice(chatId, input, options)
            : await this.api.sendDocument(chatId, input, options);
        return sent.message_id;
      });
      first = false;
    }
    return progress.lastId ?? 0;
  }
}

/** The Bot API field that sends on a connected Business account's behalf (none for the bot's own chats). */
function businessVia(message: OutboundMessage): { business_connection_id?: string } {
  return message.businessConnectionId ? { business_connection_id: message.businessConnectionId } : {};
}

/** Telegram's caption limit is 1,024 characters after entity parsing; escaped text stays under it. */
const CAPTION_MAX = 900;
const PHOTO_TYPES = /^image\/(jpeg|png|webp|gif)$/;
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/** What sendPhoto takes: a photo in JPEG, PNG, WebP or GIF up to 10 MB (anything else goes as a document). */
function isPhoto(f: NonNullable<OutboundMessage['files']>[number]): boolean {
  return f.kind === 'photo' && (!f.mime || PHOTO_TYPES.test(f.mime)) && f.bytes.byteLength <= PHOTO_MAX_BYTES;
}
