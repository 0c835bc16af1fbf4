// How Slack's ids are written into Leadline's channel-agnostic fields.
// Identity.externalId = "<TEAM_ID>:<USER_ID>" (a user id is only unique within its team,
// and Slack Connect channels mix teams). A message reference is "<channel>:<ts>" for a
// top-level message and "<channel>:<thread_ts>:<ts>" for a reply inside a thread, so the
// second part is always the ts to thread under (Slack wants the parent's ts as thread_ts).

export function slackUserKey(teamId: string, userId: string): string {
  return `${teamId}:${userId}`;
}

/** The Slack user id (U…/W…) inside an Identity.externalId, or null when it is not one of ours. */
export function userIdOfKey(externalId: string): string | null {
  const parts = externalId.split(':');
  return parts.length === 2 && parts[1] ? parts[1] : null;
}

export function messageRef(channel: string, ts: string, threadTs?: string): string {
  return threadTs && threadTs !== ts ? `${channel}:${threadTs}:${ts}` : `${channel}:${ts}`;
}

export interface ParsedRef {
  channel: string;
  /** the ts of the thread's parent (or of the message itself when it is top-level) */
  threadTs: string;
  ts: string;
}

const TS = /^\d+\.\d+$/;

/** Reads a reference written by messageRef; null for anything else (e.g. a Telegram id). */
export function parseMessageRef(ref: string | undefined | null): ParsedRef | null {
  if (!ref) return null;
  const parts = ref.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0]) return null;
  const [channel, threadTs, ts = threadTs] = parts as [string, string, string?];
  if (!TS.test(threadTs) || !TS.test(ts)) return null;
  return { channel, threadTs, ts };
}

/** Direct-message channel ids start with D; the app's DMs with people live there. */
export function isDirectMessageChannel(channelId: string): boolean {
  return channelId.startsWith('D');
}

/**
 * A chatId is a DM or channel id, or "<channel>:<thread ts>" for a customer in a shared
 * channel (answers go into their thread). Returns the channel and the thread, if any.
 */
export function splitChatId(chatId: string): { channel: string; threadTs?: string } {
  const [channel = chatId, threadTs] = chatId.split(':', 2);
  return threadTs && TS.test(threadTs) ? { channel, threadTs } : { channel: chatId };
}
