// `leadline start` with the web role alone, as deployed: the REST API's leads run the chat
// engine the inbound worker runs (AI extraction goes to the ai queue when a model is
// configured, as it does for a Telegram message or a form post), and the OpenAPI document of
// the real composition root validates and holds every route the server documents.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Validator } from '@seriousme/openapi-schema-validator';
import { testDb, uniqueSlug } from '../../support/db.js';
import { waitFor } from '../../support/wait.js';
import { loadConfig } from '../../../connectors/config.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { openQueue } from '../../../connectors/queue/job-definition.js';
import { AI_QUEUE } from '../../../connectors/queue/ai-queue.js';
import { startLeadline, type Running } from '../../../bots/main.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { createApiKey } from '../../../core/api/api-keys.js';
import { systemActor } from '../../../core/actor.js';

const db = testDb();
const prefix = `t-webrole-${randomUUID().slice(0, 8)}`;
let web: Running;

beforeAll(async () => {
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LEADLINE_ROLES: 'web',
    DEFAULT_WORKSPACE: uniqueSlug('webrole'),
    // a model is configured; the web process only queues work for it (nothing here calls it)
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  });
  web = await startLeadline({ config, logger: pino({ level: 'silent' }), say: () => {} });
}, 60_000);

afterAll(async () => {
  const ai = openQueue(queueSettings(inject('redisUrl'), prefix), AI_QUEUE);
  await ai.obliterate({ force: true }).catch(() => undefined);
  await ai.close();
  await web?.stop();
});

describe('the web role', () => {
  it('serves the Mini App (built by npm run build) and refuses its API without Telegram initData', async () => {
    const page = await fetch(`${web.http!.url}/miniapp/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const api = await fetch(`${web.http!.url}/miniapp/api/board`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  it('an API lead asks for the AI extraction, as a lead from any other channel does', async () => {
    const workspace = await db.workspace.findUniqueOrThrow({ where: { id: web.workspace.id } });
    const { key } = await createApiKey(dbContext(db), systemActor(workspace), { name: 'site', scopes: ['leads:write'] });
    const res = await fetch(`${web.http!.url}/api/v1/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Extract Me', email: `x-${randomUUID().slice(0, 6)}@example.com`, message: 'We need 40 seats by March, budget 2M' }),
    });
    expect(res.status).toBe(201);
    const lead = (await res.json()) as { id: number };
    const ai = openQueue<{ kind: string; leadId?: number }>(queueSettings(inject('redisUrl'), prefix), AI_QUEUE);
    try {
      const job = await waitFor(async () => {
        const jobs = await ai.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
        return jobs.find((j) => j.data?.kind === 'extract' && j.data?.leadId === lead.id);
      }, 'the extraction job of the API lead');
      expect(job.data).toEqual({ kind: 'extract', workspaceId: workspace.id, leadId: lead.id });
    } finally {
      await ai.close();
    }
  });

  it('serves a valid OpenAPI 3.1 document with every documented route in it', async () => {
    const doc = (await (await fetch(`${web.http!.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    const routes = web.http!.routes.filter((r) => r.method !== 'HEAD');
    const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
    const missing = routes.filter((r) => r.documented && !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]);
    expect(missing).toEqual([]);
    // the routes left out on purpose: the document itself, its docs page, /metrics, the form's CORS preflight and the Mini App
    const hidden = routes.filter((r) => !r.documented).map((r) => `${r.method} ${r.url}`);
    for (const h of hidden)
      expect(h).toMatch(/^(GET \/api\/v1\/openapi\.json|GET \/api\/v1\/docs.*|GET \/metrics|OPTIONS \/forms\/:formKey|(GET|POST) \/miniapp.*)$/);
    // and the public surface is all there
    const surface: Array<[string, string]> = [
      ['post', '/forms/{formKey}'],
      ['post', '/api/v1/leads'],
      ['get', '/api/v1/contacts'],
      ['post', '/api/v1/deals/{id}/stage'],
      ['get', '/api/v1/tasks'],
    ];
    for (const [method, path] of surface) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeTruthy();
  });
});
