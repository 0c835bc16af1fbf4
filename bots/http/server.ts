// The HTTP side of Leadline: Fastify 5 with zod schemas (fastify-type-provider-zod) and an
// OpenAPI 3.1 document built from them (@fastify/swagger). It serves GET /health, /ready and
// /metrics plus the route modules it is given (bots/http/routes/index.ts registers them).
//
// Limits come before reading, on every route:
//   - an unknown path is answered 404 from the request line and headers alone;
//   - a route's header checks (webhook secrets, signatures) run in its onRequest hook, before
//     the body is read;
//   - bodies are capped (HTTP_BODY_LIMIT_BYTES or the route's own `bodyLimit`): a Content-Length
//     over the cap is 413 without reading, a chunked body is cut off at the cap;
//   - an answer given while the body is still unread closes the connection, so the rest is
//     never drained (Node would otherwise read it all to keep the connection alive);
//   - a request that has not fully arrived within HTTP_REQUEST_TIMEOUT_MS gets 408.
// Every error is problem+json (bots/http/problem.ts) with no stack or internal host in it.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { logger as defaultLogger, type Logger } from '../../connectors/logger.js';
import { clientErrorHandler, problemErrorHandler, sendProblem } from './problem.js';
import { timeRequest } from './http-metrics.js';
import type { HttpApp } from './route.js';
import { registerRoutes, routeModules, type RouteSet } from './routes/index.js';

export type { HttpRoute } from './route.js';

export interface HttpServerOptions extends RouteSet {
  port: number;
  host?: string;
  /** default body cap for routes without their own (HTTP_BODY_LIMIT_BYTES) */
  bodyLimit?: number;
  /** HTTP_REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number;
  /** HTTP_TRUST_PROXY: whose X-Forwarded-For to believe for the client address (rate limits per IP) */
  trustProxy?: boolean | number | string[];
  logger?: Logger;
}

/** A route the server serves; `documented` = in the OpenAPI document (not `schema.hide`). */
export interface ServedRoute {
  method: string;
  url: string;
  documented: boolean;
}

export interface RunningHttpServer {
  app: HttpApp;
  /** every route registered, HEAD included (the OpenAPI test checks each documented one is in the document) */
  routes: ServedRoute[];
  /** the underlying node:http server */
  server: http.Server;
  port: number;
  url: string;
  /** what it serves, for the start-up banner */
  describe: string[];
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildHttpApp(options: Omit<HttpServerOptions, 'port' | 'host'>): Promise<{ app: HttpApp; describe: string[]; routes: ServedRoute[] }> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    loggerInstance: (options.logger ?? defaultLogger) as FastifyBaseLogger,
    // no log line per request (metrics count them); errors are logged by the error handler
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout,
    // boolean, hop count or addresses: all one option to Fastify (its overloads split them)
    trustProxy: (options.trustProxy ?? false) as boolean,
    clientErrorHandler,
    http: {
      requestTimeout,
      // Node enforces requestTimeout only while headersTimeout (60 s by default) is not above it
      headersTimeout: Math.min(60_000, requestTimeout),
      // and checks both on this interval (30 s by default): keep it a fraction of the timeout
      connectionsCheckingInterval: Math.max(250, Math.min(5000, Math.floor(requestTimeout / 4))),
    },
    // a request id from a proxy in front is kept when it looks like one; else a fresh one
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 404));
  const routes: ServedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const hidden = Boolean((route.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, documented: !hidden });
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('x-request-id', request.id);
    timeRequest(request, reply);
    // unknown path: answer from the headers alone, never read the body
    if (request.is404) return sendProblem(reply, 404);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.raw.complete) {
      // answered before the body was (fully) read: read no more of it, and close after the answer
      request.raw.pause();
      reply.header('connection', 'close');
    }
    return payload;
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Leadline', version: '1', description: 'Web forms, the REST API (/api/v1, Authorization: Bearer <key>) and operations endpoints.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key from `leadline apikey create`' } } },
    },
    transform: jsonSchemaTransform,
    // schemas given an id (z.meta({ id })) become components/schemas and $refs
    transformObject: jsonSchemaTransformObject,
  });
  const modules = routeModules(options);
  await registerRoutes(app, modules);
  await app.ready();
  return { app, describe: modules.map((m) => m.describe), routes };
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { app, describe, routes } = await buildHttpApp(options);
  const host = options.host ?? '0.0.0.0';
  await app.listen({ port: options.port, host });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    routes,
    server: app.server,
    port,
    url: `http://${host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1'}:${port}`,
    describe,
    close: () => app.close(),
  };
}
