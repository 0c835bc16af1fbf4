// `leadline parse --llm`: the model path through the OpenAI-compatible server, printing the
// same JSON as the rule path; without a key, one readable line and a non-zero exit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai.js';

const run = promisify(execFile);
const base = { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent', OPENAI_API_KEY: '' };
const common = ['--now', '2026-03-10T12:00:00', '--tz', 'Europe/Moscow', '--locale', 'ru', '--json'];

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi(() => ({
    json: { actions: [{ intent: 'create_task', title: 'позвонить Ивану', due_local: '2026-03-12T14:00', recurrence: null, assignee: null }] },
  }));
});
afterAll(async () => {
  await fake.close();
});

describe('leadline parse --llm', () => {
  it("prints the intent the model found in the rule parser's format; without a key says AI assist is off", async () => {
    const env = { ...base, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'local-model' };
    // both processes at once: each pays tsx's start-up
    const [ok, failed] = await Promise.all([
      run('./bin/leadline.js', ['parse', 'перенеси звонок Ивану на после обеда в четверг', ...common, '--llm'], { env }),
      run('./bin/leadline.js', ['parse', 'x', ...common, '--llm'], { env: base }).catch((e: { code: number; stderr: string }) => e),
    ]);
    expect(JSON.parse((ok as { stdout: string }).stdout)).toEqual({
      intent: 'create_task',
      title: 'позвонить Ивану',
      dueAt: '2026-03-12T14:00:00+03:00',
      recurrence: null,
    });
    expect(fake.requests.at(-1)!.body.model).toBe('local-model');
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/AI assist is off: set OPENAI_API_KEY/);
  }, 120_000);
});
