// Telegram update -> InboundMessage: the transport only translates; what a message means is
// core's (core/chat). What each shape becomes (docs/telegram.md has the table):
// - texts and captions -> text; photos, documents, voice, video, audio (with its title and
//   performer), video notes and stickers -> attachments (file_id, name, size, mime);
// - a shared contact -> sharedContact; when it is the sender's own ("share my phone"), its
//   phone also goes to sender.phone (core normalises it to E.164 and finds the contact by it);
// - location / venue -> location (a venue with its title and address);
// - forward_origin (user, hidden_user, chat, channel; and the forward_from* fields of older
//   Bot API versions) -> forwardedFrom; text_link and url entities -> links;
// - edited_message -> the new text with editOf = the edited message's id (a live location
//   moving is no edit and is ignored);
// - my_chat_member in a private chat: "kicked" -> chatEvent "blocked", back to "member" ->
//   "unblocked"; in a group: the bot added (or made an admin) -> "group_added", removed ->
//   "group_removed", with groupChat {title, botIsAdmin}; a group's messages carry groupChat;
// - Telegram Business: business_connection -> chatEvent "business_connection" with its id,
//   enabled and the can_reply right; business_message / edited_business_message -> a message
//   with business {connectionId, own: the account owner wrote it}, ids prefixed "b:";
//   deleted_business_messages -> chatEvent "deleted" with deletedIds; a business message a
//   bot sent on the owner's behalf (sender_business_bot: Leadline's own answer) is ignored;
// - an anonymous group admin or a member writing "as the group/channel" (sender_chat) speaks
//   as that chat ("chat:<id>"), not as the GroupAnonymousBot bot account; the linked
//   channel's automatic copies into its discussion group are ignored;
// - channel posts are ignored on purpose: a channel is the business's own broadcast, nobody
//   writes to the business there;
// - bots, service messages (pins, joins, migrations, boosts, reactions, dice, stories) are
//   ignored, each with its reason.
import type { Update, Message, MessageEntity } from 'grammy/types';
import type { InboundMessage, Attachment, ForwardOrigin, InboundLocation } from '../../core/chat/inbound.js';

/** The bot id is the part of the token before the colon (no getMe round trip needed). */
export function botIdFromToken(token: string): string {
  const id = token.split(':')[0];
  if (!id || !/^\d+$/.test(id)) throw new Error('TELEGRAM_BOT_TOKEN must look like 123456:ABC... (the token @BotFather gave you)');
  return id;
}

export function dedupeKeyFor(botId: string, updateId: number): string {
  return `tg:${botId}:${updateId}`;
}

/** The update kinds Leadline asks Telegram for (getUpdates and setWebhook). */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'my_chat_member',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
] as const;

/** A business chat's message ids get their own prefix: the bot's chat with the same person numbers its messages apart. */
export function businessMessageId(id: number | string): string {
  return `b:${id}`;
}

/** A group or a supergroup (a client group chat); its title for core. */
function groupOf(chat: { type: string; title?: string }): { title: string } | undefined {
  return chat.type === 'group' || chat.type === 'supergroup' ? { title: chat.title ?? '' } : undefined;
}

/** What one update becomes: a message for core, or the reason Leadline leaves it alone. */
export type Translation = { message: InboundMessage } | { ignored: string };

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
  if (m.audio)
    out.push({
      kind: 'audio',
      fileId: m.audio.file_id,
      name: m.audio.file_name,
      size: m.audio.file_size,
      mime: m.audio.mime_type,
      title: m.audio.title,
      performer: m.audio.performer,
    });
  if (m.video_note) out.push({ kind: 'video_note', fileId: m.video_note.file_id, size: m.video_note.file_size });
  if (m.sticker) out.push({ kind: 'sticker', fileId: m.sticker.file_id, size: m.sticker.file_size });
  return out;
}

function displayName(from: { first_name?: string; last_name?: string }): string {
  return [from.first_name, from.last_name].filter(Boolean).join(' ');
}

/** A chat's shown name: its title, or a private chat's person. */
function chatName(chat: { title?: string; first_name?: string; last_name?: string; username?: string }): string | undefined {
  return chat.title || displayName(chat) || (chat.username ? `@${chat.username}` : undefined);
}

function withSignature(name: string | undefined, signature: string | undefined): string | undefined {
  return name && signature ? `${name} (${signature})` : (name ?? signature);
}

/** Fields of older Bot API versions (before forward_origin, 7.0) that real updates still carry. */
interface LegacyForward {
  forward_from?: { first_name?: string; last_name?: string };
  forward_from_chat?: { type?: string; title?: string; first_name?: string; last_name?: string; username?: string };
  forward_sender_name?: string;
  forward_signature?: string;
  forward_date?: number;
}

type OriginField = NonNullable<Message['forward_origin']>;

function forwardOf(m: Message): ForwardOrigin | undefined {
  const o = m.forward_origin as OriginField | undefined;
  if (o) {
    switch (o.type) {
      case 'user':
        return { kind: 'user', name: displayName(o.sender_user) || undefined };
      case 'hidden_user':
        return { kind: 'hidden_user', name: o.sender_user_name };
      case 'chat':
        return { kind: 'chat', name: withSignature(chatName(o.sender_chat), o.author_signature) };
      case 'channel':
        return { kind: 'channel', name: withSignature(chatName(o.chat), o.author_signature) };
    }
  }
  const legacy = m as unknown as LegacyForward;
  if (legacy.forward_from) return { kind: 'user', name: displayName(legacy.forward_from) || undefined };
  if (legacy.forward_sender_name) return { kind: 'hidden_user', name: legacy.forward_sender_name };
  if (legacy.forward_from_chat) {
    const kind = legacy.forward_from_chat.type === 'channel' ? 'channel' : 'chat';
    return { kind, name: withSignature(chatName(legacy.forward_from_chat), legacy.forward_signature) };
  }
  if (legacy.forward_date) return { kind: 'hidden_user' };
  return undefined;
}

/** URLs behind link text (text_link) and written out (url), in order, once each. */
function linksOf(text: string, entities: MessageEntity[] | undefined): string[] {
  const out: string[] = [];
  for (const e of entities ?? []) {
    // offsets are UTF-16 code units, which is how JavaScript strings index
    const url = e.type === 'text_link' ? e.url : e.type === 'url' ? text.slice(e.offset, e.offset + e.length) : undefined;
    if (url && !out.includes(url)) out.push(url);
  }
  return out;
}

function locationOf(m: Message): InboundLocation | undefined {
  if (m.venue) return { latitude: m.venue.location.latitude, longitude: m.venue.location.longitude, title: m.venue.title, address: m.venue.address };
  if (m.location) return { latitude: m.location.latitude, longitude: m.location.longitude };
  return undefined;
}

/** Telegram gives contact phones in international form, sometimes without the "+". */
function internationalPhone(raw: string): string {
  const trimmed = raw.trim();
  return /^\d{8,15}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

function isoDate(seconds: number | undefined): string {
  return new Date((seconds || Math.floor(Date.now() / 1000)) * 1000).toISOString();
}

/** One update -> InboundMessage, or why it is left alone. */
export function translateUpdate(update: Update, botId: string, workspaceId?: number): Translation {
  const dedupeKey = dedupeKeyFor(botId, update.update_id);
  const cb = update.callback_query;
  if (cb) {
    if (!cb.data || !cb.message) return { ignored: 'a button press without data or message' };
    return {
      message: {
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
        ...(groupOf(cb.message.chat) ? { groupChat: groupOf(cb.message.chat) } : {}),
      },
    };
  }

  const connection = update.business_connection;
  if (connection) {
    // Bot API 9.0 moved can_reply into rights; older payloads still carry it at the top
    const legacy = connection as unknown as { can_reply?: boolean };
    return {
      message: {
        workspaceId,
        channel: 'telegram',
        externalUserId: String(connection.user.id),
        externalChatId: String(connection.user_chat_id),
        text: '',
        attachments: [],
        dedupeKey,
        receivedAt: isoDate(connection.date),
        displayName: displayName(connection.user),
        username: connection.user.username,
        languageCode: connection.user.language_code,
        messageExternalId: `business:${connection.id}:${update.update_id}`,
        isGroup: false,
        chatEvent: 'business_connection',
        businessConnection: { id: connection.id, enabled: connection.is_enabled, canReply: Boolean(connection.rights?.can_reply ?? legacy.can_reply) },
      },
    };
  }

  const deleted = update.deleted_business_messages;
  if (deleted) {
    return {
      message: {
        workspaceId,
        channel: 'telegram',
        // who deleted is not said: the chat is the customer's
        externalUserId: String(deleted.chat.id),
        externalChatId: String(deleted.chat.id),
        text: '',
        attachments: [],
        dedupeKey,
        receivedAt: isoDate(undefined),
        messageExternalId: `deleted:${update.update_id}`,
        isGroup: false,
        chatEvent: 'deleted',
        business: { connectionId: deleted.business_connection_id },
        deletedIds: deleted.message_ids.map(businessMessageId),
      },
    };
  }

  const member = update.my_chat_member;
  if (member) {
    // what every change of the bot's membership says: who changed it, where and when
    const membership = {
      workspaceId,
      channel: 'telegram' as const,
      externalUserId: String(member.from.id),
      externalChatId: String(member.chat.id),
      text: '',
      attachments: [],
      dedupeKey,
      receivedAt: isoDate(member.date),
      displayName: displayName(member.from),
      username: member.from.username,
      languageCode: member.from.language_code,
      messageExternalId: `member:${member.date}:${update.update_id}`,
    };
    const group = groupOf(member.chat);
    if (group) {
      const status = member.new_chat_member.status;
      const inside = status === 'member' || status === 'administrator' || status === 'creator';
      const was = member.old_chat_member.status;
      const wasInside = was === 'member' || was === 'administrator' || was === 'creator';
      // added, or made an administrator (sees every message now): both tell core; a demotion or a restriction does not
      if (inside && wasInside && status !== 'administrator') return { ignored: `the bot's rights in the group changed to ${status}` };
      if (!inside && !wasInside) return { ignored: `the bot's membership changed to ${status}` };
      return {
        message: {
          ...membership,
          isGroup: true,
          chatEvent: inside ? 'group_added' : 'group_removed',
          groupChat: { ...group, botIsAdmin: status === 'administrator' },
        },
      };
    }
    if (member.chat.type !== 'private') return { ignored: 'the bot was added to or removed from a channel' };
    const status = member.new_chat_member.status;
    const chatEvent = status === 'kicked' ? 'blocked' : status === 'member' && member.old_chat_member.status === 'kicked' ? 'unblocked' : null;
    if (!chatEvent) return { ignored: `the bot's membership changed to ${status}` };
    return {
      message: {
        ...membership,
        isGroup: false,
        chatEvent,
      },
    };
  }

  if (update.channel_post || update.edited_channel_post) return { ignored: "a channel post (the business's own broadcast, nobody writes to it there)" };
  const edited = update.edited_message ?? update.edited_business_message;
  const m = update.message ?? update.business_message ?? edited;
  if (!m) return { ignored: 'an update kind Leadline does not handle' };
  // a business chat's message: the owner wrote it when it is not the chat's other person's
  const business = m.business_connection_id ? { connectionId: m.business_connection_id, own: Boolean(m.from && m.from.id !== m.chat.id) } : undefined;
  if (business && m.sender_business_bot) return { ignored: "a message a bot sent on the business account's behalf (Leadline's own answer)" };
  const localId = (id: number) => (business ? businessMessageId(id) : String(id));
  if (m.is_automatic_forward) return { ignored: "the linked channel's post copied into its discussion group" };

  // who speaks: a person, or a chat (an anonymous admin, or a member writing as the group/channel)
  let speaker: { id: string; name?: string; username?: string; languageCode?: string };
  if (m.sender_chat) {
    speaker = {
      id: `chat:${m.sender_chat.id}`,
      name: withSignature(chatName(m.sender_chat), m.author_signature),
      username: 'username' in m.sender_chat ? m.sender_chat.username : undefined,
    };
  } else if (!m.from) {
    return { ignored: 'a message without a sender' };
  } else if (m.from.is_bot) {
    return { ignored: 'a message from a bot' };
  } else {
    speaker = { id: String(m.from.id), name: displayName(m.from), username: m.from.username, languageCode: m.from.language_code };
  }

  if (edited && (edited.location || edited.venue) && !edited.text && !edited.caption)
    return { ignored: 'a live location moving (not an edit of what was said)' };

  const text = m.text ?? m.caption ?? '';
  const attachments = attachmentsOf(m);
  const location = locationOf(m);
  const card = m.contact ? { phone: internationalPhone(m.contact.phone_number), name: displayName(m.contact) || undefined } : undefined;
  const own = card && m.from && m.contact?.user_id === m.from.id;
  if (!text && attachments.length === 0 && !location && !card) return { ignored: 'nothing a customer said (a service message, a dice, a story or a poll)' };
  const links = linksOf(text, m.entities ?? m.caption_entities);

  return {
    message: {
      workspaceId,
      channel: 'telegram',
      externalUserId: speaker.id,
      externalChatId: String(m.chat.id),
      text,
      attachments,
      replyToExternalId: m.reply_to_message ? localId(m.reply_to_message.message_id) : undefined,
      dedupeKey,
      receivedAt: isoDate(edited ? (edited.edit_date ?? edited.date) : m.date),
      displayName: speaker.name,
      username: speaker.username,
      languageCode: speaker.languageCode,
      ...(own ? { sender: { phone: card.phone, name: card.name } } : {}),
      ...(card ? { sharedContact: card } : {}),
      ...(location ? { location } : {}),
      ...(forwardOf(m) ? { forwardedFrom: forwardOf(m) } : {}),
      ...(links.length ? { links } : {}),
      // an edit is its own platform message (the same message_id at another edit_date)
      ...(edited ? { editOf: localId(m.message_id) } : {}),
      // an album's items arrive as separate updates: core sends them on as one (core/chat/albums.ts)
      ...(m.media_group_id && !edited ? { mediaGroupId: m.media_group_id } : {}),
      messageExternalId: edited ? `${localId(m.message_id)}:edit:${edited.edit_date ?? update.update_id}` : localId(m.message_id),
      isGroup: m.chat.type !== 'private',
      ...(business ? { business } : {}),
      ...(groupOf(m.chat) ? { groupChat: groupOf(m.chat) } : {}),
    },
  };
}

/** Null for updates Leadline does not handle (translateUpdate says why). */
export function updateToInbound(update: Update, botId: string, workspaceId?: number): InboundMessage | null {
  const t = translateUpdate(update, botId, workspaceId);
  return 'message' in t ? t.message : null;
}
