// Errors over HTTP as RFC 9457 problem details (application/problem+json), the one shape every
// route answers with when something is wrong:
//   { "type": "about:blank", "title": "Payload Too Large", "status": 413, "detail": "...", "errors": [...] }
// A route either throws `new HttpProblem(422, { detail, errors })` or calls `sendProblem(reply, ...)`
// from a hook. Whatever else is thrown is a 500 whose body says nothing but "Internal Server
// Error": the error itself (stack, database host, SQL) goes to the log with `{ err }` only.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { describeError, isDomainError, type DomainErrorCode } from '../../core/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One thing wrong with the request: where (body, querystring, params, headers), which field, what. */
export interface FieldProblem {
  in?: string;
  field?: string;
  message: string;
}

export interface ProblemDetails {
  /** a URI naming the kind of problem; "about:blank" means "as the status says" */
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  /** extension members (RFC 9457 section 3.2), e.g. a retry hint */
  [extension: string]: unknown;
}

export interface ProblemOptions {
  detail?: string;
  type?: string;
  title?: string;
  errors?: FieldProblem[];
  /** response headers to set with it (e.g. Retry-After, WWW-Authenticate) */
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** Throw from a route handler to answer with a problem; nothing of it but what you pass is shown. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly options: ProblemOptions = {},
  ) {
    super(options.detail ?? STATUS_CODES[status] ?? `HTTP ${status}`);
    this.name = 'HttpProblem';
  }
}

export function problem(status: number, options: ProblemOptions = {}): ProblemDetails {
  const body: ProblemDetails = {
    ...options.extensions,
    type: options.type ?? 'about:blank',
    title: options.title ?? STATUS_CODES[status] ?? 'Error',
    status,
  };
  if (options.detail) body.detail = options.detail;
  if (options.errors?.length) body.errors = options.errors;
  return body;
}

export function sendProblem(reply: FastifyReply, status: number, options: ProblemOptions = {}): FastifyReply {
  if (options.headers) reply.headers(options.headers);
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem(status, options));
}

/** What the client may be told about Fastify's own 4xx errors (their messages carry no internals, but we say it our way). */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this endpoint accepts.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This endpoint does not accept that Content-Type.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length does not match the body.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
  FST_ERR_CTP_BODY_INVALID: 'The body could not be read.',
};

/** A use case's expected refusal, as HTTP says it. */
const DOMAIN_STATUS: Record<DomainErrorCode, number> = { not_found: 404, forbidden: 403, invalid_input: 422, conflict: 409 };

/** The server's error handler: every error becomes a problem+json answer. */
export function problemErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HttpProblem) return sendProblem(reply, error.status, error.options);
  // core's DomainError (not found, forbidden, invalid input, conflict): its English text is meant for people
  if (isDomainError(error)) return sendProblem(reply, DOMAIN_STATUS[error.code], { detail: describeError(error, 'en') });
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext;
    return sendProblem(reply, 400, {
      detail: 'The request does not match the schema.',
      errors: error.validation.map((v) => ({
        in: where,
        field: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || undefined,
        message: v.message ?? v.keyword,
      })),
    });
  }
  // Fastify's errors carry statusCode. Of a plain `status` only 503 is taken (the inbound queue's
  // IntakeUnavailableError: "not now, deliver again"); another status may be an upstream API's
  // answer to us and is not the client's business.
  const status = (error as FastifyError).statusCode ?? ((error as { status?: unknown }).status === 503 ? 503 : undefined);
  const code = (error as FastifyError).code;
  if (status && status >= 400 && status < 500) {
    request.log.debug({ err: error, route: request.routeOptions.url }, 'request refused');
    if (error instanceof SyntaxError) return sendProblem(reply, 400, { detail: FASTIFY_DETAILS.FST_ERR_CTP_INVALID_JSON_BODY });
    return sendProblem(reply, status, { detail: code ? FASTIFY_DETAILS[code] : undefined });
  }
  request.log.error({ err: error, method: request.method, route: request.routeOptions.url }, 'HTTP handler failed');
  return sendProblem(reply, status && status >= 500 && status < 600 ? status : 500);
}

/**
 * Errors below HTTP (a request that did not arrive in time, headers too large, a malformed
 * request): answered on the socket as problem+json too, then the connection is closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(problem(status));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
