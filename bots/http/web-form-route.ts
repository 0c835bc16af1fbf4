// POST /forms/:formKey: a website's form becomes a lead. Accepts what form builders post:
// application/x-www-form-urlencoded (a plain HTML form), multipart/form-data (FormData from a
// script, builders with file inputs) and JSON. The fields are read by core/forms/read-form.ts.
//
// Before a byte of the body is read (onRequest): the client's per-IP limit, the form key
// (404 when no active form has it), the script's Origin (CORS, when the form lists origins),
// the form's own limit and the Content-Length cap. Then the post is put on the durable inbound
// queue as an InboundMessage of the `web` channel; the answer comes only once Redis has it
// (202, or 303 to the form's redirect for a plain HTML form), 503 while the queue is away.
// The worker finds the contact by e-mail, then phone, captures the lead, assigns and notifies.
//
// Refused, with nothing queued: a filled honeypot (400), neither a phone nor an e-mail (422
// naming the fields), too many posts (429 with Retry-After), a body over the cap (413).
// File parts are read up to the cap and not kept; the lead notes "field: name (not kept)".
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InboundMessageInput } from '../../core/chat/inbound.js';
import { formMessage } from '../../core/forms/forms.js';
import type { FormTarget } from '../../core/forms/form-store.js';
import { readForm, type PostedFields } from '../../core/forms/read-form.js';
import type { HttpRoute } from './route.js';
import { HttpProblem, sendProblem } from './problem.js';

export interface RequestLimiter {
  /** counts one request; 0 = go on, else milliseconds until the client may try again */
  take(rule: 'form_ip' | 'form' | 'api_key', key: string): Promise<number>;
}

export interface WebFormRouteDeps {
  findForm(formKey: string): Promise<FormTarget | null>;
  /**
   * durable before it resolves (the inbound queue); throws a 503-status error when Redis is
   * away. `mintedKey`: the message's dedupe key was minted for this post (a new id), so no
   * earlier job can hold it (connectors/queue/inbound-queue.ts)
   */
  enqueue(message: InboundMessageInput, options: { mintedKey: boolean }): Promise<void>;
  limiter: RequestLimiter;
  /** FORM_BODY_LIMIT_BYTES */
  bodyLimit: number;
  clock?: () => Date;
}

export const FORM_PATH = '/forms/:formKey';

const params = z.object({ formKey: z.string().min(1).max(100) });
const accepted = z.object({ status: z.literal('accepted'), id: z.string().describe('the id of this post') });
const problemBody = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string().optional() }).loose();
const formBody = z
  .record(z.string(), z.unknown())
  .describe('the form fields: name/имя, phone/телефон, email/почта, company/компания, message/comment/сообщение; any other field is kept on the lead');

const formOf = new WeakMap<FastifyRequest, FormTarget>();

function originAllowed(form: FormTarget, origin: string | undefined): boolean {
  return !origin || form.allowedOrigins.length === 0 || form.allowedOrigins.includes(origin);
}

function cors(reply: FastifyReply, origin: string | undefined) {
  if (!origin) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('vary', 'Origin');
}

function retryAfter(ms: number) {
  return { 'retry-after': String(Math.ceil(ms / 1000)) };
}

function asFields(body: unknown): PostedFields {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(400, { detail: 'Expected the form fields as an object.' });
  const fields: PostedFields = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined && typeof v !== 'object').map(String);
    if (values.length) fields[name] = values.length === 1 ? values[0]! : values;
  }
  return fields;
}

async function multipartFields(request: FastifyRequest): Promise<PostedFields> {
  const fields: Record<string, string[]> = {};
  const add = (name: string, value: string) => (fields[name] ??= []).push(value);
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      // read (within the caps) and let go: files are not kept from a web form
      const size = (await part.toBuffer()).length;
      if (part.filename) add(part.fieldname, `${part.filename} (${size} B, not kept)`);
    } else if (typeof part.value === 'string') add(part.fieldname, part.value);
  }
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

export function webFormRoute(deps: WebFormRouteDeps): HttpRoute {
  const now = deps.clock ?? (() => new Date());
  return {
    describe: 'POST /forms/:formKey',
    async register(app) {
      await app.register(formbody, { bodyLimit: deps.bodyLimit });
      await app.register(multipart, {
        limits: { fieldNameSize: 200, fieldSize: deps.bodyLimit, fields: 200, fileSize: deps.bodyLimit, files: 10, parts: 220, headerPairs: 100 },
      });

      app.options(FORM_PATH, { schema: { hide: true, params } }, async (request, reply) => {
        const form = await deps.findForm(request.params.formKey);
        if (!form) return sendProblem(reply, 404);
        const origin = request.headers.origin;
        if (!originAllowed(form, origin)) return sendProblem(reply, 403, { detail: 'This form does not take posts from that origin.' });
        cors(reply, origin);
        return reply
          .code(204)
          .header('access-control-allow-methods', 'POST, OPTIONS')
          .header('access-control-allow-headers', 'Content-Type, Accept')
          .header('access-control-max-age', '86400')
          .send();
      });

      app.post(
        FORM_PATH,
        {
          bodyLimit: deps.bodyLimit,
          schema: {
            summary: 'Post a web form (urlencoded, multipart or JSON)',
            description:
              'A post with a phone or an e-mail becomes a lead (assigned and notified like every lead). A form set up with a redirect answers a plain HTML form with 303 to it.',
            tags: ['forms'],
            params,
            body: formBody,
            consumes: ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'],
            response: { 202: accepted, 303: z.null().describe('to the redirect set up for the form'), 400: problemBody, 422: problemBody, 429: problemBody },
          },
          // multipart is streamed by the handler: it must not meet the body schema
          validatorCompiler: () => (value: unknown) => ({ value }),
          onRequest: async (request, reply) => {
            const ipWait = await deps.limiter.take('form_ip', request.ip);
            if (ipWait) return sendProblem(reply, 429, { detail: 'Too many posts from this address; try again later.', headers: retryAfter(ipWait) });
            const { formKey } = request.params as { formKey: string };
            const form = await deps.findForm(formKey);
            if (!form) return sendProblem(reply, 404, { detail: 'No form has this key.' });
            const origin = request.headers.origin;
            if (!originAllowed(form, origin)) return sendProblem(reply, 403, { detail: 'This form does not take posts from that origin.' });
            cors(reply, origin);
            const formWait = await deps.limiter.take('form', String(form.id));
            if (formWait)
              return sendProblem(reply, 429, { detail: 'This form takes no more posts right now; try again later.', headers: retryAfter(formWait) });
            const length = Number(request.headers['content-length']);
            if (Number.isFinite(length) && length > deps.bodyLimit)
              return sendProblem(reply, 413, { detail: 'The form is larger than this endpoint accepts.' });
            formOf.set(request, form);
          },
        },
        async (request, reply) => {
          const form = formOf.get(request)!;
          const fields = request.isMultipart() ? await multipartFields(request) : asFields(request.body);
          const reading = readForm(fields, form.phoneRegion);
          if (!reading.ok && reading.spam) throw new HttpProblem(400, { detail: 'The post was refused.' });
          if (!reading.ok) {
            throw new HttpProblem(422, {
              detail: 'A phone or an e-mail is needed to answer this request.',
              errors: reading.issues.map((i) => ({ in: 'body', field: i.field, message: i.message })),
            });
          }
          const id = randomUUID();
          await deps.enqueue({ ...formMessage(form, reading, { id, receivedAt: now() }), traceId: request.id }, { mintedKey: true });
          // a plain HTML form (not a script asking for JSON) goes on to the form's thank-you page
          const wantsJson = (request.headers.accept ?? '').includes('application/json') || (request.headers['content-type'] ?? '').includes('json');
          if (form.redirectUrl && !wantsJson) return reply.code(303).header('location', form.redirectUrl).send(null);
          return reply.code(202).send({ status: 'accepted' as const, id });
        },
      );
    },
  };
}
