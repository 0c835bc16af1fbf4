// A fake Telegram Bot API that enforces the flood limits strictly, for tests and
// `npm run bench:outbound`: a send (sendMessage, sendPhoto, ...) over `perBotPerSecond` per bot
// token or over `perChatPerSecond` per chat within any sliding `windowMs` (1,000 ms) is refused
// the way Telegram refuses it: HTTP 429, `{ ok: false, error_code: 429, description: "Too Many
// Requests: retry after N", parameters: { retry_after: N } }` (whole seconds, at least 1).
// Only accepted sends count toward the window. Every accepted message is recorded with the
// time the server accepted it; refusals are counted. getMe and other methods answer ok.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AcceptedMessage {
  token: string;
  chatId: string;
  method: string;
  text: string;
  messageId: number;
  replyTo?: number;
  buttons?: Array<Array<{ text: string; callback_data: string }>>;
  /** when the server accepted it (Date.now()) */
  at: number;
}

export interface BotApiLimits {
  perBotPerSecond: number;
  perChatPerSecond: number;
  windowMs: number;
}

export const TELEGRAM_STRICT_LIMITS: BotApiLimits = { perBotPerSecond: 30, perChatPerSecond: 1, windowMs: 1000 };

const SEND = /^(send[A-Z]\w*|copyMessage|forwardMessage)$/;

export interface RefusedSend {
  chatId: string;
  method: string;
  text: string;
  /** which limit refused it */
  limit: 'chat' | 'bot';
  /** when the chat's (or bot's) last accepted send before it was accepted */
  previousAt: number;
  at: number;
}

export class LimitedBotApi {
  readonly accepted: AcceptedMessage[] = [];
  /** refused sends (429) */
  rejected = 0;
  /** each refused send, for evidence */
  readonly refused: RefusedSend[] = [];
  private readonly botLog = new Map<string, number[]>();
  private readonly chatLog = new Map<string, number[]>();
  private server?: Server;
  private nextId = 1;
  private listeners: Array<(m: AcceptedMessage) => void> = [];
  private readonly scripted = new Map<string, number>();
  apiRoot = '';
  /** ms to hold a request of this method before it is counted (a slow upload: the server sees it late) */
  acceptDelayMs?: (method: string) => number;

  constructor(readonly limits: BotApiLimits = TELEGRAM_STRICT_LIMITS) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        })
        .catch((e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(e));
        });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The next send to this chat is refused with a 429 (retry after `seconds`), as if another client had just taken the chat's second. */
  refuseNextTo(chatId: string | number, seconds = 1): void {
    this.scripted.set(String(chatId), seconds);
  }

  /** Called with every accepted message (tests wait on them). */
  onAccepted(listener: (m: AcceptedMessage) => void): void {
    this.listeners.push(listener);
  }

  to(chatId: string | number): AcceptedMessage[] {
    return this.accepted.filter((m) => m.chatId === String(chatId));
  }

  /** Forgets what was recorded (between benchmark runs; the windows keep their history). */
  reset(): void {
    this.accepted.length = 0;
    this.rejected = 0;
    this.refused.length = 0;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    const [, token, method] = match as unknown as [string, string, string];
    const params = parseParams(req.headers['content-type'] ?? '', raw);
    if (method === 'getMe') return ok({ id: Number(token.split(':')[0]), is_bot: true, first_name: 'Leadline test bot', username: 'leadline_test_bot' });
    if (!SEND.test(method)) return ok(true);
    const chatId = String(params.chat_id ?? '');
    if (!chatId) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' } };

    const delay = this.acceptDelayMs?.(method) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const now = Date.now();
    const bot = this.window(this.botLog, token, now);
    const chat = this.window(this.chatLog, `${token}|${chatId}`, now);
    const refuse = (log: number[], max: number) => {
      const until = log[log.length - max]! + this.limits.windowMs;
      const retryAfter = Math.max(1, Math.ceil((until - now) / 1000));
      this.rejected++;
      this.refused.push({
        chatId,
        method,
        text: String(params.text ?? params.caption ?? ''),
        limit: log === chat ? 'chat' : 'bot',
        previousAt: log[log.length - 1]!,
        at: now,
      });
      return {
        status: 429,
        body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } },
      };
    };
    const scripted = this.scripted.get(chatId);
    if (scripted !== undefined) {
      this.scripted.delete(chatId);
      this.rejected++;
      this.refused.push({ chatId, method, text: String(params.text ?? params.caption ?? ''), limit: 'chat', previousAt: chat[chat.length - 1] ?? 0, at: now });
      return {
        status: 429,
        body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${scripted}`, parameters: { retry_after: scripted } },
      };
    }
    if (chat.length >= this.limits.perChatPerSecond) return refuse(chat, this.limits.perChatPerSecond);
    if (bot.length >= this.limits.perBotPerSecond) return refuse(bot, this.limits.perBotPerSecond);
    bot.push(now);
    chat.push(now);

    const messageId = this.nextId++;
    const replyParams = params.reply_parameters as { message_id?: number } | undefined;
    const markup = params.reply_markup as { inline_keyboard?: AcceptedMessage['buttons'] } | undefined;
    const message: AcceptedMessage = {
      token,
      chatId,
      method,
      text: String(params.text ?? params.caption ?? ''),
      messageId,
      replyTo: replyParams?.message_id,
      buttons: markup?.inline_keyboard,
      at: now,
    };
    this.accepted.push(message);
    for (const l of this.listeners) l(message);
    return ok({ message_id: messageId, date: Math.floor(now / 1000), chat: { id: Number(chatId), type: 'private' }, text: message.text });
  }

  /** The accepted sends of `key` within the window ending now (older ones dropped). */
  private window(logs: Map<string, number[]>, key: string, now: number): number[] {
    let log = logs.get(key);
    if (!log) logs.set(key, (log = []));
    while (log.length && log[0]! <= now - this.limits.windowMs) log.shift();
    return log;
  }
}

function ok(result: unknown) {
  return { status: 200, body: { ok: true, result } };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON bodies as they are; multipart (grammY's uploads) reduced to their text fields. */
function parseParams(contentType: string, raw: Buffer): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return out;
  for (const part of raw.toString('latin1').split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name || /filename=/.test(part)) continue;
    const value = part.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n$/, '');
    try {
      out[name] = JSON.parse(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}
