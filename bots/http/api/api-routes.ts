// The REST API under /api/v1 (Authorization: Bearer <key>), its OpenAPI 3.1 document at
// GET /api/v1/openapi.json and a docs page at GET /api/v1/docs. Every route calls a core use
// case with the key's actor: a key made for a team member has that member's permissions (as in
// chat), an integration key acts for the workspace; the key's scopes narrow either.
//
// Before the body is read (onRequest): the key (401 when missing, malformed, unknown or
// revoked), the per-key rate limit (429 with Retry-After), the route's scope (403). Then the
// zod schemas (400 naming the field), the use case (404/403/409/422 from its DomainError).
// A POST with an Idempotency-Key is answered once per key and route: a retry gets the first
// answer again (Idempotency-Replayed: true) and writes nothing (core/api/idempotency.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import { coreContext, type CoreContext } from '../../../core/context.js';
import { authenticateApiKey, type ApiCaller, type ApiScope } from '../../../core/api/api-keys.js';
import { claimIdempotencyKey, requestHash, settleIdempotencyKey } from '../../../core/api/idempotency.js';
import { submitApiLead, type InboundEngine } from '../../../core/api/submit-lead.js';
import { upsertContact } from '../../../core/api/upsert-contact.js';
import { contactView, dealView, leadView, taskView } from '../../../core/api/views.js';
import { getLead, pageLeads } from '../../../core/leads/index.js';
import { getContact, searchContacts } from '../../../core/contacts/index.js';
import { createDeal, getDeal, markDealLost, markDealWon, moveDealToStage } from '../../../core/deals/index.js';
import { createTask, getTask, listTasks } from '../../../core/tasks/index.js';
import type { HttpApp, HttpRoute } from '../route.js';
import { HttpProblem, sendProblem } from '../problem.js';
import type { RequestLimiter } from '../web-form-route.js';
import { contactSchema, dealSchema, idParams, leadSchema, problems, taskSchema } from './api-schemas.js';

export const API_PREFIX = '/api/v1';

export interface ApiRouteDeps {
  /** the process's chat engine (bots/chat-runtime.ts createChatEngine): leads from the API take the customer's road */
  engine: InboundEngine;
  limiter: RequestLimiter;
}

interface ApiState {
  caller: ApiCaller;
  /** the claimed Idempotency-Key: its row, and the key with the body's hash (an API lead's message id is made from them) */
  idempotency?: { id: number; request: string };
}
const states = new WeakMap<FastifyRequest, ApiState>();

function caller(request: FastifyRequest): ApiCaller {
  const state = states.get(request);
  if (!state) throw new HttpProblem(401);
  return state.caller;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const unauthorized = (reply: FastifyReply, detail: string) => sendProblem(reply, 401, { detail, headers: { 'www-authenticate': 'Bearer realm="leadline"' } });

const security = [{ bearerAuth: [] }];
const leadStatus = z.enum(['new', 'in_progress', 'converted', 'junk', 'merged']);

export function apiRoutes(deps: ApiRouteDeps): HttpRoute {
  const chat = deps.engine.deps;
  const ctxFor = (_request: FastifyRequest): CoreContext =>
    coreContext(chat.db, { clock: chat.clock, stores: chat.stores, scheduler: chat.scheduler, llm: chat.llm });

  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization;
    if (!header) return unauthorized(reply, 'An API key is required: Authorization: Bearer <key>.');
    const token = BEARER.exec(header)?.[1];
    const found = token ? await authenticateApiKey(ctxFor(request), token) : null;
    if (!found) return unauthorized(reply, 'The API key is not valid (unknown, malformed or revoked).');
    const wait = await deps.limiter.take('api_key', String(found.keyId));
    if (wait)
      return sendProblem(reply, 429, { detail: 'Too many requests with this key; slow down.', headers: { 'retry-after': String(Math.ceil(wait / 1000)) } });
    const scope = (request.routeOptions.config as { scope?: ApiScope }).scope;
    if (scope && !found.scopes.has(scope)) return sendProblem(reply, 403, { detail: `This key lacks the "${scope}" scope.` });
    states.set(request, { caller: found });
  }

  async function idempotency(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== 'POST') return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return sendProblem(reply, 400, {
        detail: 'Idempotency-Key must be 1-255 visible ASCII characters.',
        errors: [{ in: 'headers', field: 'idempotency-key', message: 'malformed' }],
      });
    }
    const state = states.get(request)!;
    const hash = requestHash(request.body);
    const claim = await claimIdempotencyKey(chat.db, state.caller.keyId, `POST ${request.routeOptions.url}`, key, hash, chat.clock.now());
    if (claim.kind === 'mismatch') return sendProblem(reply, 422, { detail: 'This Idempotency-Key was used with a different request body.' });
    if (claim.kind === 'busy') return sendProblem(reply, 409, { detail: 'A request with this Idempotency-Key is still running; retry later.' });
    if (claim.kind === 'replay') {
      reply.header('idempotency-replayed', 'true');
      if (claim.status >= 400) reply.type('application/problem+json');
      return reply.code(claim.status).send(claim.body);
    }
    state.idempotency = { id: claim.id, request: `${key}\n${hash}` };
  }

  async function settle(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = states.get(request)?.idempotency;
    if (!claim) return payload;
    states.get(request)!.idempotency = undefined;
    let body: unknown;
    try {
      body = typeof payload === 'string' ? JSON.parse(payload) : null;
    } catch {
      body = null;
    }
    await settleIdempotencyKey(chat.db, claim.id, reply.statusCode, body).catch((err: unknown) =>
      request.log.error({ err, route: request.routeOptions.url }, 'could not store the Idempotency-Key answer'),
    );
    return payload;
  }

  function resources(api: HttpApp) {
    api.addHook('onRequest', authenticate);
    api.addHook('preHandler', idempotency);
    api.addHook('onSend', settle);

    // ---- leads
    api.post(
      '/leads',
      {
        config: { scope: 'leads:write' },
        schema: {
          summary: 'Create a lead',
          description:
            'Finds the contact by e-mail, then phone (or creates it), captures a lead assigned round robin and notifies the assignee, as a customer message would. A contact with an open lead gets the message added to it: 200 with that lead.',
          tags: ['leads'],
          security,
          body: z.object({
            name: z.string().min(1).max(200),
            phone: z.string().max(60).nullish(),
            email: z.string().max(254).nullish(),
            company: z.string().max(200).nullish(),
            message: z.string().max(20_000).nullish(),
            source: z.string().max(100).nullish().describe('your name for where it came from; kept on the lead message'),
          }),
          response: { 201: leadSchema, 200: leadSchema, ...problems },
        },
      },
      async (request, reply) => {
        const claimed = states.get(request)?.idempotency;
        const result = await submitApiLead(deps.engine, caller(request), request.body, {
          traceId: request.id,
          ...(claimed ? { sameRequest: claimed.request } : {}),
        });
        if (!result.ok) {
          throw new HttpProblem(422, { detail: 'The lead cannot be created as given.', errors: result.issues.map((i) => ({ in: 'body', ...i })) });
        }
        return reply.code(result.created ? 201 : 200).send(leadView(result.lead));
      },
    );

    api.get(
      '/leads',
      {
        config: { scope: 'leads:read' },
        schema: {
          summary: 'List leads, oldest first, a page at a time',
          tags: ['leads'],
          security,
          querystring: z.object({
            status: z
              .string()
              .optional()
              .transform((v, ctx) => {
                if (!v) return undefined;
                const list = v.split(',').map((s) => s.trim());
                const bad = list.filter((s) => !leadStatus.safeParse(s).success);
                if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown status ${bad.join(', ')}; use new, in_progress, converted, junk` });
                return list as Array<z.infer<typeof leadStatus>>;
              })
              .describe('comma-separated: new, in_progress, converted, junk'),
            assigneeId: z.coerce.number().int().positive().optional(),
            contactId: z.coerce.number().int().positive().optional(),
            source: z.enum(['telegram', 'slack', 'email', 'console', 'web']).optional(),
            createdFrom: z.iso.datetime({ offset: true }).optional(),
            createdTo: z.iso.datetime({ offset: true }).optional(),
            cursor: z.coerce.number().int().nonnegative().optional().describe('`next` of the previous page'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({ data: z.array(leadSchema), next: z.number().int().nullable().describe('cursor of the next page; null on the last') }),
            ...problems,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await pageLeads(ctxFor(request), caller(request).actor, {
          status: q.status,
          assigneeId: q.assigneeId,
          contactId: q.contactId,
          source: q.source,
          createdFrom: q.createdFrom ? new Date(q.createdFrom) : undefined,
          createdTo: q.createdTo ? new Date(q.createdTo) : undefined,
          after: q.cursor,
          limit: q.limit,
        });
        return { data: page.items.map(leadView), next: page.next };
      },
    );

    api.get(
      '/leads/:id',
      {
        config: { scope: 'leads:read' },
        schema: { summary: 'Get a lead', tags: ['leads'], security, params: idParams, response: { 200: leadSchema, ...problems } },
      },
      async (request) => leadView(await getLead(ctxFor(request), caller(request).actor, request.params.id)),
    );

    // ---- contacts
    api.post(
      '/contacts',
      {
        config: { scope: 'contacts:write' },
        schema: {
          summary: 'Create or update a contact by e-mail, then phone',
          description:
            "An existing contact (same e-mail or phone) gets the other keys added and its empty fields filled (200); else one is created (201). When a key given belongs to another contact, the older record's owner is asked in chat whether to merge the two.",
          tags: ['contacts'],
          security,
          body: z.object({
            name: z.string().max(200).nullish(),
            email: z.string().max(254).nullish(),
            phone: z.string().max(60).nullish(),
            company: z.string().max(200).nullish(),
          }),
          response: { 200: contactSchema, 201: contactSchema, ...problems },
        },
      },
      async (request, reply) => {
        const result = await upsertContact(ctxFor(request), caller(request).actor, request.body, chat.outbox);
        if (!result.ok)
          throw new HttpProblem(422, { detail: 'The contact cannot be saved as given.', errors: result.issues.map((i) => ({ in: 'body', ...i })) });
        return reply.code(result.created ? 201 : 200).send(contactView(result.contact));
      },
    );

    api.get(
      '/contacts',
      {
        config: { scope: 'contacts:read' },
        schema: {
          summary: 'Search contacts by name, e-mail, phone or company',
          tags: ['contacts'],
          security,
          querystring: z.object({ q: z.string().trim().min(1).max(200), limit: z.coerce.number().int().min(1).max(200).default(20) }),
          response: { 200: z.object({ data: z.array(contactSchema) }), ...problems },
        },
      },
      async (request) => ({ data: (await searchContacts(ctxFor(request), caller(request).actor, request.query.q, request.query.limit)).map(contactView) }),
    );

    api.get(
      '/contacts/:id',
      {
        config: { scope: 'contacts:read' },
        schema: { summary: 'Get a contact', tags: ['contacts'], security, params: idParams, response: { 200: contactSchema, ...problems } },
      },
      async (request) => contactView(await getContact(ctxFor(request), caller(request).actor, request.params.id)),
    );

    // ---- deals
    api.post(
      '/deals',
      {
        config: { scope: 'deals:write' },
        schema: {
          summary: 'Create a deal',
          description: 'In the default pipeline, at `stage` or its first stage. A key that acts for the workspace names the `ownerId`.',
          tags: ['deals'],
          security,
          body: z.object({
            title: z.string().min(1).max(200),
            amount: z
              .union([z.string().max(40), z.number()])
              .nullish()
              .describe('e.g. "120000.50" or 120000'),
            currency: z.string().max(3).nullish().describe('ISO 4217; the workspace default when an amount is given without one'),
            contactId: z.number().int().positive().nullish(),
            companyId: z.number().int().positive().nullish(),
            ownerId: z.number().int().positive().nullish(),
            leadId: z.number().int().positive().nullish(),
            stage: z.string().max(100).nullish(),
            expectedCloseAt: z.iso.datetime({ offset: true }).nullish(),
          }),
          response: { 201: dealSchema, ...problems },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const ctx = ctxFor(request);
        const actor = caller(request).actor;
        const deal = await createDeal(ctx, actor, {
          title: b.title,
          amount: b.amount,
          currency: b.currency,
          contactId: b.contactId,
          companyId: b.companyId,
          ownerId: b.ownerId,
          leadId: b.leadId,
          stageName: b.stage,
          expectedCloseAt: b.expectedCloseAt ? new Date(b.expectedCloseAt) : null,
        });
        return reply.code(201).send(dealView(await getDeal(ctx, actor, deal.id)));
      },
    );

    api.get(
      '/deals/:id',
      {
        config: { scope: 'deals:read' },
        schema: { summary: 'Get a deal', tags: ['deals'], security, params: idParams, response: { 200: dealSchema, ...problems } },
      },
      async (request) => dealView(await getDeal(ctxFor(request), caller(request).actor, request.params.id)),
    );

    api.post(
      '/deals/:id/stage',
      {
        config: { scope: 'deals:write' },
        schema: {
          summary: 'Move a deal to a stage',
          description: 'By stage name (as in chat: "negotiation", "переговоры"); a won or lost stage closes the deal.',
          tags: ['deals'],
          security,
          params: idParams,
          body: z.object({ stage: z.string().min(1).max(100) }),
          response: { 200: dealSchema, ...problems },
        },
      },
      async (request) => {
        const ctx = ctxFor(request);
        const actor = caller(request).actor;
        await moveDealToStage(ctx, actor, request.params.id, request.body.stage);
        return dealView(await getDeal(ctx, actor, request.params.id));
      },
    );

    api.post(
      '/deals/:id/won',
      {
        config: { scope: 'deals:write' },
        schema: { summary: 'Mark a deal won', tags: ['deals'], security, params: idParams, response: { 200: dealSchema, ...problems } },
      },
      async (request) => {
        const ctx = ctxFor(request);
        const actor = caller(request).actor;
        await markDealWon(ctx, actor, request.params.id);
        return dealView(await getDeal(ctx, actor, request.params.id));
      },
    );

    api.post(
      '/deals/:id/lost',
      {
        config: { scope: 'deals:write' },
        schema: {
          summary: 'Mark a deal lost',
          tags: ['deals'],
          security,
          params: idParams,
          body: z.object({ reason: z.string().min(1).max(500) }),
          response: { 200: dealSchema, ...problems },
        },
      },
      async (request) => {
        const ctx = ctxFor(request);
        const actor = caller(request).actor;
        await markDealLost(ctx, actor, request.params.id, request.body.reason);
        return dealView(await getDeal(ctx, actor, request.params.id));
      },
    );

    // ---- tasks
    api.post(
      '/tasks',
      {
        config: { scope: 'tasks:write' },
        schema: {
          summary: 'Create a task (a reminder is pushed to the assignee when due)',
          description: 'A key that acts for the workspace names the `assigneeId`.',
          tags: ['tasks'],
          security,
          body: z.object({
            title: z.string().min(1).max(500),
            dueAt: z.iso.datetime({ offset: true }),
            assigneeId: z.number().int().positive().optional(),
            rrule: z.string().max(200).nullish().describe('RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO'),
            leadId: z.number().int().positive().nullish(),
            dealId: z.number().int().positive().nullish(),
            contactId: z.number().int().positive().nullish(),
          }),
          response: { 201: taskSchema, ...problems },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const task = await createTask(ctxFor(request), caller(request).actor, { ...b, dueAt: new Date(b.dueAt) });
        return reply.code(201).send(taskView(task));
      },
    );

    api.get(
      '/tasks',
      {
        config: { scope: 'tasks:read' },
        schema: {
          summary: 'List open tasks: due today, overdue or upcoming',
          description: "A member's key lists their own tasks (heads: anyone's with assigneeId); a workspace key lists everyone's unless assigneeId is given.",
          tags: ['tasks'],
          security,
          querystring: z.object({
            window: z.enum(['today', 'overdue', 'upcoming']).default('today'),
            assigneeId: z.coerce.number().int().positive().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ data: z.array(taskSchema) }), ...problems },
        },
      },
      async (request) => {
        const q = request.query;
        const tasks = await listTasks(ctxFor(request), caller(request).actor, q.window, { userId: q.assigneeId, limit: q.limit });
        return { data: tasks.map(taskView) };
      },
    );

    api.get(
      '/tasks/:id',
      {
        config: { scope: 'tasks:read' },
        schema: { summary: 'Get a task', tags: ['tasks'], security, params: idParams, response: { 200: taskSchema, ...problems } },
      },
      async (request) => taskView(await getTask(ctxFor(request), caller(request).actor, request.params.id)),
    );
  }

  return {
    describe: `${API_PREFIX} (REST API, OpenAPI at ${API_PREFIX}/openapi.json, docs at ${API_PREFIX}/docs)`,
    async register(app) {
      app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async (_request, reply) =>
        reply.header('cache-control', 'no-cache').send(app.swagger()),
      );
      await app.register(fastifySwaggerUi, { routePrefix: `${API_PREFIX}/docs` });
      await app.register(async (api) => resources(api as HttpApp), { prefix: API_PREFIX });
    },
  };
}
