// The HTTP server itself, over real HTTP: route modules with zod schemas, problem+json for
// every error (no stack, no internal host), unknown paths refused from the headers alone, the
// default body cap, request ids, the OpenAPI document built from the schemas, /health, /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { pino } from 'pino';
import { z } from 'zod';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { HttpProblem } from '../../../bots/http/problem.js';
import type { HttpRoute } from '../../../bots/http/route.js';
import { postFlood, trackBytesRead } from '../../support/http-flood.js';
import { waitFor } from '../../support/wait.js';

const MB = 1024 * 1024;
const logged: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
const INTERNAL = 'postgresql://leadline:hunter2@10.20.30.40:5432/leadline';

const sample: HttpRoute = {
  describe: 'POST /sample, GET /sample/fail, GET /sample/gone',
  register(app) {
    app.post(
      '/sample',
      {
        schema: {
          summary: 'A sample route with a zod body',
          body: z.object({ name: z.string().min(1), email: z.email() }),
          response: { 201: z.object({ greeting: z.string() }) },
        },
      },
      async (req, reply) => reply.code(201).send({ greeting: `hello ${req.body.name}` }),
    );
    app.get('/sample/fail', async () => {
      throw new Error(`Can't reach database server at ${INTERNAL}`);
    });
    app.get('/sample/gone', async () => {
      throw new HttpProblem(422, { detail: 'No phone or email.', errors: [{ in: 'body', field: 'phone', message: 'phone or email is required' }] });
    });
  },
};

let http: RunningHttpServer;
let reads: Map<number, number>;

beforeAll(async () => {
  http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [sample], bodyLimit: 64 * 1024, logger });
  reads = trackBytesRead(http.server);
});
afterAll(async () => {
  await http?.close();
});

describe('HTTP server', () => {
  it('serves zod-validated routes and answers bad input with problem+json naming the field', async () => {
    const ok = await fetch(`${http.url}/sample`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ivan', email: 'i@example.com' }),
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ greeting: 'hello Ivan' });

    const bad = await fetch(`${http.url}/sample`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ivan', email: 'nope' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await bad.json()) as { errors: unknown[] };
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'body', field: 'email' })]);

    const notJson = await fetch(`${http.url}/sample`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { detail: string }).detail).toBe('The body is not valid JSON.');

    const wrongType = await fetch(`${http.url}/sample`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { status: number }).status).toBe(415);

    const gone = await fetch(`${http.url}/sample/gone`);
    expect(gone.status).toBe(422);
    expect(await gone.json()).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'No phone or email.',
      errors: [{ in: 'body', field: 'phone', message: 'phone or email is required' }],
    });
  });

  it('answers a failing handler with a bare 500 and keeps the error for the log', async () => {
    const res = await fetch(`${http.url}/sample/fail`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    for (const secret of ['10.20.30.40', '5432', 'hunter2', 'database', 'at ']) expect(text).not.toContain(secret);
    const line = await waitFor(() => logged.find((l) => l.msg === 'HTTP handler failed'), 'the error log line');
    expect((line.err as { message: string; stack: string }).message).toContain('10.20.30.40');
    expect((line.err as { stack: string }).stack).toContain('server.test.ts');
  });

  it('answers an unknown path 404 from the headers alone, however large the body', async () => {
    const res = await postFlood(`${http.url}/no/such/path`, { totalBytes: 300 * MB, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect(res.ms).toBeLessThan(2000);
    const read = await waitFor(() => (res.localPort !== undefined ? reads.get(res.localPort) : undefined), 'the connection to close');
    expect(read).toBeLessThan(MB);
    expect((await fetch(`${http.url}/nothing`)).status).toBe(404);
  });

  it('caps bodies at the server default (413) for routes without their own limit', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(65 * 1024), email: 'i@example.com' });
    const res = await fetch(`${http.url}/sample`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413, title: 'Payload Too Large' });
    const chunked = await postFlood(`${http.url}/sample`, { totalBytes: 50 * MB, chunked: true, headers: { 'content-type': 'application/json' } });
    expect(chunked.status).toBe(413);
  });

  it('answers 408 and closes when a request does not finish arriving in time', async () => {
    const slow = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [sample], requestTimeoutMs: 500, logger });
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(slow.port, '127.0.0.1', () => {
          // promises 100 bytes, sends 10, then goes quiet
          socket.write('POST /sample HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name": "');
        });
        let got = '';
        socket.on('data', (d) => (got += d.toString()));
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('application/problem+json');
      expect(answer).toContain('{"type":"about:blank","title":"Request Timeout","status":408}');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await slow.close();
    }
  });

  it('answers a malformed request with a problem on the socket', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(http.port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost x\r\n\r\n'));
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"status":400');
  });

  it('carries a request id: a sane one from the caller, else a fresh one', async () => {
    const given = await fetch(`${http.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const injected = await fetch(`${http.url}/health`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(injected.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers /health from the process alone, and /ready without checks like it', async () => {
    const health = await fetch(`${http.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${http.url}/ready`)).json()).toEqual({ status: 'ok' });
  });

  it('builds an OpenAPI 3.1 document from the zod schemas, webhooks and /metrics left out', async () => {
    const doc = http.app.swagger() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/health', '/ready', '/sample', '/sample/fail', '/sample/gone']);
    expect(doc.paths['/sample']!.post!.requestBody!.content['application/json']!.schema).toMatchObject({
      type: 'object',
      required: ['name', 'email'],
      properties: { email: { type: 'string', format: 'email' } },
    });
  });

  it('exposes request durations by route pattern and status on /metrics', async () => {
    const res = await fetch(`${http.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/leadline_http_request_duration_seconds_count\{method="POST",route="\/sample",status="201"\} 1\b/);
    expect(text).toMatch(/leadline_http_request_duration_seconds_count\{method="POST",route="unmatched",status="404"\} 1\b/);
    expect(text).toContain('leadline_process_cpu_user_seconds_total');
    expect(text).toContain('leadline_nodejs_eventloop_lag_seconds');
  });
});
