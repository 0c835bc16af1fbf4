// The file store and limits from configuration: a directory on disk unless FILE_STORAGE=s3.
import type { Config } from '../config.js';
import type { FileLimits, FileStore } from '../../core/files/file-store.js';
import { DiskFileStore } from './disk-file-store.js';
import { S3FileStore } from './s3-file-store.js';
import { signFileLink } from './file-links.js';

export function createFileStore(config: Config): FileStore {
  if (config.FILE_STORAGE === 's3') {
    return new S3FileStore({
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      prefix: config.S3_PREFIX,
    });
  }
  return new DiskFileStore(config.FILE_STORAGE_DIR);
}

export function fileLimits(config: Config): FileLimits {
  return {
    storeMaxBytes: config.FILE_MAX_BYTES,
    downloadMaxBytes: { telegram: config.TELEGRAM_FILE_DOWNLOAD_MAX_BYTES, slack: config.SLACK_FILE_MAX_BYTES, email: config.EMAIL_MAX_ATTACHMENT_BYTES },
    uploadMaxBytes: { telegram: config.TELEGRAM_FILE_UPLOAD_MAX_BYTES, slack: config.SLACK_FILE_MAX_BYTES, email: config.EMAIL_OUTBOUND_ATTACHMENTS_MAX_BYTES },
  };
}

/** Signed links to files on the web role, when FILE_LINK_BASE_URL is set (else managers are given the CLI command). */
export function fileLinker(config: Config): ((key: string, name: string) => string) | undefined {
  if (!config.FILE_LINK_BASE_URL || !config.FILE_LINK_SECRET) return undefined;
  const settings = { baseUrl: config.FILE_LINK_BASE_URL, secret: config.FILE_LINK_SECRET, ttlMs: config.FILE_LINK_TTL_HOURS * 3600_000 };
  return (key, name) => signFileLink(settings, key, name);
}
