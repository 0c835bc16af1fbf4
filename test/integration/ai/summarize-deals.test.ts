// summarizeDeals, the digest's hook: one line per deal the reader may see; the model's lines
// guarded; a deterministic line when the model is off or skips a deal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFixture } from '../chat/chat-fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai.js';
import { OpenAiLlm } from '../../../connectors/llm/openai-llm.js';
import { summarizeDeals } from '../../../core/ai/summarize.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { memberActor } from '../../../core/users/member-actor.js';

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});

describe('summarizeDeals', () => {
  it('gives one line per visible deal, model lines guarded, fallback lines otherwise', async () => {
    const f = await chatFixture('en');
    const other = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Victor', role: 'manager' } });
    const head = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Helen', role: 'head' } });
    const pipeline = await f.db.pipeline.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { stages: { orderBy: { position: 'asc' } } } });
    const mk = (title: string, ownerId: number) =>
      f.db.deal.create({
        data: {
          workspaceId: f.ws.id,
          pipelineId: pipeline.id,
          stageId: pipeline.stages[2]!.id,
          title,
          titleKey: title.toLowerCase(),
          amount: '1000',
          currency: 'USD',
          ownerId,
        },
      });
    const mine = await mk('Acme renewal', f.manager.id);
    const theirs = await mk('Initech rollout', other.id);
    const llm = new OpenAiLlm({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'fake', timeoutMs: 3000, logger: { info() {}, warn() {} } });
    fake.respond(() => ({ json: { lines: [{ deal_id: mine.id, line: 'Proposal sent; call Jane Roe at jane@roe.test' }] } }));

    const mary = memberActor(f.ws, f.manager, null);
    const forMary = await summarizeDeals(dbContext(f.db, { llm }), mary, [mine.id, theirs.id]);
    expect([...forMary.keys()]).toEqual([mine.id]);
    expect(forMary.get(mine.id)).toBe('Proposal sent; call […] at […]');
    expect(JSON.stringify(fake.requests.at(-1)!.body.messages)).not.toContain('Initech');

    const helen = memberActor(f.ws, head, null);
    const forHead = await summarizeDeals(dbContext(f.db), helen, [mine.id, theirs.id]);
    expect(forHead.get(theirs.id)).toMatch(/^Initech rollout · Proposal · /);
    expect(forHead.size).toBe(2);
  });

  it('a database error while loading a deal propagates instead of leaving the deal out', async () => {
    const f = await chatFixture('en');
    const mary = memberActor(f.ws, f.manager, null);
    const lost = new Error('connection terminated unexpectedly');
    // the database goes away under the digest: every deal look-up fails
    const db = new Proxy(f.db, {
      get(target, prop, receiver) {
        if (prop === 'deal') return new Proxy(target.deal, { get: () => () => Promise.reject(lost) });
        return Reflect.get(target, prop, receiver);
      },
    });
    await expect(summarizeDeals(dbContext(db), mary, [1])).rejects.toBe(lost);
  });

  it('an error the model port throws (not a provider failure) propagates; a provider failure is the fallback', async () => {
    const f = await chatFixture('en');
    const pipeline = await f.db.pipeline.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { stages: { orderBy: { position: 'asc' } } } });
    const deal = await f.db.deal.create({
      data: { workspaceId: f.ws.id, pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, title: 'Umbrella', titleKey: 'umbrella', ownerId: f.manager.id },
    });
    const mary = memberActor(f.ws, f.manager, null);
    const budgetDown = new Error('token budget: database unreachable');
    const throwing = { complete: () => Promise.reject(budgetDown) };
    await expect(summarizeDeals(dbContext(f.db, { llm: throwing }), mary, [deal.id])).rejects.toBe(budgetDown);
    const unavailable = { complete: async () => null };
    expect((await summarizeDeals(dbContext(f.db, { llm: unavailable }), mary, [deal.id])).get(deal.id)).toMatch(/^Umbrella · /);
  });
});
