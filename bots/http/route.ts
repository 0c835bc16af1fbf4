// What a route module is: a name for the start-up banner and a function that adds its routes
// to the server. Each module is registered in a Fastify context of its own (its content-type
// parsers, hooks and decorators stay inside), with zod schemas for params, query, body and
// responses (fastify-type-provider-zod); schemas also feed the OpenAPI document
// (@fastify/swagger; `schema: { hide: true }` keeps a route out of it).
//
//   export function formRoutes(deps): HttpRoute {
//     return {
//       describe: 'POST /forms/:formKey',
//       register(app) {
//         app.post('/forms/:formKey', { schema: { params: z.object({ formKey: z.string() }), body: ... } }, async (req) => ...);
//       },
//     };
//   }
//
// Body limits: the server's HTTP_BODY_LIMIT_BYTES applies unless the route sets `bodyLimit`.
// Checks that need only the headers (a secret, a signature's presence, an API key) belong in
// the route's `onRequest` hook: it runs before a byte of the body is read, and an answer sent
// there leaves the body unread (the connection is then closed instead of draining it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface HttpRoute {
  /** for the start-up banner, e.g. "POST /telegram/webhook" */
  describe: string;
  register(app: HttpApp): void | Promise<void>;
}

/**
 * In this route module's context, accept a body of any Content-Type as a raw Buffer of at most
 * `bodyLimit` bytes (webhooks whose signature covers the exact bytes, or that parse themselves).
 */
export function acceptRawBody(app: HttpApp, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
}
