// A fake Telegram Bot API that enforces the flood limits strictly, for tests and
// `npm run bench:outbound`: a send (sendMessage, sendPhoto, ...) over `perBotPerSecond` per bot
// token or over `perChatPerSecond` per chat within any sliding `windowMs` (1,000 ms) is refused
// the way Telegram refuses it: HTTP 429, `{ ok: false, error_code: 429, description: "Too Many
// Requests: retry after N", parameters: { retry_after: N } }` (whole seconds, at least 1).
// Only accepted sends count toward the window. Every accepted message is recorded with the
// time the server accepted it; refusals are counted. getMe and other methods answer ok.
// A chat marked with `block` gets 403 "Forbidden: bot was blocked by the user".
// Files as the Bot API documents them: `addFile` puts a file a user "sent" (its file_id goes in
// an update), getFile answers its file_path (or "Bad Request: file is too big" over
// `maxDownloadBytes`, 20 MB as on the public Bot API), and GET /file/bot<token>/<file_path>
// serves the bytes. Uploads (sendPhoto, sendDocument, sendVoice as multipart/form-data) are
// recorded with their bytes; one over `maxUploadBytes` (50 MB) gets 413 Request Entity Too Large.
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
  /** files uploaded with it (multipart parts with a filename) */
  files: UploadedFile[];
}

export interface UploadedFile {
  field: string;
  filename: string;
  contentType?: string;
  bytes: Buffer;
}

interface StoredFile {
  bytes: Buffer;
  path: string;
  uniqueId: string;
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
  private readonly blocked = new Set<string>();
  /** sends refused because the chat blocked the bot (403) */
  forbidden = 0;
  private readonly files = new Map<string, StoredFile>();
  private fileSeq = 1;
  /** getFile refuses larger files, as the public Bot API does beyond 20 MB */
  maxDownloadBytes = 20 * 1024 * 1024;
  /** uploads larger than this are refused with 413 (50 MB on the public Bot API) */
  maxUploadBytes = 50 * 1024 * 1024;
  /** getFile calls answered (tests check a redelivery fetches nothing again) */
  getFileCalls = 0;
  apiRoot = '';
  /** ms to hold a request of this method before it is counted (a slow upload: the server sees it late) */
  acceptDelayMs?: (method: string) => number;

  constructor(readonly limits: BotApiLimits = TELEGRAM_STRICT_LIMITS) {}

  /** A file as if a user had sent it: its ids for an update (photo, document, voice ...). */
  addFile(bytes: Buffer, name = 'file.bin'): { file_id: string; file_unique_id: string; file_size: number } {
    const n = this.fileSeq++;
    const fileId = `BQACAgIAAx${n}${Math.random().toString(36).slice(2, 10)}`;
    const uniqueId = `AgAD${n}`;
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
    this.files.set(fileId, { bytes, path: `documents/file_${n}${ext}`, uniqueId });
    return { file_id: fileId, file_unique_id: uniqueId, file_size: bytes.length };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(({ status, body, raw }) => {
          if (raw) {
            res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': raw.length });
            res.end(raw);
            return;
          }
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

  /** Sends to this chat are refused as Telegram refuses a user who blocked the bot: 403 "Forbidden: bot was blocked by the user". */
  block(chatId: string | number): void {
    this.blocked.add(String(chatId));
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

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; raw?: Buffer }> {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
    if (download) {
      const file = [...this.files.values()].find((f) => f.path === decodeURIComponent(download[2]!));
      return file ? { status: 200, body: null, raw: file.bytes } : { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    }
    const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    const [, token, method] = match as unknown as [string, string, string];
    const { params, files } = parseParams(req.headers['content-type'] ?? '', raw);
    if (method === 'getMe') return ok({ id: Number(token.split(':')[0]), is_bot: true, first_name: 'Leadline test bot', username: 'leadline_test_bot' });
    if (method === 'getFile') {
      this.getFileCalls++;
      const id = String(params.file_id ?? '');
      const file = this.files.get(id);
      if (!file) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' } };
      if (file.bytes.length > this.maxDownloadBytes) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: file is too big' } };
      return ok({ file_id: id, file_unique_id: file.uniqueId, file_size: file.bytes.length, file_path: file.path });
    }
    if (!SEND.test(method)) return ok(true);
    if (files.some((f) => f.bytes.length > this.maxUploadBytes))
      return { status: 413, body: { ok: false, error_code: 413, description: 'Request Entity Too Large' } };
    const chatId = String(params.chat_id ?? '');
    if (!chatId) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' } };

    if (this.blocked.has(chatId)) {
      this.forbidden++;
      return { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } };
    }
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
      // a media group's caption is its first item's
      text: String(params.text ?? params.caption ?? (params.media as Array<{ caption?: string }> | undefined)?.[0]?.caption ?? ''),
      messageId,
      replyTo: replyParams?.message_id,
      buttons: markup?.inline_keyboard,
      at: now,
      files,
    };
    this.accepted.push(message);
    for (const l of this.listeners) l(message);
    if (method === 'sendMediaGroup') {
      // one message per item, as Telegram answers
      const ids = files.map((_, i) => (i === 0 ? messageId : this.nextId++));
      return ok(
        ids.map((id, i) => ({
          message_id: id,
          date: Math.floor(now / 1000),
          chat: { id: Number(chatId), type: 'private' },
          media_group_id: String(messageId),
          document: this.addFile(files[i]!.bytes, files[i]!.filename),
        })),
      );
    }
    // a sent file gets a file_id of its own, as on Telegram
    const sentFiles = Object.fromEntries(files.map((f) => [f.field, this.addFile(f.bytes, f.filename)]));
    const media =
      method === 'sendPhoto' && sentFiles.photo
        ? { photo: [{ ...sentFiles.photo, width: 1, height: 1 }], caption: message.text }
        : Object.keys(sentFiles).length
          ? { [Object.keys(sentFiles)[0]!]: { ...Object.values(sentFiles)[0], file_name: files[0]!.filename }, caption: message.text }
          : { text: message.text };
    return ok({ message_id: messageId, date: Math.floor(now / 1000), chat: { id: Number(chatId), type: 'private' }, ...media });
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

/** JSON bodies as they are; multipart (grammY's uploads): text fields as values, file parts with their bytes. */
function parseParams(contentType: string, raw: Buffer): { params: Record<string, unknown>; files: UploadedFile[] } {
  if (contentType.includes('application/json')) return { params: raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {}, files: [] };
  const params: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1]?.replace(/^"|"$/g, '');
  if (!boundary) return { params, files };
  // latin1 maps bytes one to one, so a file part's bytes come back unchanged
  for (const part of raw.toString('latin1').split(`--${boundary}`)) {
    const head = part.split('\r\n\r\n')[0] ?? '';
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (!name) continue;
    const value = part.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n$/, '');
    // grammY writes filename=a.pdf (unquoted), others filename="a.pdf"
    const filename = /filename=(?:"([^"]*)"|([^;\r\n]*))/
      .exec(head)
      ?.slice(1)
      .find((v) => v !== undefined);
    if (filename !== undefined) {
      files.push({ field: name, filename, contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1], bytes: Buffer.from(value, 'latin1') });
      continue;
    }
    const text = Buffer.from(value, 'latin1').toString('utf8');
    try {
      params[name] = JSON.parse(text);
    } catch {
      params[name] = text;
    }
  }
  // grammY names the uploaded file "attach://<field>" in the method's own parameter
  for (const f of files) {
    for (const [k, v] of Object.entries(params)) if (v === `attach://${f.field}`) f.field = k;
  }
  return { params, files };
}
