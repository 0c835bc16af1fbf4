// Webhook mode: the secret header is required (401 and nothing stored otherwise); a valid
// update is queued with the dedupe key as job id, so a redelivery is still one job.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Api } from 'grammy';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { TelegramIntake } from '../../../bots/telegram/telegram-intake.js';
import { telegramWebhookRoute, TELEGRAM_WEBHOOK_PATH } from '../../../bots/telegram/telegram-webhook.js';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';

const secret = 'S3cret_' + randomUUID().slice(0, 8);
const settings = queueSettings(inject('redisUrl'), `webhook-${randomUUID().slice(0, 8)}`);
const queue = new InboundQueue(settings);
// no request reaches Telegram in this test (no callback queries): any api root will do
const api = new Api('424242:TEST', { apiRoot: 'http://127.0.0.1:9' });
let http: RunningHttpServer;

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

describe('Telegram webhook', () => {
  it('rejects requests without the matching secret with 401 and queues nothing; accepts and dedupes valid ones', async () => {
    const intake = new TelegramIntake(api, queue, { workspaceId: 1 });
    http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [telegramWebhookRoute(intake, secret, { bodyLimit: 256 * 1024 })] });

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

    const bad = await fetch(http.url + TELEGRAM_WEBHOOK_PATH, { method: 'POST', headers: { 'X-Telegram-Bot-Api-Secret-Token': secret }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect((await fetch(http.url + '/health')).status).toBe(200);
  });
});
