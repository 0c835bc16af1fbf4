// A fake Slack Web API on node:http for tests. It answers the methods Leadline calls
// (auth.test, users.info, conversations.info/open, chat.postMessage/postEphemeral,
// views.publish, files.getUploadURLExternal + the upload URL + files.completeUploadExternal,
// files.info for the files a test adds with addFile; addDownload adds one whose
// url_private_download serves its bytes to the bot token only, as Slack does)
// and RECORDS every call with its decoded parameters, so tests assert on what was sent.
// Failures can be scripted per method (Slack error codes or HTTP 429 with Retry-After).
// With `postMessagePerChannelMs` set it also enforces Slack's chat.postMessage limit: a post
// to a channel within that window (sliding) of the channel's last accepted post is refused
// with HTTP 429 and Retry-After (whole seconds, at least 1), as Slack does; `rateLimited`
// counts those refusals.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  token?: string;
  at: number;
  /** chat.postMessage: the ts the fake answered with (the posted message's id), set before anyone sees the call */
  ts?: string;
}

export interface FakeSlackUser {
  id: string;
  team_id: string;
  name?: string;
  real_name?: string;
  email?: string;
  is_bot?: boolean;
  locale?: string;
  tz?: string;
}

export interface FakeSlackChannel {
  id: string;
  name?: string;
  is_im?: boolean;
  is_private?: boolean;
  is_shared?: boolean;
  is_ext_shared?: boolean;
  user?: string;
}

type Failure = { error: string } | { status: 429; retryAfter: number };

export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  /** raw upload bodies (WebClient posts multipart form data, so the file sits inside) */
  readonly uploads: Array<{ fileId: string; bytes: number; body: Buffer }> = [];
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly token: string;
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly channels = new Map<string, FakeSlackChannel>();
  private readonly files = new Map<string, Record<string, unknown> & { id: string }>();
  private readonly failures = new Map<string, Failure[]>();
  private server?: Server;
  private baseUrl = '';
  private tsCounter = 0;
  private fileCounter = 0;
  private waiters: Array<() => void> = [];
  private readonly lastPost = new Map<string, number>();
  private readonly postMessagePerChannelMs?: number;
  /** chat.postMessage calls refused with 429 by the per-channel limit */
  rateLimited = 0;

  constructor(opts: { teamId?: string; botUserId?: string; token?: string; postMessagePerChannelMs?: number } = {}) {
    this.postMessagePerChannelMs = opts.postMessagePerChannelMs;
    this.teamId = opts.teamId ?? 'T0TEAM';
    this.botUserId = opts.botUserId ?? 'U0LEADBOT';
    this.botId = 'B0LEADBOT';
    this.token = opts.token ?? 'xoxb-test-token';
  }

  /** A response_url for commands, shortcuts and buttons; posts to it are recorded as "response_url". */
  responseUrl(id = 'r'): string {
    return `${this.baseUrl}/respond/${id}`;
  }

  /** Web API base URL for WebClient's slackApiUrl (ends in /api/). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
        })
        .catch((e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(e));
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
  }

  /** A file files.info describes (Slack's file object, e.g. a Slack Connect partner's file). */
  addFile(file: Record<string, unknown> & { id: string }): void {
    this.files.set(file.id, file);
  }

  private readonly downloads = new Map<string, Buffer>();

  /** A file a person shared: files.info describes it and its url_private_download serves the bytes (to the bot token only). */
  addDownload(file: { id: string; name: string; mimetype: string }, bytes: Buffer): Record<string, unknown> & { id: string } {
    const url = `${this.baseUrl}/files-pri/${this.teamId}-${file.id}/download/${encodeURIComponent(file.name)}`;
    this.downloads.set(file.id, bytes);
    const described = { ...file, title: file.name, size: bytes.length, url_private: url, url_private_download: url, mode: 'hosted' };
    this.files.set(file.id, described);
    return described;
  }

  /** The bytes of an upload (getUploadURLExternal's file id) as sent: the raw body holds them. */
  uploadHolds(fileId: string, bytes: Buffer): boolean {
    const upload = this.uploads.find((u) => u.fileId === fileId);
    return Boolean(upload && upload.body.indexOf(bytes) >= 0);
  }

  addChannel(channel: FakeSlackChannel): void {
    this.channels.set(channel.id, channel);
  }

  /** The next call(s) of `method` fail this way, in order. */
  failNext(method: string, failure: Failure): void {
    const list = this.failures.get(method) ?? [];
    list.push(failure);
    this.failures.set(method, list);
  }

  callsTo(method: string): FakeSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded call of `method` matching `match`, waiting up to timeoutMs. */
  async waitForCall(method: string, match: (c: FakeSlackCall) => boolean = () => true, timeoutMs = 10_000): Promise<FakeSlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.method === method && match(c));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.calls.map((c) => c.method).join(', ') || 'none';
        throw new Error(`fake Slack: no matching ${method} call within ${timeoutMs} ms (calls: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private record(call: FakeSlackCall): void {
    this.calls.push(call);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${1_700_000_000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      this.uploads.push({ fileId, bytes: raw.length, body: raw });
      this.record({ method: 'upload', params: { fileId, bytes: raw.length }, at: Date.now() });
      return { status: 200, body: `OK - ${raw.length}` };
    }
    if (url.pathname.startsWith('/files-pri/')) {
      const id = /^\/files-pri\/[^-/]+-([^/]+)\//.exec(url.pathname)?.[1] ?? '';
      const bytes = this.downloads.get(id);
      this.record({ method: 'download', params: { fileId: id }, at: Date.now() });
      // without the bot token Slack answers with its sign-in page, not the file
      if (req.headers.authorization !== `Bearer ${this.token}`) return { status: 200, body: '<html>sign in</html>', headers: { 'content-type': 'text/html' } };
      if (!bytes) return { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } };
      return { status: 200, body: bytes, headers: { 'content-type': 'application/octet-stream' } };
    }
    if (url.pathname.startsWith('/respond/')) {
      // response_url posts (ephemeral answers to commands, shortcuts and buttons)
      this.record({ method: 'response_url', params: JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>, at: Date.now() });
      return { status: 200, body: 'ok' };
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const params = decodeParams(req.headers['content-type'] ?? '', raw);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof params.token === 'string' ? params.token : undefined;
    const call: FakeSlackCall = { method, params, token, at: Date.now() };
    this.record(call);

    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if ('status' in failure) return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(failure.retryAfter) } };
      return { status: 200, body: { ok: false, error: failure.error } };
    }
    if (token !== this.token) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    if (method === 'chat.postMessage' && this.postMessagePerChannelMs) {
      const channel = String(params.channel);
      const now = Date.now();
      const last = this.lastPost.get(channel);
      if (last !== undefined && now - last < this.postMessagePerChannelMs) {
        this.rateLimited++;
        const retryAfter = Math.max(1, Math.ceil((last + this.postMessagePerChannelMs - now) / 1000));
        return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfter) } };
      }
      this.lastPost.set(channel, now);
    }
    const body = this.answer(method, params);
    if (method === 'chat.postMessage' && typeof (body as { ts?: unknown }).ts === 'string') call.ts = (body as { ts: string }).ts;
    return { status: 200, body };
  }

  private answer(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake team',
          user: 'leadline',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      case 'users.info': {
        const u = this.users.get(String(p.user));
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: u.team_id,
            name: u.name ?? u.id.toLowerCase(),
            real_name: u.real_name,
            is_bot: u.is_bot ?? false,
            tz: u.tz ?? 'UTC',
            locale: u.locale,
            profile: { real_name: u.real_name, display_name: u.name ?? '', email: u.email },
          },
        };
      }
      case 'conversations.info': {
        const c = this.channels.get(String(p.channel));
        return c ? { ok: true, channel: c } : { ok: false, error: 'channel_not_found' };
      }
      case 'conversations.open': {
        const user = String(p.users ?? '').split(',')[0] ?? '';
        const id = `D${user.replace(/^[UW]/, '')}`;
        if (!this.channels.has(id)) this.channels.set(id, { id, is_im: true, user });
        return { ok: true, channel: { id } };
      }
      case 'chat.postMessage': {
        const channel = String(p.channel);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const ts = this.nextTs();
        return { ok: true, channel, ts, message: { type: 'message', text: p.text, user: this.botUserId, bot_id: this.botId, ts, blocks: p.blocks } };
      }
      case 'chat.update': {
        const channel = String(p.channel ?? '');
        if (!channel || !p.ts) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, ts: String(p.ts), text: p.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.publish':
        return { ok: true, view: { id: `V${this.calls.length}`, type: 'home', blocks: (p.view as { blocks?: unknown })?.blocks } };
      case 'files.info': {
        const file = this.files.get(String(p.file));
        return file ? { ok: true, file, comments: [], response_metadata: { next_cursor: '' } } : { ok: false, error: 'file_not_found' };
      }
      case 'files.getUploadURLExternal': {
        this.fileCounter += 1;
        const fileId = `F${String(this.fileCounter).padStart(6, '0')}`;
        return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (p.files as Array<{ id: string; title?: string }>) ?? [];
        const missing = files.find((f) => !this.uploads.some((u) => u.fileId === f.id));
        if (missing) return { ok: false, error: 'file_not_found' };
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, channels: p.channel_id ? [p.channel_id] : [] })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** WebClient sends form-encoded bodies with objects as JSON strings; decode both back. */
function decodeParams(contentType: string, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  let entries: Record<string, unknown> = {};
  if (contentType.includes('application/json')) {
    entries = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } else if (contentType.includes('application/x-www-form-urlencoded')) {
    entries = Object.fromEntries(new URLSearchParams(text));
  } else if (text) {
    entries = { raw: text };
  }
  for (const [k, v] of Object.entries(entries)) {
    if (typeof v === 'string' && /^[[{]/.test(v)) {
      try {
        entries[k] = JSON.parse(v);
      } catch {
        // a plain string that happens to start with a bracket
      }
    }
  }
  return entries;
}
