// The Bot API client: grammY's Api against TELEGRAM_API_ROOT (the public API or an
// emulator), with 429 retry_after honoured by @grammyjs/auto-retry.
import { Api } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';

export interface TelegramApiOptions {
  token: string;
  apiRoot?: string;
  /** 429s asking to wait up to this long are retried in place; longer ones surface as RateLimitedError */
  maxRetryAfterSeconds?: number;
}

export function createTelegramApi(opts: TelegramApiOptions): Api {
  const api = new Api(opts.token, { apiRoot: opts.apiRoot?.replace(/\/+$/, '') });
  api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: opts.maxRetryAfterSeconds ?? 5 }));
  return api;
}
