// Reply -> Telegram: HTML-escaped text (parse_mode HTML), an inline keyboard, and clean
// splitting of texts longer than Telegram's 4096-character limit.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Button } from '../../core/ports.js';

export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram rejects callback_data over 64 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function inlineKeyboard(rows: Button[][] | undefined): InlineKeyboardMarkup | undefined {
  if (!rows || rows.length === 0) return undefined;
  const keyboard: InlineKeyboardButton[][] = rows
    .map((row) =>
      row.map((b) => {
        if (Buffer.byteLength(b.data, 'utf8') > CALLBACK_DATA_LIMIT) throw new Error(`button data over ${CALLBACK_DATA_LIMIT} bytes: ${b.data}`);
        return { text: b.label, callback_data: b.data };
      }),
    )
    .filter((row) => row.length > 0);
  return keyboard.length ? { inline_keyboard: keyboard } : undefined;
}

/**
 * Splits plain text into chunks whose ESCAPED form fits the limit, preferring line breaks,
 * then spaces, and only then a hard cut (never inside a surrogate pair).
 */
export function splitForTelegram(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (escapeHtml(text).length <= limit) return [text];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (escapeHtml(rest).length <= limit) {
      chunks.push(rest);
      break;
    }
    // the longest prefix whose escaped length fits
    let fit = 0;
    let escapedLength = 0;
    for (const ch of rest) {
      const add = ch === '&' ? 5 : ch === '<' || ch === '>' ? 4 : ch.length;
      if (escapedLength + add > limit) break;
      escapedLength += add;
      fit += ch.length;
    }
    const window = rest.slice(0, fit);
    let cut = window.lastIndexOf('\n');
    if (cut < fit / 2) {
      const space = window.lastIndexOf(' ');
      cut = space >= fit / 2 ? space : fit;
    }
    const chunk = rest.slice(0, cut).replace(/\s+$/, '');
    if (chunk.length > 0) chunks.push(chunk);
    rest = rest.slice(cut).replace(/^\n/, '');
    if (cut === 0) rest = rest.slice(1);
  }
  return chunks;
}
