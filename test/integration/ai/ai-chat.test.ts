// AI assist in the chat engine: free text the rules miss -> a confirmation card (Apply ·
// Edit · Cancel) that changes nothing until tapped; extraction cards applied through the
// contacts/leads rules; summaries on /summary and on reassignment; drafts never sent by
// themselves. And every fallback: no key, timeout, 429, malformed answer, budget spent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFixture, nextId, type ChatFixture } from '../chat/chat-fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai.js';
import { OpenAiLlm } from '../../../connectors/llm/openai-llm.js';
import { TokenBudget } from '../../../connectors/llm/token-budget.js';
import { runAiJob } from '../../../core/ai/run-job.js';
import type { AiJob, AiJobs } from '../../../core/ai/jobs.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { OutboxItem } from '../../../core/ports.js';
import { t } from '../../../core/i18n/index.js';
import { eraseContact } from '../../../core/contacts/erase-contact.js';
import { memberActor } from '../../../core/users/member-actor.js';

class CollectingAiJobs implements AiJobs {
  jobs: AiJob[] = [];
  async enqueue(job: AiJob) {
    this.jobs.push(job);
  }
}

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});

function withAi(f: ChatFixture, opts: { timeoutMs?: number; llm?: boolean } = {}) {
  const ai = new CollectingAiJobs();
  f.deps.ai = ai;
  if (opts.llm !== false) {
    f.deps.llm = new OpenAiLlm({
      apiKey: 'sk-test',
      baseURL: fake.baseURL,
      model: 'fake',
      timeoutMs: opts.timeoutMs ?? 3000,
      budget: new TokenBudget(f.db, 1_000_000),
      logger: { info() {}, warn() {} },
    });
  }
  const drain = async () => {
    const env = { ctx: dbContext(f.db, { clock: f.deps.clock, llm: f.deps.llm }), outbox: f.outbox };
    while (ai.jobs.length) await runAiJob(env, ai.jobs.shift()!);
  };
  return { ai, drain };
}

const token = (items: OutboxItem[], verb: string) =>
  items
    .flatMap((i) => (i.buttons ?? []).flat())
    .find((b) => b.data.startsWith(`ai:${verb}:`))
    ?.data.split(':')[2];
const texts = (replies: Array<{ text: string }>) => replies.map((r) => r.text).join('\n');

describe('free text through the model', () => {
  it('turns a Russian sentence into a confirmation card; nothing changes before Apply; a card works once', async () => {
    const f = await chatFixture('ru', { now: new Date('2026-03-10T09:00:00Z') });
    const { ai, drain } = withAi(f);
    fake.respond((req, schema) => {
      expect(schema).toBe('crm_actions');
      const data = JSON.parse(req.messages[1]!.content.replace(/^[^\n]*\n/, '')) as { now_local: string; timezone: string };
      expect(data).toMatchObject({ now_local: '2026-03-10T12:00', timezone: 'Europe/Moscow' });
      return { json: { actions: [{ intent: 'create_task', title: 'позвонить Ивану', due_local: '2026-03-12T14:00', recurrence: null, assignee: null }] } };
    });
    const replies = await f.asManager('перенеси звонок Ивану на после обеда в четверг и подними сумму до 80к');
    expect(texts(replies)).toBe(t('ru', 'ai.thinking'));
    expect(ai.jobs).toHaveLength(1);
    await drain();
    const [card] = f.outbox.take();
    expect(card!.text).toContain('позвонить Ивану');
    expect(card!.buttons!.flat().map((b) => b.label)).toEqual(['Применить', 'Изменить', 'Отмена']);
    expect(await f.db.task.count({ where: { workspaceId: f.ws.id } })).toBe(0);

    // another manager cannot use Mary's card
    const other = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Пётр', role: 'manager' } });
    const otherTg = nextId();
    await f.db.identity.create({
      data: { workspaceId: f.ws.id, channel: 'telegram', externalId: otherTg, chatId: otherTg, userId: other.id, languageCode: 'ru' },
    });
    const apply = `ai:apply:${token([card!], 'apply')}`;
    expect(texts(await f.send(f.msg({ id: otherTg, lang: 'ru' }, '', { callbackData: apply })))).toBe(t('ru', 'ai.card.expired'));
    expect(await f.db.task.count({ where: { workspaceId: f.ws.id } })).toBe(0);

    await f.press(apply);
    const task = await f.db.task.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(task).toMatchObject({ title: 'позвонить Ивану', assigneeId: f.manager.id });
    expect(task.dueAt.toISOString()).toBe('2026-03-12T11:00:00.000Z');
    expect(texts(await f.press(apply))).toBe(t('ru', 'ai.card.expired'));
    expect(await f.db.task.count({ where: { workspaceId: f.ws.id } })).toBe(1);
  });

  it('Cancel and Edit change nothing', async () => {
    const f = await chatFixture('en');
    const { drain } = withAi(f);
    fake.respond(() => ({ json: { actions: [{ intent: 'create_deal', title: 'Initech', amount: '80000', currency: 'USD' }] } }));
    for (const verb of ['cancel', 'edit'] as const) {
      await f.asManager('hmm, log that Initech thing for 80k');
      await drain();
      const tok = token(f.outbox.take(), verb);
      expect(texts(await f.press(`ai:${verb}:${tok}`))).toBe(t('en', verb === 'cancel' ? 'ai.proposal.cancelled' : 'ai.proposal.edit'));
      expect(texts(await f.press(`ai:apply:${tok}`))).toBe(t('en', 'ai.card.expired'));
    }
    expect(await f.db.deal.count({ where: { workspaceId: f.ws.id } })).toBe(0);
  });

  it.each([
    ['timeout', { fault: 'timeout' as const }],
    ['429', { fault: 'rate_limit' as const }],
    ['malformed JSON', { fault: 'malformed' as const }],
    ['an answer outside the schema', { json: { actions: [{ intent: 'delete_contact', contact: 'everyone' }] } }],
  ])('%s: falls back (no card, a plain "not understood")', async (_name, answer) => {
    const f = await chatFixture('en');
    const { drain } = withAi(f, { timeoutMs: 300 });
    fake.respond(() => answer);
    await f.asManager('do the usual thing with the big client');
    await drain();
    const items = f.outbox.take();
    expect(items.map((i) => i.text)).toEqual([t('en', 'ai.not_understood')]);
    expect(items[0]!.buttons).toBeUndefined();
  });

  it("falls back when the day's token budget is spent, without calling the model", async () => {
    const f = await chatFixture('en');
    const { drain } = withAi(f);
    await f.db.workspace.update({ where: { id: f.ws.id }, data: { llmDailyTokenBudget: 10 } });
    await f.db.llmUsage.create({ data: { workspaceId: f.ws.id, day: new Date().toISOString().slice(0, 10), tokens: 10 } });
    fake.respond(() => ({ json: { actions: [] } }));
    const before = fake.requests.length;
    await f.asManager('do the usual thing with the big client');
    await drain();
    expect(fake.requests.length).toBe(before);
    expect(f.outbox.take().map((i) => i.text)).toEqual([t('en', 'ai.not_understood')]);
  });
});

describe('without a key', () => {
  it('rules only: unknown text is "not understood", no jobs, summaries and drafts are deterministic', async () => {
    const f = await chatFixture('en');
    const { ai } = withAi(f, { llm: false });
    expect(texts(await f.asManager('do the usual thing with the big client'))).toBe(t('en', 'chat.not_understood'));
    const customer = { id: nextId(), name: 'Ivan', lang: 'en' };
    await f.send(f.msg(customer, 'Hello, I need a quote for 10 seats'));
    expect(ai.jobs).toHaveLength(0);
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const summary = texts(await f.asManager(`/summary ${lead.id}`));
    expect(summary).toContain(`Lead #${lead.id} (Ivan)`);
    expect(summary).toContain('Messages: 1 from the customer, 0 from us.');
    f.outbox.take();
    expect(await f.asManager(`/draft ${lead.id}`)).toEqual([]);
    const [draft] = f.outbox.take();
    expect(draft!.text).toContain(t('en', 'ai.draft.fallback', { name: 'Ivan' }));
    // nothing went to the customer by itself
    const customerIdentity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: customer.id } });
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id, direction: 'outbound' } })).toBe(0);
    await f.press(`ai:send:${token([draft!], 'send')}`);
    expect(f.outbox.take().some((i) => i.identityId === customerIdentity.id && i.text.includes('thank you for your message'))).toBe(true);
    expect(ai.jobs).toHaveLength(0);
  });
});

describe('lead extraction', () => {
  it('shows what the first message says and applies it to the contact and lead after the tap', async () => {
    const f = await chatFixture('en');
    const { drain } = withAi(f);
    const text = "Hi, I'm John Smith from Acme Ltd. Call me at +1 415 555 2671 or john@acme.test. We need 20 licences, budget about $5k, it's urgent.";
    fake.respond((req) => {
      // only this message goes to the model
      expect(req.messages[1]!.content).toContain(JSON.stringify(text).slice(1, -1));
      return {
        json: {
          name: 'John Smith',
          company: 'Acme Ltd',
          phone: '+1 415 555 2671',
          email: 'john@acme.test',
          need: '20 licences',
          budget: '$5k',
          urgency: 'high',
        },
      };
    });
    await f.send(f.msg({ id: nextId(), name: 'jsmith', lang: 'en' }, text));
    const notification = f.outbox.take();
    expect(notification.some((i) => i.text.includes('New lead'))).toBe(true);
    await drain();
    const [card] = f.outbox.take();
    expect(card!.text).toContain('Name: John Smith');
    expect(card!.text).toContain('Email: john@acme.test');
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const untouched = await f.db.contact.findUniqueOrThrow({ where: { id: lead.contactId }, include: { emails: true, phones: true } });
    expect(untouched.emails).toHaveLength(0);
    expect(texts(await f.press(`ai:extract:${token([card!], 'extract')}`))).toBe(`Lead #${lead.id} updated: name, company, email, phone, note.`);
    const contact = await f.db.contact.findUniqueOrThrow({ where: { id: lead.contactId }, include: { emails: true, phones: true, company: true } });
    expect(contact.name).toBe('John Smith');
    expect(contact.company?.name).toBe('Acme Ltd');
    expect(contact.emails.map((e) => e.email)).toEqual(['john@acme.test']);
    expect(contact.phones.map((p) => p.phone)).toEqual(['+14155552671']);
  });
});

describe('erasure', () => {
  it('erasing the contact wipes its AI cards: the extraction can no longer be applied', async () => {
    const f = await chatFixture('en');
    const { drain } = withAi(f);
    fake.respond(() => ({ json: { name: 'Anna Lee', company: null, phone: null, email: 'anna@lee.test', need: null, budget: null, urgency: null } }));
    await f.send(f.msg({ id: nextId(), name: 'anna', lang: 'en' }, 'Hi, Anna Lee here, anna@lee.test'));
    await drain();
    const tok = token(f.outbox.take(), 'extract');
    expect(tok).toBeDefined();
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const head = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Admin', role: 'admin' } });
    await eraseContact(dbContext(f.db), memberActor(f.ws, head, null), lead.contactId);
    const cards = await f.db.activity.findMany({ where: { workspaceId: f.ws.id, type: 'ai_card' } });
    expect(JSON.stringify(cards.map((c) => c.data))).not.toContain('anna');
    expect(texts(await f.press(`ai:extract:${tok}`))).toBe(t('en', 'ai.card.expired'));
  });
});

describe('summaries', () => {
  it('/lead shows "Draft reply"; drafts and /summary deal N are queued for the model; others\' records are refused', async () => {
    const f = await chatFixture('en');
    const { ai, drain } = withAi(f);
    fake.respond((_req, schema) =>
      schema === 'summary'
        ? { json: { summary: 'Proposal stage, waiting for the signed order.' } }
        : schema === 'reply_draft'
          ? { json: { draft: 'Hello Ivan, here is the quote.' } }
          : { json: { name: null, company: null, phone: null, email: null, need: null, budget: null, urgency: null } },
    );
    await f.send(f.msg({ id: nextId(), name: 'Ivan', lang: 'en' }, 'Hello, I need a quote'));
    await drain();
    f.outbox.take();
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const [card] = await f.asManager(`/lead ${lead.id}`);
    expect(card!.buttons!.flat().map((b) => b.data)).toContain(`ai:draft:${lead.id}`);
    expect(texts(await f.press(`ai:draft:${lead.id}`))).toBe(t('en', 'ai.draft.queued'));
    await drain();
    const [draft] = f.outbox.take();
    expect(draft!.text).toContain('Hello Ivan, here is the quote.');
    expect(draft!.ref).toMatchObject({ leadId: lead.id, conversationId: lead.conversationId });

    await f.asManager('/deal Initech 5000 USD');
    const deal = await f.db.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id, title: 'Initech' } });
    expect(texts(await f.asManager(`/summary deal ${deal.id}`))).toBe(t('en', 'ai.summary.queued'));
    expect(ai.jobs.at(-1)).toMatchObject({ kind: 'summary', dealId: deal.id, userId: f.manager.id });
    await drain();
    expect(f.outbox.take().map((i) => i.text)).toEqual([`Deal #${deal.id} "Initech", summary:\nProposal stage, waiting for the signed order.`]);

    const other = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Victor', role: 'manager', onDuty: false } });
    await f.db.lead.update({ where: { id: lead.id }, data: { assigneeId: other.id } });
    const refused = texts(await f.asManager(`/summary lead ${lead.id}`));
    expect(refused).toContain(`lead #${lead.id}`);
    expect(ai.jobs).toHaveLength(0);
  });

  it('on reassignment the new owner gets what happened so far', async () => {
    const f = await chatFixture('en');
    const { ai, drain } = withAi(f);
    fake.respond((_req, schema) =>
      schema === 'summary'
        ? { json: { summary: 'Ivan asked for a quote for 10 seats; nobody answered yet.' } }
        : { json: { name: null, company: null, phone: null, email: null, need: null, budget: null, urgency: null } },
    );
    const peter = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Peter', role: 'manager', lastAssignedAt: new Date('2026-03-10T09:00:00Z') } });
    const tg = nextId();
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'telegram', externalId: tg, chatId: tg, userId: peter.id, languageCode: 'en' } });
    await f.send(f.msg({ id: nextId(), name: 'Ivan', lang: 'en' }, 'Hello, I need a quote for 10 seats'));
    await drain();
    f.outbox.take();
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    const owner = lead.assigneeId === peter.id ? { id: tg, lang: 'en' } : f.managerFrom;
    await f.send(f.msg(owner, '', { callbackData: `sla:reassign:${lead.id}` }));
    expect(ai.jobs.map((j) => j.kind)).toEqual(['summary']);
    await drain();
    const pushed = f.outbox.take();
    const summary = pushed.find((i) => i.text.startsWith(`Lead #${lead.id} (Ivan) is yours now.`));
    expect(summary?.text).toContain('nobody answered yet');
  });
});
