// POST /slack/events on the web role's HTTP server, in front of Bolt's HTTPReceiver:
//   1. from the headers alone, before the body is read: an X-Slack-Signature of the v0 form and
//      an X-Slack-Request-Timestamp within 5 minutes of now, else 401 (Slack signs every
//      request it sends, ssl_check included);
//   2. the body is read up to SLACK_BODY_LIMIT_BYTES (413 above it);
//   3. Bolt gets the request with its body already read (Bolt takes `rawBody` when present),
//      verifies the HMAC as it always did (401 on a forged signature) and runs the listeners.
import type { IncomingMessage } from 'node:http';
import type { RequestListener } from 'node:http';
import { acceptRawBody, type HttpRoute } from '../http/route.js';
import { sendProblem } from '../http/problem.js';
import { webhookOutcome, webhookSeconds } from '../http/http-metrics.js';

/** Slack's replay window for signed requests (and Bolt's). */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** Why a request cannot be from Slack, from its headers alone; undefined when it may be. */
export function slackHeaderProblem(headers: IncomingMessage['headers'], nowSeconds = Date.now() / 1000): string | undefined {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return 'The X-Slack-Signature header is missing or malformed.';
  if (typeof timestamp !== 'string' || !TIMESTAMP.test(timestamp)) return 'The X-Slack-Request-Timestamp header is missing or malformed.';
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_SIGNATURE_WINDOW_SECONDS) return 'The X-Slack-Request-Timestamp is outside the 5-minute window.';
  return undefined;
}

export function slackEventsRoute(endpoint: string, listener: RequestListener, options: { bodyLimit: number }): HttpRoute {
  return {
    describe: `POST ${endpoint}`,
    register(app) {
      acceptRawBody(app, options.bodyLimit);
      app.route({
        method: 'POST',
        url: endpoint,
        bodyLimit: options.bodyLimit,
        schema: { hide: true },
        onRequest: async (request, reply) => {
          const problem = slackHeaderProblem(request.headers);
          if (problem) return sendProblem(reply, 401, { detail: problem });
        },
        handler: (request, reply) => {
          const end = webhookSeconds.startTimer({ source: 'slack' });
          const raw = request.raw as IncomingMessage & { rawBody?: Buffer };
          raw.rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          reply.hijack();
          reply.raw.once('close', () => end({ outcome: webhookOutcome(reply.raw.writableFinished ? reply.raw.statusCode : 500) }));
          listener(raw, reply.raw);
        },
      });
    },
  };
}
