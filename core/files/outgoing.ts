// What of a message's files can go as files to one recipient's channel, and what is said
// instead: the one place that applies the platforms' limits (FileLimits). A file that does not
// fit is never dropped silently: the person is told, in their language, what it is, why it is
// not attached, and how to get it (a signed download link from the web role, else the CLI).
// Chat channels get one outbox item per file (each takes its own ticket on the chat's clock,
// and a retry never repeats the text); an email carries all of them in the one message.
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import type { Attachment } from '../chat/inbound.js';
import type { OutboxFile, OutboxItem } from '../ports.js';
import type { ChatFiles } from './file-store.js';
import { downloadLimit } from './inbound-files.js';

/** 1.5 MB, 12 KB, 900 B */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / 1024 / 1024;
  return `${mb >= 100 ? Math.round(mb) : Number(mb.toFixed(1))} MB`;
}

const KINDS = new Set(['photo', 'document', 'voice', 'video', 'audio']);

/** "document «offer.pdf»", "photo" */
export function fileLabel(locale: Locale, a: Pick<Attachment, 'kind' | 'name'>): string {
  const kind = t(locale, (KINDS.has(a.kind) ? `chat.attachment.${a.kind}` : 'chat.attachment.other') as MessageKey);
  return a.name ? `${kind} «${a.name}»` : kind;
}

function channelName(locale: Locale, channel: string): string {
  return t(locale, `channel.${channel}` as MessageKey);
}

export interface FilePlan {
  /** the files that go as files */
  files: OutboxFile[];
  /** one line per file that does not, saying why and how to get it */
  notes: string[];
}

/**
 * Plans a customer's files for a team member on `channel` (Telegram or Slack): what fits goes
 * as files; a stored file over the channel's limit becomes a line with a way to download it;
 * a file the bot could not fetch becomes a line saying so and what to ask the customer.
 * Without file storage (files undefined) nothing is planned: the metadata lines say it all.
 */
export function planForMember(files: ChatFiles | undefined, locale: Locale, channel: string | null, from: string, attachments: Attachment[]): FilePlan {
  const plan: FilePlan = { files: [], notes: [] };
  if (!files || !channel) return plan;
  const limit = files.limits.uploadMaxBytes[channel as keyof ChatFiles['limits']['uploadMaxBytes']] ?? Number.POSITIVE_INFINITY;
  for (const a of attachments) {
    const file = label(locale, a);
    if (a.unavailable === 'too_large') {
      plan.notes.push(t(locale, 'files.not_downloaded', { file, limit: humanSize(downloadLimit(files, from)), channel: channelName(locale, from) }));
    } else if (a.unavailable === 'gone') {
      plan.notes.push(t(locale, 'files.gone', { file, channel: channelName(locale, from) }));
    } else if (a.storageKey) {
      const size = a.size ?? 0;
      if (size <= limit) plan.files.push(outboxFile(a));
      else {
        const link = files.link?.(a.storageKey, a.name ?? a.kind) ?? null;
        plan.notes.push(
          t(locale, 'files.too_large_here', { file, limit: humanSize(limit), channel: channelName(locale, channel) }) +
            ' ' +
            (link ? t(locale, 'files.get_link', { link }) : t(locale, 'files.get_cli', { key: a.storageKey })),
        );
      }
    }
  }
  return plan;
}

/**
 * Plans a team member's files for a customer on `channel`: what fits goes (for email, all
 * the attachments of the one message together); the rest is told to the member as not sent.
 */
export function planForCustomer(files: ChatFiles | undefined, locale: Locale, channel: string, from: string, attachments: Attachment[]): FilePlan {
  const plan: FilePlan = { files: [], notes: [] };
  if (!files) return plan;
  const limit = files.limits.uploadMaxBytes[channel as keyof ChatFiles['limits']['uploadMaxBytes']] ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (const a of attachments) {
    const file = label(locale, a);
    if (a.unavailable === 'too_large') {
      plan.notes.push(t(locale, 'files.own_not_downloaded', { file, limit: humanSize(downloadLimit(files, from)), channel: channelName(locale, from) }));
    } else if (a.unavailable === 'gone') {
      plan.notes.push(t(locale, 'files.own_gone', { file, channel: channelName(locale, from) }));
    } else if (a.storageKey) {
      const size = a.size ?? 0;
      // an email's attachments share one message: the limit is their total
      const counted = channel === 'email' ? total + size : size;
      if (counted <= limit) {
        plan.files.push(outboxFile(a));
        total += size;
      } else plan.notes.push(t(locale, 'files.not_sent', { file, limit: humanSize(limit), channel: channelName(locale, channel) }));
    }
  }
  return plan;
}

function label(locale: Locale, a: Attachment): string {
  return a.size !== undefined ? `${fileLabel(locale, a)} (${humanSize(a.size)})` : fileLabel(locale, a);
}

function outboxFile(a: Attachment): OutboxFile {
  return { key: a.storageKey!, name: a.name ?? defaultName(a), kind: a.kind, size: a.size ?? 0, ...(a.mime ? { mime: a.mime } : {}) };
}

/** A name for a file the platform gave none (Telegram photos and voice messages). */
function defaultName(a: Attachment): string {
  const ext = a.mime ? EXT[a.mime] : undefined;
  return `${a.kind}${ext ?? (a.kind === 'photo' ? '.jpg' : a.kind === 'voice' ? '.ogg' : '')}`;
}

const EXT: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'application/pdf': '.pdf',
  'audio/ogg': '.ogg',
  'audio/mpeg': '.mp3',
  'video/mp4': '.mp4',
};

/**
 * The outbox items carrying `files` after `item` (the text): on a chat channel one item per
 * file, keyed after the text's dedupe key and about the same subject (a reply to the file
 * maps back too); on email the files ride in the text's own item.
 */
export function withFiles(item: Omit<OutboxItem, 'workspaceId'>, channel: string | null, files: OutboxFile[]): Array<Omit<OutboxItem, 'workspaceId'>> {
  if (files.length === 0) return [item];
  if (channel === 'email') return [{ ...item, files }];
  const { buttons: _buttons, messageId: _messageId, firstResponse: _firstResponse, ...common } = item;
  // a short text without buttons is the first file's caption: one send, and the file is the
  // message (it carries the item's delivery marks); a long text or buttons go first on their own
  const together = !item.buttons?.length && item.text.trim().length <= CAPTION_CHARS;
  const out: Array<Omit<OutboxItem, 'workspaceId'>> = together ? [{ ...item, files: [files[0]!] }] : [item];
  files.slice(together ? 1 : 0).forEach((file) => {
    const i = files.indexOf(file);
    out.push({ ...common, text: '', files: [file], ...(item.dedupeKey ? { dedupeKey: `${item.dedupeKey}#f${i}` } : {}) });
  });
  return out;
}

/** The longest text sent as a file's caption (Telegram takes 1,024 characters; escaping needs room). */
export const CAPTION_CHARS = 900;
