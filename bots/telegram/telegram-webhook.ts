// Webhook mode: POST /telegram/webhook with Telegram's secret_token header. Without the
// matching X-Telegram-Bot-Api-Secret-Token the request gets 401 and nothing is stored.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TelegramIntake, isUpdate } from './telegram-intake.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const MAX_BODY_BYTES = 1024 * 1024;

function secretMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

export function telegramWebhookHandler(intake: TelegramIntake, secret: string) {
  if (!secret) throw new Error('TELEGRAM_WEBHOOK_SECRET is required for webhook mode');
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, 'method not allowed');
    if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'], secret)) {
      req.resume();
      return send(res, 401, 'unauthorized');
    }
    let update: unknown;
    try {
      update = JSON.parse(await readBody(req));
    } catch (e) {
      return send(res, (e as { status?: number }).status ?? 400, 'bad request: expected a Telegram update as JSON');
    }
    if (!isUpdate(update)) return send(res, 400, 'bad request: not a Telegram update');
    await intake.handleUpdate(update);
    send(res, 200, 'ok');
  };
}
