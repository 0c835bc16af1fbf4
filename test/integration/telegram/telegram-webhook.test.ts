// Webhook mode: the secret header is required (401 and nothing stored otherwise); a valid
// update is queued with the dedupe key as job id, so a redelivery is still one job. Limits come
// before reading: a wrong secret is refused having read (almost) none of a 300 MB body, and an
// oversize body with the right secret gets 413 (Content-Length first; chunked cut off at the cap).
import { describe, it, expect, inject, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Api } from 'grammy';
import { pino } from 'pino';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { TelegramIntake } from '../../../bots/telegram/telegram-intake.js';
import { telegramWebhookRoute, TELEGRAM_WEBHOOK_PATH } from '../../../bots/telegram/telegram-webhook.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { postFlood, trackBytesRead } from '../../support/http-flood.js';
import { freePort, waitFor } from '../../support/wait.js';
import { testPrefix } from '../../support/redis-keys.js';
import { grown } from '../../support/metrics.js';

const secret = 'S3cret_' + randomUUID().slice(0, 8);
const settings = queueSettings(inject('redisUrl'), testPrefix('webhook'));
const queue = new InboundQueue(settings);
// no request reaches Telegram in this test (no callback queries): any api root will do
const api = new Api('424242:TEST', { apiRoot: 'http://127.0.0.1:9' });
const LIMIT = 256 * 1024;
const MB = 1024 * 1024;
let http: RunningHttpServer;
let reads: Map<number, number>;

beforeAll(async () => {
  const intake = new TelegramIntake(api, queue, { workspaceId: 1 });
  http = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    routes: [telegramWebhookRoute(intake, secret, { bodyLimit: LIMIT })],
    logger: pino({ level: 'silent' }),
  });
  reads = trackBytesRead(http.server);
});

afterAll(async () => {
  await http?.close();
  await queue.queue.obliterate({ force: true });
  await queue.close();
});

const update = (id: number) => ({
  update_id: id,
  message: {
    message_id: 5,
    date: 1_773_000_000,
    chat: { id: 99, type: 'private', first_name: 'Ivan' },
    from: { id: 99, is_bot: false, first_name: 'Ivan' },
    text: 'hello',
  },
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(http.url + TELEGRAM_WEBHOOK_PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** What the server read from the flood's connection (known once it closed). */
const serverRead = (port: number | undefined) =>
  waitFor(() => (port !== undefined && reads.has(port) ? { n: reads.get(port)! } : undefined), 'the connection to close').then((r) => r.n);

describe('Telegram webhook', () => {
  it('rejects requests without the matching secret with 401 and queues nothing; accepts and dedupes valid ones', async () => {
    const before = await (await fetch(http.url + '/metrics')).text();
    expect((await post(update(1))).status).toBe(401);
    expect((await post(update(2), { 'X-Telegram-Bot-Api-Secret-Token': 'wrong' })).status).toBe(401);
    expect((await post(update(3), { 'X-Telegram-Bot-Api-Secret-Token': secret + 'x' })).status).toBe(401);
    expect(await queue.queue.count()).toBe(0);

    const ok = await post(update(10), { 'X-Telegram-Bot-Api-Secret-Token': secret });
    expect(ok.status).toBe(200);
    expect((await post(update(10), { 'X-Telegram-Bot-Api-Secret-Token': secret })).status).toBe(200);
    expect(await queue.queue.count()).toBe(1);
    const job = await queue.queue.getJob('tg:424242:10');
    expect(job?.data).toMatchObject({ channel: 'telegram', externalUserId: '99', text: 'hello', dedupeKey: 'tg:424242:10', workspaceId: 1 });

    // the request's id (the caller's X-Request-Id) goes with the message: the trace its sends log
    const traced = await post(update(11), { 'X-Telegram-Bot-Api-Secret-Token': secret, 'X-Request-Id': 'trace-webhook-11' });
    expect(traced.status).toBe(200);
    expect(traced.headers.get('x-request-id')).toBe('trace-webhook-11');
    expect((await queue.queue.getJob('tg:424242:11'))?.data).toMatchObject({ dedupeKey: 'tg:424242:11', traceId: 'trace-webhook-11' });
    await queue.queue.remove('tg:424242:11');

    const bad = await fetch(http.url + TELEGRAM_WEBHOOK_PATH, { method: 'POST', headers: { 'X-Telegram-Bot-Api-Secret-Token': secret }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const notUpdate = await post({ hello: 'world' }, { 'X-Telegram-Bot-Api-Secret-Token': secret });
    expect(notUpdate.status).toBe(400);
    expect((await fetch(http.url + TELEGRAM_WEBHOOK_PATH, { headers: { 'X-Telegram-Bot-Api-Secret-Token': secret } })).status).toBe(405);
    expect((await fetch(http.url + '/health')).status).toBe(200);
    const more = grown(before, await (await fetch(http.url + '/metrics')).text());
    expect(more('leadline_webhook_duration_seconds_count', '{source="telegram",outcome="accepted"}')).toBe(3); // the two above and the traced one
    expect(more('leadline_webhook_duration_seconds_count', '{source="telegram",outcome="rejected"}')).toBe(2);
  });

  it('refuses a 300 MB body with a wrong secret with 401 having read (almost) none of it', async () => {
    const res = await postFlood(http.url + TELEGRAM_WEBHOOK_PATH, {
      totalBytes: 300 * MB,
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 'wrong' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers.connection).toBe('close');
    // what got out before the answer is what the kernel buffers took, not the body
    expect(res.clientSent).toBeLessThan(32 * MB);
    expect(await serverRead(res.localPort)).toBeLessThan(MB);
    expect(await queue.queue.count()).toBe(1);
  });

  it('answers 413 to an oversize body with the right secret: from Content-Length without reading, and cut off when chunked', async () => {
    const declared = await postFlood(http.url + TELEGRAM_WEBHOOK_PATH, {
      totalBytes: 300 * MB,
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret },
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ status: 413, title: 'Payload Too Large' });
    expect(await serverRead(declared.localPort)).toBeLessThan(MB);

    const chunked = await postFlood(http.url + TELEGRAM_WEBHOOK_PATH, {
      totalBytes: 300 * MB,
      chunked: true,
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret },
    });
    expect(chunked.status).toBe(413);
    // the cap plus what was in flight when it was reached
    expect(await serverRead(chunked.localPort)).toBeLessThan(LIMIT + MB);
    expect(chunked.clientSent).toBeLessThan(64 * MB);

    // a body just under the cap is read and refused for what it is, not for its size
    const padded = JSON.stringify({ ...update(11), pad: 'x'.repeat(LIMIT - 400) });
    expect(Buffer.byteLength(padded)).toBeLessThan(LIMIT);
    const under = await fetch(http.url + TELEGRAM_WEBHOOK_PATH, { method: 'POST', headers: { 'X-Telegram-Bot-Api-Secret-Token': secret }, body: padded });
    expect(under.status).toBe(200);
    expect(await queue.queue.count()).toBe(2);
  });

  it('answers 503 (Telegram delivers again) when the inbound queue cannot take the update, saying nothing of Redis', async () => {
    const down = new InboundQueue(queueSettings(`redis://127.0.0.1:${await freePort()}`, settings.prefix), { enqueueTimeoutMs: 300 });
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      routes: [telegramWebhookRoute(new TelegramIntake(api, down, { workspaceId: 1 }), secret, { bodyLimit: LIMIT })],
      logger: pino({ level: 'silent' }),
    });
    try {
      const res = await fetch(server.url + TELEGRAM_WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret },
        body: JSON.stringify(update(20)),
      });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
      expect(text).not.toMatch(/redis|127\.0\.0\.1|inbound/i);
    } finally {
      await server.close();
      await down.close();
    }
  });
});
