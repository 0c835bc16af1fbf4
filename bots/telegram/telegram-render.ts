// Reply -> Telegram: HTML-escaped text (parse_mode HTML), an inline keyboard, and clean
// splitting of texts longer than Telegram's 4096-character limit.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Button } from '../../core/ports.js';
import { splitEscaped } from '../../core/text/sanitize.js';

export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram rejects callback_data over 64 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Buttons as an inline keyboard. A Mini App button (`webApp`) is a web_app button in a private
 * chat and a url button in groups, where Telegram refuses web_app buttons.
 */
export function inlineKeyboard(rows: Button[][] | undefined, options: { privateChat?: boolean } = {}): InlineKeyboardMarkup | undefined {
  if (!rows || rows.length === 0) return undefined;
  const privateChat = options.privateChat ?? true;
  const keyboard: InlineKeyboardButton[][] = rows
    .map((row) =>
      row.map((b): InlineKeyboardButton => {
        if (b.webApp) return privateChat ? { text: b.label, web_app: { url: b.webApp } } : { text: b.label, url: b.webApp };
        if (Buffer.byteLength(b.data, 'utf8') > CALLBACK_DATA_LIMIT) throw new Error(`button data over ${CALLBACK_DATA_LIMIT} bytes: ${b.data}`);
        return { text: b.label, callback_data: b.data };
      }),
    )
    .filter((row) => row.length > 0);
  return keyboard.length ? { inline_keyboard: keyboard } : undefined;
}

/** Splits plain text into chunks whose escaped form fits one Telegram message (core/text/sanitize.ts). */
export function splitForTelegram(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  return splitEscaped(text, limit);
}
