// A Slack message event -> InboundMessage, or why it is left alone. The edge only translates;
// what a message means is core's. What each shape becomes (docs/slack.md has the table):
// - a person's message (no subtype, file_share, thread_broadcast, me_message): its text with
//   mentions spelled out as names (users.info, cached by SlackDirectory), channel mentions and
//   links made readable (slack-text.ts), its files as attachments;
// - a file shown as `file_access: "check_file_info"` (Slack Connect: the other organisation's
//   file) is asked for with files.info, so it arrives with its name and type;
// - a shared or forwarded message (attachments[] with is_share, message_blocks): its content
//   is kept as text under the sender's own comment, its author as forwardedFrom, its permalink
//   in links, its files as attachments;
// - message_changed with an `edited` mark: the new text, editOf = the edited message
//   (a change without that mark is Slack adding a link preview: not an edit);
// - Slackbot (USLACKBOT), bots, the app itself and system subtypes (channel_join,
//   channel_topic, bot_message, message_deleted, ...) are never a customer's message.
import type { InboundMessageInput, Attachment } from '../../core/chat/inbound.js';
import { messageRef, slackUserKey } from './slack-ids.js';
import { fromSlackText } from './slack-text.js';
import type { SlackProfile } from './slack-directory.js';

/** A file as Slack describes it in an event or in files.info (the fields Leadline reads). */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  size?: number;
  mimetype?: string;
  filetype?: string;
  mode?: string;
  file_access?: string;
}

interface SlackAttachment {
  is_share?: boolean;
  is_msg_unfurl?: boolean;
  text?: string;
  fallback?: string;
  author_name?: string;
  author_subname?: string;
  author_id?: string;
  from_url?: string;
  channel_name?: string;
  files?: SlackFile[];
  message_blocks?: Array<{ message?: { blocks?: RichBlock[] } }>;
}

interface RichElement {
  type: string;
  text?: string;
  url?: string;
  user_id?: string;
  channel_id?: string;
  name?: string;
  elements?: RichElement[];
}
type RichBlock = RichElement;

/** The message fields Leadline reads (Slack's union of message subtypes, loosely). */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  team?: string;
  user_team?: string;
  files?: SlackFile[];
  attachments?: SlackAttachment[];
  edited?: { user?: string; ts?: string };
  /** message_changed: the message as it is now, and as it was */
  message?: SlackMessageEvent;
  previous_message?: SlackMessageEvent;
}

/** What the translation may ask Slack (SlackDirectory implements it with a cache). */
export interface SlackLookups {
  profile(userId: string): Promise<SlackProfile | null>;
  /** files.info: the file's name and type; null when Slack does not tell */
  fileInfo(fileId: string): Promise<SlackFile | null>;
}

export type SlackTranslation = { message: InboundMessageInput } | { ignored: string };

/** Subtypes that are a person writing; everything else (joins, topics, bot posts, deletions) is not. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message']);
const SLACKBOT = 'USLACKBOT';

export function tsToIso(ts: string | undefined): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString();
}

function kindOf(mime: string | undefined): string {
  if (mime?.startsWith('image/')) return 'photo';
  if (mime?.startsWith('audio/')) return 'voice';
  if (mime?.startsWith('video/')) return 'video';
  return 'document';
}

/** Files -> attachments; a Slack Connect file Slack will only describe through files.info is looked up. */
export async function filesToAttachments(files: SlackFile[] | undefined, lookups: Pick<SlackLookups, 'fileInfo'>): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const listed of files ?? []) {
    if (listed.mode === 'tombstone') continue; // deleted since
    let f = listed;
    if (listed.file_access === 'check_file_info' && listed.id) f = { ...listed, ...((await lookups.fileInfo(listed.id)) ?? {}), id: listed.id };
    out.push({
      kind: kindOf(f.mimetype),
      fileId: f.id,
      name: f.name ?? f.title,
      size: typeof f.size === 'number' ? f.size : undefined,
      mime: f.mimetype,
    });
  }
  return out;
}

/** Mentions of people without a label ("<@U043H11ES4V>") get their name as label, so they read "@Jade". */
export async function labelMentions(text: string, lookups: Pick<SlackLookups, 'profile'>): Promise<string> {
  const ids = [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!))];
  const names = new Map<string, string>();
  for (const id of ids) {
    const p = await lookups.profile(id);
    const name = p?.displayName ?? p?.username;
    if (name) names.set(id, name.replace(/[<>|]/g, ''));
  }
  return text.replace(/<@([UW][A-Z0-9]+)>/g, (whole, id: string) => (names.has(id) ? `<@${id}|${names.get(id)}>` : whole));
}

/** Plain text of rich-text blocks (what a shared message without a text field says). */
function richText(blocks: RichBlock[] | undefined): string {
  const walk = (els: RichElement[] | undefined): string =>
    (els ?? [])
      .map((e) => {
        if (e.type === 'text') return e.text ?? '';
        if (e.type === 'link') return e.text ?? e.url ?? '';
        if (e.type === 'user') return e.user_id ? `<@${e.user_id}>` : '';
        if (e.type === 'channel') return e.channel_id ? `<#${e.channel_id}>` : '';
        if (e.type === 'emoji') return e.name ? `:${e.name}:` : '';
        return walk(e.elements);
      })
      .join('');
  return blocks?.map((b) => walk(b.elements)).join('\n') ?? '';
}

/** A shared/forwarded message inside attachments[]: its text, author, permalink and files. */
function sharesOf(e: SlackMessageEvent): SlackAttachment[] {
  return (e.attachments ?? []).filter((a) => a && a.is_share === true);
}

/** One message event -> InboundMessage, or why it is left alone. */
export async function translateMessageEvent(
  event: SlackMessageEvent,
  envelope: { eventId: string; teamId: string; botUserId?: string; workspaceId?: number },
  lookups: SlackLookups,
): Promise<SlackTranslation> {
  if (event.type !== 'message') return { ignored: `not a message event (${event.type})` };
  let m = event;
  let editOf: string | undefined;
  if (event.subtype === 'message_changed') {
    const now = event.message;
    if (!now) return { ignored: 'a change without the message' };
    // Slack also "changes" a message when it adds a link preview; only a person's edit carries `edited`
    if (!now.edited) return { ignored: 'a change that is no edit (a link preview was added)' };
    m = { ...now, channel: event.channel, channel_type: event.channel_type };
    editOf = messageRef(event.channel, now.ts, now.thread_ts);
  } else if (!PERSON_SUBTYPES.has(event.subtype)) {
    return { ignored: `a system message (${event.subtype})` };
  }
  if (m.user === SLACKBOT) return { ignored: 'a Slackbot message' };
  if (m.bot_id || (m.subtype && !PERSON_SUBTYPES.has(m.subtype))) return { ignored: "a bot's message" };
  if (!m.user) return { ignored: 'a message without a person' };
  if (m.user === envelope.botUserId) return { ignored: "the app's own message" };
  const profile = await lookups.profile(m.user);
  if (profile?.isBot) return { ignored: "a bot user's message" };

  const shares = sharesOf(m);
  const ownWords = fromSlackText(await labelMentions(m.text ?? '', lookups)).trim();
  const sharedTexts: string[] = [];
  for (const s of shares) {
    const raw = s.text || richText(s.message_blocks?.flatMap((b) => b.message?.blocks ?? [])) || s.fallback || '';
    const shared = fromSlackText(await labelMentions(raw, lookups)).trim();
    if (shared) sharedTexts.push(shared);
  }
  // with the sender's own comment, what they shared is quoted under it
  const quoted = ownWords ? sharedTexts.map((t) => t.replace(/^/gm, '» ')) : sharedTexts;
  const text = [ownWords, ...quoted].filter(Boolean).join('\n\n');
  const attachments = [...(await filesToAttachments(m.files, lookups)), ...(await Promise.all(shares.map((s) => filesToAttachments(s.files, lookups)))).flat()];
  if (!text && attachments.length === 0) return { ignored: 'nothing a person said' };
  const author = shares.map((s) => s.author_name ?? s.author_subname).find(Boolean);
  const links = shares.map((s) => s.from_url).filter((u): u is string => Boolean(u));

  const isDm = m.channel_type === 'im';
  const threadRoot = m.thread_ts ?? m.ts;
  const ref = messageRef(m.channel, m.ts, m.thread_ts);
  return {
    message: {
      workspaceId: envelope.workspaceId,
      channel: 'slack',
      externalUserId: slackUserKey(m.user_team ?? m.team ?? envelope.teamId, m.user),
      // customers in channels are answered in their thread; DMs need no thread
      externalChatId: isDm ? m.channel : `${m.channel}:${threadRoot}`,
      text,
      attachments,
      replyToExternalId: m.thread_ts && m.thread_ts !== m.ts ? messageRef(m.channel, m.thread_ts) : undefined,
      dedupeKey: `slack:${envelope.eventId}`,
      receivedAt: tsToIso(editOf ? (m.edited?.ts ?? event.ts) : m.ts),
      displayName: profile?.displayName,
      username: profile?.username,
      languageCode: profile?.languageCode,
      ...(shares.length ? { forwardedFrom: { kind: 'message' as const, name: author } } : {}),
      ...(links.length ? { links } : {}),
      ...(editOf ? { editOf } : {}),
      // an edit is its own platform message (the same ts, edited at another time)
      messageExternalId: editOf ? `${ref}:edit:${m.edited?.ts ?? event.ts}` : ref,
      isGroup: !isDm,
    },
  };
}
