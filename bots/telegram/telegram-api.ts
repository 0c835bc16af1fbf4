// The Bot API client: grammY's Api against TELEGRAM_API_ROOT (the public API or an emulator).
// Sending methods are never retried here: a 429 on them surfaces at once (TelegramSender turns
// it into RateLimitedError) and the outbound queue reschedules the message through the shared
// per-chat and per-bot clocks. Other calls (getUpdates, setWebhook, answerCallbackQuery, ...)
// wait out a short 429 in place with @grammyjs/auto-retry.
import { Api, type Transformer } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';

export interface TelegramApiOptions {
  token: string;
  apiRoot?: string;
  /** non-sending calls asking to wait up to this long are retried in place (default 5 s) */
  maxRetryAfterSeconds?: number;
}

/** Methods that put a message in a chat: they count against the flood limits and go through the outbound clocks. */
export const SEND_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendMediaGroup',
  'sendAudio',
  'sendVideo',
  'sendVoice',
  'sendAnimation',
  'sendSticker',
  'sendLocation',
  'sendContact',
  'copyMessage',
  'forwardMessage',
]);

export function createTelegramApi(opts: TelegramApiOptions): Api {
  const api = new Api(opts.token, { apiRoot: opts.apiRoot?.replace(/\/+$/, '') });
  const retrying = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: opts.maxRetryAfterSeconds ?? 5 });
  const transformer: Transformer = (prev, method, payload, signal) =>
    SEND_METHODS.has(method) ? prev(method, payload, signal) : retrying(prev, method, payload, signal);
  api.config.use(transformer);
  return api;
}
