// connectors/llm against the local fake server: structured outputs parsed; timeout, 429,
// malformed JSON and refusal answer null with one log line each; the daily token budget
// (workspace override, atomic usage rows) stops calls once spent; no key = no Llm, said once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai.js';
import { OpenAiLlm } from '../../../connectors/llm/openai-llm.js';
import { TokenBudget, usageDay } from '../../../connectors/llm/token-budget.js';
import { createLlm, resetLlmOffNotice } from '../../../connectors/llm/create-llm.js';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';

function recordingLogger() {
  const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const log = (obj: object, msg?: string) => void lines.push({ obj: obj as Record<string, unknown>, msg });
  return { lines, info: log, warn: log } as unknown as { lines: typeof lines; info: typeof log; warn: typeof log };
}

const request = (workspaceId: number) => ({
  system: 'Extract.',
  data: 'DATA: {}',
  schemaName: 'summary',
  schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'], additionalProperties: false },
  workspaceId,
});

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});

describe('OpenAiLlm', () => {
  it('sends system and data as separate messages with a strict json_schema and parses the answer', async () => {
    const log = recordingLogger();
    fake.respond(() => ({ json: { summary: 'ok' } }));
    const llm = new OpenAiLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'm1', timeoutMs: 2000, logger: log });
    const before = fake.requests.length;
    expect(await llm.complete(request(1))).toEqual({ summary: 'ok' });
    const sent = fake.requests[before]!.body;
    expect(sent.model).toBe('m1');
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Extract.' },
      { role: 'user', content: 'DATA: {}' },
    ]);
    expect(sent.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'summary', strict: true } });
    expect(log.lines).toHaveLength(0);
  });

  it.each([
    ['timeout', { fault: 'timeout' as const }],
    ['rate_limited', { fault: 'rate_limit' as const }],
    ['malformed_json', { fault: 'malformed' as const }],
    ['refusal', { fault: 'refusal' as const }],
    ['http_error', { fault: 'server_error' as const }],
  ])('%s -> null and one log line', async (reason, answer) => {
    const log = recordingLogger();
    fake.respond(() => answer);
    const llm = new OpenAiLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'm1', timeoutMs: 300, logger: log });
    const started = Date.now();
    expect(await llm.complete(request(1))).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.obj.reason).toBe(reason);
  });

  it('keeps a per-workspace daily budget and stops calling once it is spent', async () => {
    const db = testDb();
    const ws = await ensureWorkspace(db, uniqueSlug('llm'), { timezone: 'UTC', locale: 'en' });
    await db.workspace.update({ where: { id: ws.id }, data: { llmDailyTokenBudget: 100 } });
    const log = recordingLogger();
    fake.respond(() => ({ json: { summary: 'ok' }, tokens: 60 }));
    const llm = new OpenAiLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'm1', timeoutMs: 2000, logger: log, budget: new TokenBudget(db, 1_000_000) });
    // two calls in parallel: the usage row counts both
    const [a, b] = await Promise.all([llm.complete(request(ws.id)), llm.complete(request(ws.id))]);
    expect(a).toEqual({ summary: 'ok' });
    expect(b).toEqual({ summary: 'ok' });
    const row = await db.llmUsage.findUnique({ where: { workspaceId_day: { workspaceId: ws.id, day: usageDay(new Date()) } } });
    expect(row?.tokens).toBe(120);
    const sentBefore = fake.requests.length;
    expect(await llm.complete(request(ws.id))).toBeNull();
    expect(fake.requests.length).toBe(sentBefore);
    expect(log.lines.map((l) => l.obj.reason)).toEqual(['over_budget']);
  });
});

describe('createLlm', () => {
  it('without a key returns no Llm and says so once', () => {
    resetLlmOffNotice();
    const log = recordingLogger();
    const config = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, OPENAI_MODEL: 'x', OPENAI_TIMEOUT_MS: 1000, LLM_DAILY_TOKEN_BUDGET: 1000 };
    expect(createLlm(config, { logger: log })).toBeUndefined();
    expect(createLlm(config, { logger: log })).toBeUndefined();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.msg).toMatch(/AI assist is off/);
    expect(createLlm({ ...config, OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.baseURL }, { logger: log })).toBeInstanceOf(OpenAiLlm);
  });
});
