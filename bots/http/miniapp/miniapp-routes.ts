// The Mini App on the web role: its front end at /miniapp/ (the Vite bundle `npm run build`
// writes to dist/miniapp: index.html answered `no-cache`, hashed assets `immutable`) and its
// API under /miniapp/api/*. Every API call proves who calls before anything is read:
//   - from Telegram: header X-Telegram-Init-Data, the Mini App's initData, checked with the
//     bot token (init-data.ts: HMAC, constant-time compare, auth_date freshness);
//   - from a browser (Slack users): header X-Leadline-Web-Token, a short-lived token signed
//     with MINIAPP_LINK_SECRET that Leadline sent the member in a DM (core/miniapp/web-token.ts).
// A missing, forged or stale proof is 401; a valid one for an account that is no active
// member's is 403; neither reads any data. The caller then acts as that member through core's
// use cases, with the same permissions as in chat (a manager sees their own deals).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../../core/actor.js';
import type { CoreContext } from '../../../core/context.js';
import {
  contactCard,
  loadBoard,
  miniAppMemberById,
  miniAppMemberByIdentity,
  moveDealOnBoard,
  myWork,
  teamFigures,
  verifyWebToken,
} from '../../../core/miniapp/index.js';
import type { HttpApp, HttpRoute } from '../route.js';
import { sendProblem } from '../problem.js';
import { verifyInitData } from './init-data.js';

export const MINIAPP_PATH = '/miniapp/';
export const INIT_DATA_HEADER = 'x-telegram-init-data';
export const WEB_TOKEN_HEADER = 'x-leadline-web-token';

export interface MiniAppRouteDeps {
  ctx: CoreContext;
  workspaceId: number;
  /** TELEGRAM_BOT_TOKEN: initData is checked with it; without it only web tokens sign in */
  botToken?: string;
  /** MINIAPP_AUTH_MAX_AGE_SECONDS: how old an initData's auth_date may be */
  maxAgeSeconds: number;
  /** MINIAPP_LINK_SECRET: web-view tokens are checked with it; without it they are refused */
  webTokenSecret?: string;
  /** the built front end (default: dist/miniapp of this checkout) */
  distDir?: string;
}

/** dist/miniapp beside this module's tree, whether it runs from the sources or from dist/. */
export function defaultMiniAppDist(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '..', '..', '..');
  return path.basename(root) === 'dist' ? path.join(root, 'miniapp') : path.join(root, 'dist', 'miniapp');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const ASSET = /^[A-Za-z0-9._-]{1,200}$/;

const actors = new WeakMap<FastifyRequest, Actor>();
function actorOf(request: FastifyRequest): Actor {
  const actor = actors.get(request);
  if (!actor) throw new Error('miniapp: no actor on an authenticated request');
  return actor;
}

export function miniAppRoutes(deps: MiniAppRouteDeps): HttpRoute {
  const dist = deps.distDir ?? defaultMiniAppDist();
  const { ctx } = deps;

  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const now = ctx.clock.now();
    const initData = request.headers[INIT_DATA_HEADER];
    const token = request.headers[WEB_TOKEN_HEADER];
    let actor: Actor | null;
    if (typeof initData === 'string' && initData) {
      if (!deps.botToken) return sendProblem(reply, 401, { detail: 'Telegram sign-in is not configured (TELEGRAM_BOT_TOKEN).' });
      const check = verifyInitData(initData, deps.botToken, now, deps.maxAgeSeconds);
      if (!check.ok) return sendProblem(reply, 401, { detail: `The Telegram initData is not valid (${check.reason}).` });
      actor = await miniAppMemberByIdentity(ctx, deps.workspaceId, 'telegram', String(check.user.id), check.user.language_code);
    } else if (typeof token === 'string' && token) {
      if (!deps.webTokenSecret) return sendProblem(reply, 401, { detail: 'Web sign-in is not configured (MINIAPP_LINK_SECRET).' });
      const check = verifyWebToken(deps.webTokenSecret, token, now);
      if (!check.ok || check.workspaceId !== deps.workspaceId)
        return sendProblem(reply, 401, { detail: `The sign-in link is not valid (${check.ok ? 'workspace' : check.reason}).` });
      actor = await miniAppMemberById(ctx, deps.workspaceId, check.userId);
    } else {
      return sendProblem(reply, 401, { detail: `Sign in with the ${INIT_DATA_HEADER} or ${WEB_TOKEN_HEADER} header.` });
    }
    if (!actor) return sendProblem(reply, 403, { detail: 'This account is not linked to an active team member.' });
    actors.set(request, actor);
    reply.header('cache-control', 'private, no-store');
  }

  async function sendFile(reply: FastifyReply, file: string, cache: string) {
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return sendProblem(reply, 404, { detail: 'The Mini App is not built here: run npm run build.' });
    }
    return reply
      .header('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', cache)
      .header('x-content-type-options', 'nosniff')
      .send(body);
  }

  const id = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

  return {
    describe: `GET ${MINIAPP_PATH} (Mini App), /miniapp/api/*`,
    async register(app) {
      // the front end
      app.get('/miniapp', { schema: { hide: true } }, async (_req, reply) => reply.redirect(MINIAPP_PATH, 301));
      app.get(MINIAPP_PATH, { schema: { hide: true } }, async (_req, reply) => sendFile(reply, path.join(dist, 'index.html'), 'no-cache'));
      app.get('/miniapp/assets/:file', { schema: { hide: true, params: z.object({ file: z.string() }) } }, async (req, reply) => {
        if (!ASSET.test(req.params.file) || req.params.file.startsWith('.')) return sendProblem(reply, 404);
        return sendFile(reply, path.join(dist, 'assets', req.params.file), 'public, max-age=31536000, immutable');
      });

      // the API, each call signed
      await app.register(async (scope) => {
        const api = scope as HttpApp;
        api.addHook('onRequest', authenticate);
        api.get('/miniapp/api/me', { schema: { hide: true } }, async (req) => {
          const actor = actorOf(req);
          return { userId: actor.userId, name: actor.name ?? '', role: actor.role, locale: actor.locale, timezone: actor.timezone };
        });
        api.get(
          '/miniapp/api/board',
          { schema: { hide: true, querystring: z.object({ pipeline: z.coerce.number().int().positive().max(2_147_483_647).optional() }) } },
          async (req) => loadBoard(ctx, actorOf(req), req.query.pipeline),
        );
        api.post(
          '/miniapp/api/deals/:id/move',
          { bodyLimit: 1024, schema: { hide: true, params: id, body: z.object({ stageId: z.number().int().positive().max(2_147_483_647) }) } },
          async (req) => {
            const deal = await moveDealOnBoard(ctx, actorOf(req), req.params.id, req.body.stageId);
            return { id: deal.id, stageId: deal.stageId, status: deal.status };
          },
        );
        api.get('/miniapp/api/mine', { schema: { hide: true } }, async (req) => myWork(ctx, actorOf(req)));
        api.get('/miniapp/api/contacts/:id', { schema: { hide: true, params: id } }, async (req) => contactCard(ctx, actorOf(req), req.params.id));
        api.get('/miniapp/api/team', { schema: { hide: true } }, async (req) => teamFigures(ctx, actorOf(req)));
      });
    },
  };
}
