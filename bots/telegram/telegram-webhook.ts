// Webhook mode: POST /telegram/webhook with Telegram's secret_token header. The header is
// checked before a byte of the body is read: without the matching
// X-Telegram-Bot-Api-Secret-Token the request gets 401, nothing is read and nothing is stored.
// The body is capped (TELEGRAM_WEBHOOK_BODY_LIMIT_BYTES, 413 above it). 200 only once the
// update is queued; a failed enqueue is a 500, so Telegram delivers the update again.
import { timingSafeEqual } from 'node:crypto';
import { TelegramIntake, isUpdate } from './telegram-intake.js';
import { acceptRawBody, type HttpRoute } from '../http/route.js';
import { HttpProblem, sendProblem } from '../http/problem.js';
import { webhookOutcome, webhookSeconds } from '../http/http-metrics.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function secretMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function telegramWebhookRoute(intake: TelegramIntake, secret: string, options: { bodyLimit: number }): HttpRoute {
  if (!secret) throw new Error('TELEGRAM_WEBHOOK_SECRET is required for webhook mode');
  return {
    describe: `POST ${TELEGRAM_WEBHOOK_PATH}`,
    register(app) {
      acceptRawBody(app, options.bodyLimit);
      app.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: TELEGRAM_WEBHOOK_PATH,
        bodyLimit: options.bodyLimit,
        schema: { hide: true },
        onRequest: async (request, reply) => {
          if (request.method !== 'POST') return sendProblem(reply, 405, { headers: { allow: 'POST' } });
          if (!secretMatches(request.headers[TELEGRAM_SECRET_HEADER], secret)) {
            return sendProblem(reply, 401, { detail: 'The X-Telegram-Bot-Api-Secret-Token header is missing or wrong.' });
          }
        },
        handler: async (request, reply) => {
          const end = webhookSeconds.startTimer({ source: 'telegram' });
          let status = 500;
          try {
            let update: unknown;
            try {
              update = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
            } catch {
              throw new HttpProblem((status = 400), { detail: 'Expected a Telegram update as JSON.' });
            }
            if (!isUpdate(update)) throw new HttpProblem((status = 400), { detail: 'Not a Telegram update.' });
            await intake.handleUpdate(update, request.id);
            status = 200;
            return reply.type('text/plain; charset=utf-8').send('ok');
          } finally {
            end({ outcome: webhookOutcome(status) });
          }
        },
      });
    },
  };
}
