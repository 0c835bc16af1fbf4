// Telegram update -> InboundMessage. Texts and captions become text; photos, documents,
// voice, video, audio and stickers become attachment metadata (file_id, name, size).
import type { Update, Message } from 'grammy/types';
import type { InboundMessage, Attachment } from '../../core/chat/inbound.js';

/** The bot id is the part of the token before the colon (no getMe round trip needed). */
export function botIdFromToken(token: string): string {
  const id = token.split(':')[0];
  if (!id || !/^\d+$/.test(id)) throw new Error('TELEGRAM_BOT_TOKEN must look like 123456:ABC... (the token @BotFather gave you)');
  return id;
}

export function dedupeKeyFor(botId: string, updateId: number): string {
  return `tg:${botId}:${updateId}`;
}

function attachmentsOf(m: Message): Attachment[] {
  const out: Attachment[] = [];
  if (m.photo && m.photo.length) {
    const largest = m.photo[m.photo.length - 1]!;
    out.push({ kind: 'photo', fileId: largest.file_id, size: largest.file_size });
  }
  if (m.document)
    out.push({ kind: 'document', fileId: m.document.file_id, name: m.document.file_name, size: m.document.file_size, mime: m.document.mime_type });
  if (m.voice) out.push({ kind: 'voice', fileId: m.voice.file_id, size: m.voice.file_size, mime: m.voice.mime_type });
  if (m.video) out.push({ kind: 'video', fileId: m.video.file_id, name: m.video.file_name, size: m.video.file_size, mime: m.video.mime_type });
  if (m.audio) out.push({ kind: 'audio', fileId: m.audio.file_id, name: m.audio.file_name, size: m.audio.file_size, mime: m.audio.mime_type });
  if (m.video_note) out.push({ kind: 'video_note', fileId: m.video_note.file_id, size: m.video_note.file_size });
  if (m.sticker) out.push({ kind: 'sticker', fileId: m.sticker.file_id, size: m.sticker.file_size });
  return out;
}

function displayName(from: { first_name: string; last_name?: string }): string {
  return [from.first_name, from.last_name].filter(Boolean).join(' ');
}

/** Null for updates Leadline does not handle (edits, channel posts, bots, joins...). */
export function updateToInbound(update: Update, botId: string, workspaceId?: number): InboundMessage | null {
  const dedupeKey = dedupeKeyFor(botId, update.update_id);
  const cb = update.callback_query;
  if (cb) {
    if (!cb.data || !cb.message) return null;
    return {
      workspaceId,
      channel: 'telegram',
      externalUserId: String(cb.from.id),
      externalChatId: String(cb.message.chat.id),
      text: '',
      attachments: [],
      dedupeKey,
      receivedAt: new Date().toISOString(),
      displayName: displayName(cb.from),
      username: cb.from.username,
      languageCode: cb.from.language_code,
      callbackData: cb.data,
      messageExternalId: String(cb.message.message_id),
      isGroup: cb.message.chat.type !== 'private',
    };
  }
  const m = update.message;
  if (!m || !m.from || m.from.is_bot) return null;
  const text = m.text ?? m.caption ?? '';
  const attachments = attachmentsOf(m);
  if (!text && attachments.length === 0) return null;
  return {
    workspaceId,
    channel: 'telegram',
    externalUserId: String(m.from.id),
    externalChatId: String(m.chat.id),
    text,
    attachments,
    replyToExternalId: m.reply_to_message ? String(m.reply_to_message.message_id) : undefined,
    dedupeKey,
    receivedAt: new Date((m.date || Math.floor(Date.now() / 1000)) * 1000).toISOString(),
    displayName: displayName(m.from),
    username: m.from.username,
    languageCode: m.from.language_code,
    messageExternalId: String(m.message_id),
    isGroup: m.chat.type !== 'private',
  };
}
