// Files customers and managers send, kept by Leadline so they can be passed on as files and
// erased with the person. Two ports, implemented outside core:
// - FileStore: where the bytes live (connectors/files: a directory on disk by default, or an
//   S3-compatible bucket); keys are made here (fileKey), one prefix per sender identity, so
//   erasing a person also finds a file whose message was never stored.
// - FileSource: how a channel's file is fetched (bots/telegram getFile + download, bots/slack
//   url_private with the bot token); email attachments arrive with their contents and are
//   stored by the mail intake itself.
// Sizes are bytes everywhere. FileLimits are the platforms' limits as configured
// (TELEGRAM_FILE_*, SLACK_FILE_MAX_BYTES, EMAIL_*): one place decides what fits (outgoing.ts).
import { createHash } from 'node:crypto';
import type { ChannelName } from '../channels.js';
import type { Attachment } from '../chat/inbound.js';

export interface FileStore {
  /** Stores (or overwrites) the bytes under `key`. */
  put(key: string, bytes: Uint8Array, meta?: { mime?: string }): Promise<void>;
  /** The bytes under `key`, or null when there is no such file. */
  get(key: string): Promise<Uint8Array | null>;
  /** Whether a file is stored under `key`. */
  has(key: string): Promise<boolean>;
  /** Removes these files (missing ones are no error). */
  delete(keys: string[]): Promise<void>;
  /** Removes every file whose key starts with `prefix` (ends in "/"); resolves to how many went. */
  deletePrefix(prefix: string): Promise<number>;
}

/** What fetching a channel's file gave. */
export type FetchedFile =
  | { status: 'fetched'; bytes: Uint8Array; mime?: string; name?: string }
  /** over the limit given (or the platform's own: a bot cannot download it) */
  | { status: 'too_large'; size?: number }
  /** the platform says it is not there (deleted, expired, no access): retrying will not help */
  | { status: 'gone'; reason: string };

/** Fetches one channel's files. Throws on transient failures (the inbound job is retried). */
export interface FileSource {
  fetch(attachment: Attachment, maxBytes: number): Promise<FetchedFile>;
}

export interface FileLimits {
  /** the largest file stored at all (FILE_MAX_BYTES) */
  storeMaxBytes: number;
  /** what a bot may download from each channel (Telegram: 20 MB through the public Bot API) */
  downloadMaxBytes: Partial<Record<ChannelName, number>>;
  /** what may be sent on each channel: one file (Telegram 50 MB, Slack 1 GB), or all of one email's attachments together */
  uploadMaxBytes: Partial<Record<ChannelName, number>>;
}

export const MB = 1024 * 1024;

/** The platforms' documented limits, the defaults of the settings. */
export const DEFAULT_FILE_LIMITS: FileLimits = {
  storeMaxBytes: 100 * MB,
  downloadMaxBytes: { telegram: 20 * MB, slack: 100 * MB },
  uploadMaxBytes: { telegram: 50 * MB, slack: 1000 * MB, email: 18 * MB },
};

/** What the chat engine needs for files (ChatDeps.files); without it attachments stay metadata. */
export interface ChatFiles {
  store: FileStore;
  sources: Partial<Record<ChannelName, FileSource>>;
  limits: FileLimits;
  /** a link anyone holding it can download the file from for a while (the web role's signed URL), or null */
  link?: (key: string, name: string) => string | null;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 24);
}

/** Where one sender's files live: erasing a person deletes the prefixes of their identities. */
export function identityFilePrefix(workspaceId: number, channel: string, externalUserId: string): string {
  return `w${workspaceId}/${channel}/${digest(externalUserId)}/`;
}

/** A file name safe in a key and a Content-Disposition: letters, digits, dot, dash, underscore. */
export function safeFileName(name: string | undefined, fallback: string): string {
  const cleaned = (name ?? '')
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-80);
  return cleaned || fallback;
}

/**
 * The key of a message's n-th file: the sender's prefix, then the platform message (so a
 * redelivery, or the same message under another event, lands on the same key).
 */
export function fileKey(p: {
  workspaceId: number;
  channel: string;
  externalUserId: string;
  messageId: string;
  index: number;
  name?: string;
  kind: string;
}): string {
  return `${identityFilePrefix(p.workspaceId, p.channel, p.externalUserId)}${digest(p.messageId)}-${p.index}-${safeFileName(p.name, p.kind)}`;
}

/** A key as fileKey makes them (links and the CLI refuse anything else). */
export function isFileKey(key: string): boolean {
  return /^w\d+\/[a-z]+\/[0-9a-f]{24}\/[0-9a-f]{24}-\d+-[\w.-]{1,80}$/.test(key);
}
