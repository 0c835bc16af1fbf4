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

// ---- Bot API updates beyond the emulator's client API ------------------------------------
// telegram-test-api makes only private-chat messages and button presses. Telegram Business
// (business_connection, business_message, edited_business_message, deleted_business_messages)
// and group updates (a group's messages, my_chat_member) are pushed here as the Bot API
// documents them (https://core.telegram.org/bots/api#update): stored with the emulator's next
// update id and served by getUpdates as they are.

interface EmulatorInternals {
  getCommonFields(token: string): { time: number; botToken: string; updateId: number; messageId: number; isRead: boolean };
  addUserUpdate(update: Record<string, unknown>): Promise<void>;
  addBotMessage(raw: Record<string, unknown>, token: string): Record<string, unknown>;
  messageId: number;
  webServer: {
    post(path: string, handler: (req: EmulatorRequest, res: EmulatorResponse, next: () => void) => void): void;
    _router: { stack: Array<{ route?: { path: string } }> };
  };
}
interface EmulatorRequest {
  params: { token: string };
  body: Record<string, unknown>;
}
interface EmulatorResponse {
  status(code: number): { json(body: unknown): void };
}

interface ServerClass {
  formatUpdate(update: Record<string, unknown>): unknown;
}
const serverClass = TelegramServer as unknown as ServerClass;
const formatStored = serverClass.formatUpdate.bind(serverClass);
serverClass.formatUpdate = (update) => ('raw' in update ? { update_id: update.updateId, ...(update.raw as object) } : formatStored(update));

/** Pushes one raw update (without update_id: the emulator numbers it); resolves to the message id it would give a message. */
export async function pushUpdate(server: InstanceType<typeof TelegramServer>, token: string, raw: Record<string, unknown>): Promise<number> {
  const s = server as unknown as EmulatorInternals;
  const common = s.getCommonFields(token);
  await s.addUserUpdate({ ...common, raw });
  s.messageId++;
  return common.messageId;
}

/** A Business connection as the emulated Telegram holds it. */
export interface EmulatedConnection {
  id: string;
  owner: { id: number; first_name: string; is_bot: false };
  enabled: boolean;
  canReply: boolean;
}

/**
 * Telegram Business on the emulator: sendMessage (and the other send methods) with a
 * business_connection_id is refused as Telegram refuses it (400 BUSINESS_CONNECTION_INVALID
 * for an unknown or disabled connection, BOT_ACCESS_FORBIDDEN without the can_reply right);
 * an accepted one is echoed back as a business_message from the owner with
 * sender_business_bot, as Telegram reports the bot's messages in the business chat.
 */
export function emulateBusiness(server: InstanceType<typeof TelegramServer>, bot: { id: number; username: string }): Map<string, EmulatedConnection> {
  const connections = new Map<string, EmulatedConnection>();
  const s = server as unknown as EmulatorInternals;
  for (const method of ['sendMessage', 'sendPhoto', 'sendDocument', 'sendVoice', 'sendMediaGroup']) {
    const path = `/bot:token/${method}`;
    s.webServer.post(path, (req, res, next) => {
      const id = req.body?.business_connection_id as string | undefined;
      if (!id) return next();
      const c = connections.get(id);
      if (!c || !c.enabled) return res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: BUSINESS_CONNECTION_INVALID' });
      if (!c.canReply) return res.status(403).json({ ok: false, error_code: 403, description: 'Forbidden: BOT_ACCESS_FORBIDDEN' });
      next();
    });
    // before the emulator's own routes and its catch-all
    const stack = s.webServer._router.stack;
    const layer = stack.pop()!;
    const first = stack.findIndex((l) => l.route);
    stack.splice(first, 0, layer);
  }
  const add = s.addBotMessage.bind(s);
  s.addBotMessage = (raw, token) => {
    const sent = add(raw, token);
    const id = raw.business_connection_id as string | undefined;
    const c = id ? connections.get(id) : undefined;
    if (c) {
      const chatId = Number(raw.chat_id);
      void pushUpdate(server, token, {
        business_message: {
          message_id: sent.message_id,
          business_connection_id: c.id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: `User ${chatId}` },
          from: c.owner,
          sender_business_bot: { id: bot.id, is_bot: true, first_name: 'Leadline', username: bot.username },
          text: raw.text,
        },
      });
    }
    return sent;
  };
  return connections;
}
