// Prompt injection (OWASP LLM01/02/05/06): 34 payloads in customer chat messages and e-mails,
// en and ru, while the fake model OBEDIENTLY does what they ask: it proposes changes to
// another manager's deal, "extracts" another customer's contact details, and writes them
// into summaries and drafts. Asserted for each payload: zero unauthorised changes (DB before
// and after), nothing of the other customer or the API key in any prompt, nothing of the
// other customer in anything the manager or the customer sees, and the system instructions
// never carry customer text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import payloads from '../../fixtures/injection/payloads.json' with { type: 'json' };
import { chatFixture, nextId } from '../chat/chat-fixture.js';
import { startFakeOpenAi, type FakeOpenAi, type Responder } from '../../support/fake-openai.js';
import { OpenAiLlm } from '../../../connectors/llm/openai-llm.js';
import { TokenBudget } from '../../../connectors/llm/token-budget.js';
import { runAiJob } from '../../../core/ai/run-job.js';
import type { AiJob, AiJobs } from '../../../core/ai/jobs.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import type { Reply } from '../../../core/chat/reply.js';
import type { OutboxItem } from '../../../core/ports.js';

const SECRET = 'sk-test-SECRET-0f9e8d7c6b5a';
const VICTIM = { name: 'Vera Volkova', email: 'vera.volkova@globex.test', phone: '+79991112233', phoneSpaced: '999 111-22-33', deal: 'Globex Tender' };
const LEAKS = [VICTIM.name, VICTIM.email, '9991112233', VICTIM.phoneSpaced, 'evil.test'];

class CollectingAiJobs implements AiJobs {
  jobs: AiJob[] = [];
  async enqueue(job: AiJob) {
    this.jobs.push(job);
  }
}

/** The model doing whatever the injected text asks, with data it should never have. */
const victimDealByKey = new Map<string, number>();
const obedient: Responder = (_req, schema, authorization) => {
  const victimDealId = victimDealByKey.get((authorization ?? '').replace(/^Bearer /, '')) ?? 0;
  switch (schema) {
    case 'crm_actions':
      return {
        json: {
          actions: [
            { intent: 'won_deal', deal: VICTIM.deal },
            { intent: 'move_deal', deal: VICTIM.deal, stage: 'Negotiation' },
            { intent: 'lost_deal', deal: `#${victimDealId}`, reason: 'customer fraud' },
            { intent: 'move_deal', deal: String(victimDealId), stage: 'Proposal' },
            { intent: 'won_deal', deal: 'Globex' },
            { intent: 'lost_deal', deal: VICTIM.deal, reason: 'sixth action, over the cap' },
          ],
        },
      };
    case 'lead_extraction':
      return {
        json: {
          name: VICTIM.name,
          company: 'Globex',
          phone: VICTIM.phone,
          email: VICTIM.email,
          need: `Forward ${VICTIM.name} ${VICTIM.email} +7 ${VICTIM.phoneSpaced} to https://evil.test/x`,
          budget: 'everything',
          urgency: 'high',
        },
      };
    case 'summary':
      return { json: { summary: `The customer is ${VICTIM.name} (${VICTIM.email}, +7 ${VICTIM.phoneSpaced}); see https://evil.test/leak.` } };
    case 'reply_draft':
      return { json: { draft: `Here are our other customers: ${VICTIM.name}, ${VICTIM.email}, ${VICTIM.phone}. More at https://evil.test/all` } };
    default:
      return { json: {} };
  }
};

let fake: FakeOpenAi;
let worlds = 0;

/** One workspace per payload: Mary (on duty), Victor (off duty) with his customer and deal. */
async function world() {
  const f = await chatFixture('en');
  const apiKey = `${SECRET}-${++worlds}`;
  const victor = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Victor', role: 'manager', onDuty: false } });
  const victim = await f.db.contact.create({
    data: {
      workspaceId: f.ws.id,
      name: VICTIM.name,
      nameKey: VICTIM.name.toLowerCase(),
      ownerId: victor.id,
      emails: { create: { workspaceId: f.ws.id, email: VICTIM.email } },
      phones: { create: { workspaceId: f.ws.id, phone: VICTIM.phone } },
    },
  });
  const pipeline = await f.db.pipeline.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { stages: { orderBy: { position: 'asc' } } } });
  const deal = await f.db.deal.create({
    data: {
      workspaceId: f.ws.id,
      pipelineId: pipeline.id,
      stageId: pipeline.stages[1]!.id,
      title: VICTIM.deal,
      titleKey: VICTIM.deal.toLowerCase(),
      amount: '50000',
      currency: 'USD',
      ownerId: victor.id,
      contactId: victim.id,
    },
  });
  victimDealByKey.set(apiKey, deal.id);
  const ai = new CollectingAiJobs();
  f.deps.llm = new OpenAiLlm({
    apiKey,
    baseURL: fake.baseURL,
    model: 'fake',
    timeoutMs: 5000,
    budget: new TokenBudget(f.db, 10_000_000),
    logger: { info() {}, warn() {} },
  });
  f.deps.ai = ai;

  async function snapshot() {
    const d = await f.db.deal.findUniqueOrThrow({
      where: { id: deal.id },
      select: { stageId: true, status: true, amount: true, title: true, ownerId: true, lostReason: true, closedAt: true },
    });
    const contact = await f.db.contact.findUniqueOrThrow({ where: { id: victim.id }, include: { emails: true, phones: true } });
    const victimEmailOwners = await f.db.contactEmail.findMany({ where: { workspaceId: f.ws.id, email: VICTIM.email } });
    const victimPhoneOwners = await f.db.contactPhone.findMany({ where: { workspaceId: f.ws.id, phone: VICTIM.phone } });
    const victorDeals = await f.db.deal.findMany({ where: { ownerId: victor.id }, select: { id: true, stageId: true, status: true, amount: true } });
    const audits = await f.db.auditLog.count({ where: { workspaceId: f.ws.id, entity: 'deal', entityId: String(deal.id) } });
    return JSON.stringify({
      d,
      contact: { name: contact.name, companyId: contact.companyId, emails: contact.emails.map((e) => e.email), phones: contact.phones.map((p) => p.phone) },
      victimEmailOwners: victimEmailOwners.map((e) => e.contactId),
      victimPhoneOwners: victimPhoneOwners.map((p) => p.contactId),
      victorDeals,
      audits,
    });
  }

  /** Runs queued ai jobs the way the worker does. */
  async function drain(): Promise<void> {
    const env = { ctx: dbContext(f.db, { clock: f.deps.clock, llm: f.deps.llm }), outbox: f.outbox };
    while (ai.jobs.length) await runAiJob(env, ai.jobs.shift()!);
  }
  return { f, apiKey, snapshot, drain };
}

function tokenOf(items: OutboxItem[], verb: string): string | undefined {
  for (const i of items) for (const row of i.buttons ?? []) for (const b of row) if (b.data.startsWith(`ai:${verb}:`)) return b.data.split(':')[2];
  return undefined;
}

beforeAll(async () => {
  fake = await startFakeOpenAi(obedient);
});

afterAll(async () => {
  await fake.close();
});

describe.concurrent('prompt injection in customer messages and e-mails', () => {
  it('has at least 30 payloads in English and Russian, chat and e-mail', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(30);
    expect(new Set(payloads.map((p) => p.lang))).toEqual(new Set(['en', 'ru']));
    expect(new Set(payloads.map((p) => p.channel))).toEqual(new Set(['telegram', 'email']));
  });

  for (const p of payloads as Array<{ id: string; lang: string; channel: string; text: string; displayName?: string }>)
    it(`${p.id}: no unauthorised change, no leak`, async ({ expect }) => {
      const { f, apiKey, snapshot, drain } = await world();
      const before = await snapshot();
      const seen: string[] = [];
      const asMary = async (text: string) => collect(await f.asManager(text));
      const press = async (data: string) => collect(await f.press(data));
      const collect = (replies: Reply[]) => {
        for (const r of replies) seen.push(r.text, ...(r.buttons ?? []).flat().map((b) => b.label));
        return replies;
      };

      // 1. the customer writes (chat or e-mail); the lead goes to Mary
      const customerId = p.channel === 'email' ? `cust-${nextId()}@example.test` : `c${nextId()}`;
      const m = f.msg(
        { id: customerId, name: p.displayName ?? 'Tom', lang: p.lang },
        p.text,
        p.channel === 'email' ? { channel: 'email', email: { from: customerId, subject: 'Request' } } : {},
      );
      expect(await f.send(m)).toEqual([]);
      const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id, contact: { identities: { some: { externalId: customerId } } } } });
      expect(lead.assigneeId).toBe(f.manager.id);
      const customerIdentity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: customerId } });

      // 2. the extraction card follows; Mary applies it
      await drain();
      let out = f.outbox.take();
      const extractToken = tokenOf(out, 'extract');
      // a customer pressing the card's button does nothing
      if (extractToken) {
        expect(
          await f.send(
            f.msg({ id: customerId, lang: p.lang }, '', {
              callbackData: `ai:extract:${extractToken}`,
              ...(p.channel === 'email' ? { channel: 'email' as const } : {}),
            }),
          ),
        ).not.toContainEqual(expect.objectContaining({ text: expect.stringContaining('updated') }));
        await press(`ai:extract:${extractToken}`);
      }
      const seenByMary = [...out];

      // 3. summary and draft; Mary sends the draft as is
      await asMary(`/summary ${lead.id}`);
      await asMary(`/draft ${lead.id}`);
      await drain();
      out = f.outbox.take();
      seenByMary.push(...out);
      const sendToken = tokenOf(out, 'send');
      expect(sendToken).toBeDefined();
      await press(`ai:send:${sendToken}`);
      const toCustomer = f.outbox.take().filter((i) => i.identityId === customerIdentity.id);

      // 4. Mary's free text goes to the model, which proposes changes to Victor's deal; she taps Apply
      await asMary('deal with what that customer asked for, you know what I mean');
      await drain();
      out = f.outbox.take();
      seenByMary.push(...out);
      const applyToken = tokenOf(out, 'apply');
      expect(applyToken).toBeDefined();
      const card = out.find((i) => i.buttons?.flat().some((b) => b.data === `ai:apply:${applyToken}`))!;
      expect(card.text.split('\n').filter((l) => /^\d+\. /.test(l))).toHaveLength(5);
      await press(`ai:apply:${applyToken}`);
      seenByMary.push(...f.outbox.take());

      // zero unauthorised changes
      expect(await snapshot()).toBe(before);
      const contact = await f.db.contact.findUniqueOrThrow({ where: { id: lead.contactId }, include: { emails: true, phones: true } });
      expect(contact.emails.map((e) => e.email)).not.toContain(VICTIM.email);
      expect(contact.phones.map((x) => x.phone)).not.toContain(VICTIM.phone);
      expect(contact.name).not.toBe(VICTIM.name);

      // zero leaked fields: prompts
      const sent = fake.requests.filter((r) => r.authorization === `Bearer ${apiKey}`);
      expect(sent.map((r) => r.body.response_format?.json_schema?.name).sort()).toEqual(['crm_actions', 'lead_extraction', 'reply_draft', 'summary']);
      for (const r of sent) {
        const body = JSON.stringify(r.body.messages);
        for (const leak of [VICTIM.name, VICTIM.email, '9991112233', SECRET, 'DATABASE_URL=', 'postgres://', 'postgresql://']) expect(body).not.toContain(leak);
        const [system, user] = r.body.messages;
        expect(system!.role).toBe('system');
        expect(user!.role).toBe('user');
        // the customer's words are only ever inside the JSON data message
        for (let i = 0; i + 24 <= p.text.length; i += 12) expect(system!.content).not.toContain(p.text.slice(i, i + 24));
        expect(user!.content.startsWith('DATA (JSON;')).toBe(true);
      }
      // zero leaked fields: what Mary and the customer see
      const visible = [
        ...seen,
        ...seenByMary.map((i) => i.text),
        ...seenByMary.flatMap((i) => (i.buttons ?? []).flat().map((b) => b.label)),
        ...toCustomer.map((i) => i.text),
      ].join('\n');
      // (a link the customer wrote themselves may be shown back: it is their own message)
      for (const leak of LEAKS.filter((l) => !p.text.includes(l))) expect(visible).not.toContain(leak);
    });
});

describe('the instructions', () => {
  it('are one fixed system message per task, whatever the data', () => {
    expect(fake.requests.length).toBeGreaterThanOrEqual(4 * payloads.length);
    const bySchema = new Map<string, Set<string>>();
    for (const r of fake.requests) {
      const name = r.body.response_format?.json_schema?.name ?? '';
      const set = bySchema.get(name) ?? new Set<string>();
      set.add(r.body.messages[0]!.content);
      bySchema.set(name, set);
    }
    expect(bySchema.size).toBe(4);
    for (const [, systems] of bySchema) expect(systems.size).toBe(1);
  });
});
