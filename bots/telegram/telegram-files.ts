// A Telegram file for Leadline to keep: getFile names its path, then the bytes come from
// <apiRoot>/file/bot<token>/<file_path> (the Bot API's download URL). The public Bot API lets a
// bot download files up to 20 MB: getFile answers "file is too big" beyond that, which is
// reported as too large (the manager is told), never retried.
import { GrammyError, type Api } from 'grammy';
import type { Attachment } from '../../core/chat/inbound.js';
import type { FetchedFile, FileSource } from '../../core/files/file-store.js';
import { downloadCapped } from '../http-download.js';

export class TelegramFileSource implements FileSource {
  constructor(
    private readonly api: Api,
    private readonly token: string,
    private readonly apiRoot = 'https://api.telegram.org',
  ) {}

  async fetch(attachment: Attachment, maxBytes: number): Promise<FetchedFile> {
    if (!attachment.fileId) return { status: 'gone', reason: 'no file_id' };
    let file;
    try {
      file = await this.api.getFile(attachment.fileId);
    } catch (e) {
      if (e instanceof GrammyError && e.error_code === 400) {
        if (/too big/i.test(e.description)) return { status: 'too_large', size: attachment.size };
        return { status: 'gone', reason: e.description };
      }
      throw e;
    }
    if (file.file_size !== undefined && file.file_size > maxBytes) return { status: 'too_large', size: file.file_size };
    if (!file.file_path) return { status: 'gone', reason: 'getFile gave no file_path' };
    const url = `${this.apiRoot.replace(/\/+$/, '')}/file/bot${this.token}/${file.file_path}`;
    return downloadCapped(url, maxBytes);
  }
}
