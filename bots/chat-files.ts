// What the chat engine needs for files, from configuration: the store (a directory on disk
// unless FILE_STORAGE=s3), a source per channel this process can fetch from (Telegram getFile,
// Slack files.info + url_private), the platforms' limits and, when the web role signs links
// (FILE_LINK_BASE_URL), a way to hand a manager a download link.
import type { Config } from '../connectors/config.js';
import type { ChatFiles, FileSource, FileStore } from '../core/files/file-store.js';
import type { ChannelName } from '../core/channels.js';
import { fileLimits, fileLinker } from '../connectors/files/create-file-store.js';
import { createTelegramApi } from './telegram/telegram-api.js';
import { TelegramFileSource } from './telegram/telegram-files.js';
import { SlackFileSource } from './slack/slack-files.js';
import { createSlackClient } from './slack/slack-sender.js';

export function chatFilesFromConfig(config: Config, store: FileStore): ChatFiles {
  const sources: Partial<Record<ChannelName, FileSource>> = {};
  if (config.TELEGRAM_BOT_TOKEN) {
    const api = createTelegramApi({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT });
    sources.telegram = new TelegramFileSource(api, config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT);
  }
  if (config.SLACK_BOT_TOKEN) {
    sources.slack = new SlackFileSource(createSlackClient(config.SLACK_BOT_TOKEN, { apiUrl: config.SLACK_API_URL, timeoutMs: 60_000 }), config.SLACK_BOT_TOKEN);
  }
  const link = fileLinker(config);
  return { store, sources, limits: fileLimits(config), ...(link ? { link } : {}) };
}
