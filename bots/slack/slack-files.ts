// A Slack file for Leadline to keep: files.info gives its private download URL, which is
// fetched with the bot token in the Authorization header (url_private needs it; without it
// Slack answers with its sign-in page). A file Slack no longer has, or does not share with the
// app, is reported as gone; anything else throws and the job is retried.
import type { Attachment } from '../../core/chat/inbound.js';
import type { FetchedFile, FileSource } from '../../core/files/file-store.js';
import { downloadCapped } from '../http-download.js';
import type { WebClient } from './slack-sender.js';

const GONE = new Set(['file_not_found', 'file_deleted', 'access_denied', 'not_visible']);

export class SlackFileSource implements FileSource {
  constructor(
    private readonly client: WebClient,
    private readonly token: string,
  ) {}

  async fetch(attachment: Attachment, maxBytes: number): Promise<FetchedFile> {
    if (!attachment.fileId) return { status: 'gone', reason: 'no file id' };
    let file: { url_private_download?: string; url_private?: string; size?: number; mimetype?: string; name?: string } | undefined;
    try {
      file = (await this.client.files.info({ file: attachment.fileId })).file;
    } catch (e) {
      const code = (e as { data?: { error?: string } }).data?.error;
      if (code && GONE.has(code)) return { status: 'gone', reason: code };
      throw e;
    }
    const url = file?.url_private_download ?? file?.url_private;
    if (!url) return { status: 'gone', reason: 'files.info gave no download URL' };
    if (typeof file?.size === 'number' && file.size > maxBytes) return { status: 'too_large', size: file.size };
    const got = await downloadCapped(url, maxBytes, { headers: { authorization: `Bearer ${this.token}` } });
    // Slack's sign-in page instead of the file: the token may not read it
    if (got.status === 'fetched' && got.mime === 'text/html' && file?.mimetype !== 'text/html')
      return { status: 'gone', reason: 'Slack answered with a sign-in page' };
    return got.status === 'fetched' ? { ...got, mime: file?.mimetype ?? got.mime, ...(file?.name ? { name: file.name } : {}) } : got;
  }
}
