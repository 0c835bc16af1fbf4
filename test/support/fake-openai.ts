// A local OpenAI-compatible server for tests (node:http): POST /v1/chat/completions answers
// with canned structured outputs or faults, and records every request so tests can check
// exactly what was sent to the model.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  [k: string]: unknown;
}

export type FakeAnswer =
  | { json: unknown; delayMs?: number; tokens?: number }
  | { fault: 'timeout' }
  | { fault: 'rate_limit' }
  | { fault: 'malformed' }
  | { fault: 'refusal' }
  | { fault: 'server_error' };

/** How to answer; `authorization` lets one server tell several clients (API keys) apart. */
export type Responder = (request: ChatRequest, schemaName: string, authorization: string | undefined) => FakeAnswer;

export interface FakeOpenAi {
  baseURL: string;
  requests: Array<{ body: ChatRequest; authorization: string | undefined }>;
  /** replaces how the server answers */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function completion(content: string | null, opts: { refusal?: string; tokens?: number } = {}) {
  const tokens = opts.tokens ?? 50;
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: opts.refusal ?? null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAi(initial: Responder = () => ({ json: {} })): Promise<FakeOpenAi> {
  let responder = initial;
  const requests: FakeOpenAi['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return send(res, 404, { error: { message: 'not found' } });
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(req)) as ChatRequest;
    } catch {
      return send(res, 400, { error: { message: 'bad json' } });
    }
    requests.push({ body, authorization: req.headers.authorization });
    const answer = responder(body, body.response_format?.json_schema?.name ?? '', req.headers.authorization);
    if ('fault' in answer) {
      switch (answer.fault) {
        case 'timeout':
          return; // never answers; the client's timeout fires
        case 'rate_limit':
          return send(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }, { 'retry-after': '20' });
        case 'server_error':
          return send(res, 500, { error: { message: 'boom' } });
        case 'malformed':
          return send(res, 200, completion('{"actions": [ {"intent": "move_deal", '));
        case 'refusal':
          return send(res, 200, completion(null, { refusal: 'I cannot help with that.' }));
      }
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    send(res, 200, completion(JSON.stringify(answer.json), { tokens: answer.tokens }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respond(r) {
      responder = r;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Everything the model was sent, as one string (for leak checks). */
export function sentText(fake: FakeOpenAi): string {
  return fake.requests.map((r) => JSON.stringify(r.body.messages)).join('\n');
}
