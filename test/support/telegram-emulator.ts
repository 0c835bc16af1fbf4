// The Bot API emulator (telegram-test-api) as the end-to-end tests use it.
import { createRequire } from 'node:module';
import type { TelegramServer as TelegramServerClass } from 'telegram-test-api/lib/telegramServer.js';

// a CommonJS package whose default export TypeScript cannot see under NodeNext
export const TelegramServer = createRequire(import.meta.url)('telegram-test-api') as typeof TelegramServerClass;

/** What a test client's getUpdates returns: the messages the bot sent to that chat. */
export interface BotMessage {
  messageId: number;
  message: { chat_id: number | string; text: string; reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> } };
}
