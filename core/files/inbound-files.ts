// A message's files fetched from its channel and stored, before the message is handled
// (core/chat/handle-inbound.ts calls it first, outside any transaction): each attachment
// leaves with `storageKey` (stored), or `unavailable` (too large for the bot to download, or
// gone from the platform), and its real size. Idempotent: the key depends on the platform
// message only, so a redelivered message finds its files stored and fetches nothing.
// A transient failure (network, 5xx) throws: the inbound job is retried, nothing is lost.
import type { Attachment, InboundMessage } from '../chat/inbound.js';
import type { ChatFiles } from './file-store.js';
import { fileKey } from './file-store.js';

/** The most a bot may fetch from this channel: the platform's limit and the store's, whichever is lower. */
export function downloadLimit(files: ChatFiles, channel: string): number {
  const platform = files.limits.downloadMaxBytes[channel as keyof ChatFiles['limits']['downloadMaxBytes']];
  return Math.min(files.limits.storeMaxBytes, platform ?? Number.POSITIVE_INFINITY);
}

export async function storeInboundFiles(files: ChatFiles | undefined, workspaceId: number, m: InboundMessage): Promise<InboundMessage> {
  if (!files || m.attachments.length === 0) return m;
  const source = files.sources[m.channel];
  if (!source) return m;
  const max = downloadLimit(files, m.channel);
  const attachments: Attachment[] = [];
  for (const [index, a] of m.attachments.entries()) {
    if (a.storageKey || a.unavailable || (!a.fileId && !a.url)) {
      attachments.push(a);
      continue;
    }
    if (a.size !== undefined && a.size > max) {
      attachments.push({ ...a, unavailable: 'too_large' });
      continue;
    }
    const key = fileKey({
      workspaceId,
      channel: m.channel,
      externalUserId: m.externalUserId,
      messageId: `${m.externalChatId}:${m.messageExternalId}`,
      index,
      name: a.name,
      kind: a.kind,
    });
    if (await files.store.has(key)) {
      attachments.push({ ...a, storageKey: key });
      continue;
    }
    const got = await source.fetch(a, max);
    if (got.status === 'too_large') attachments.push({ ...a, unavailable: 'too_large', ...(got.size !== undefined ? { size: got.size } : {}) });
    else if (got.status === 'gone') attachments.push({ ...a, unavailable: 'gone' });
    else {
      await files.store.put(key, got.bytes, { mime: a.mime ?? got.mime });
      attachments.push({
        ...a,
        storageKey: key,
        size: got.bytes.byteLength,
        ...(a.mime || !got.mime ? {} : { mime: got.mime }),
        ...(a.name || !got.name ? {} : { name: got.name }),
      });
    }
  }
  return { ...m, attachments };
}
