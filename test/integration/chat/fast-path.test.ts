// The inbound hot paths in raw SQL (core/chat/customer-fast-path.ts): a returning customer's
// message is one statement, a new customer's lead one statement after the lock. They must
// write what the ORM flow writes, stay exactly-once on the dedupe key and the platform
// message, and hold with two worker processes on one Redis and one Postgres.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { chatFixture, nextId, type ChatFixture } from './chat-fixture.js';
import { handleInbound } from '../../../core/chat/handle-inbound.js';
import { toJson } from '../../../core/audit.js';
import type { ChatDeps } from '../../../core/chat/turn.js';
import type { Db } from '../../../core/db.js';
import type { Outbox, OutboxItem } from '../../../core/ports.js';
import { createPrisma } from '../../../connectors/db/client.js';
import { SqlCustomerIntake } from '../../../connectors/db/intake/index.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { startChatWorker } from '../../../bots/chat-runtime.js';
import { createLogger } from '../../../connectors/logger.js';
import { waitFor } from '../../support/wait.js';
import { testPrefix } from '../../support/redis-keys.js';

/** Counts what a handler asks of the database (also inside its transactions): raw statements, transactions, ORM model calls. */
function countingDb(db: Db) {
  const calls = { raw: 0, tx: 0, model: [] as string[] };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver);
        if (prop === '$queryRawUnsafe' || prop === '$queryRaw' || prop === '$executeRaw' || prop === '$executeRawUnsafe') calls.raw++;
        else if (prop === '$transaction') {
          calls.tx++;
          return (fn: (tx: object) => Promise<unknown>, opts?: object) => (value as Db['$transaction']).call(t, (tx: object) => fn(wrap(tx)), opts as never);
        } else if (typeof prop === 'string' && !prop.startsWith('$') && !prop.startsWith('_') && prop !== 'then') calls.model.push(prop);
        return value;
      },
    });
  return { db: wrap(db) as Db, calls, reset: () => ((calls.raw = 0), (calls.tx = 0), (calls.model = [])) };
}

/** `count` more managers of the fixture's workspace, each linked on Telegram. */
async function linkedManagers(f: ChatFixture, count: number, name: string) {
  const users = [];
  for (let i = 0; i < count; i++) {
    const user = await f.db.user.create({ data: { workspaceId: f.ws.id, name: `${name} ${i}`, role: 'manager' } });
    const tg = nextId();
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'telegram', externalId: tg, chatId: tg, userId: user.id } });
    users.push(user);
  }
  return users;
}

class BulkOutbox implements Outbox {
  items: OutboxItem[] = [];
  calls = 0;
  async enqueue(item: OutboxItem) {
    this.calls++;
    this.items.push(item);
  }
  async enqueueMany(items: OutboxItem[]) {
    this.calls++;
    this.items.push(...items);
  }
}

describe('inbound fast paths', () => {
  it('a returning customer with an open lead costs one statement and no ORM query; the new customer one lock+claim and one insert', async () => {
    const f = await chatFixture('en');
    const counted = countingDb(f.db);
    const outbox = new BulkOutbox();
    const deps: ChatDeps = { ...f.deps, db: counted.db, intake: new SqlCustomerIntake(counted.db), outbox };
    // warm the per-process caches (workspace, recipient) with another customer
    await handleInbound(deps, f.msg({ id: nextId(), name: 'Warm' }, 'warm-up'));
    outbox.items = [];
    outbox.calls = 0;

    const who = { id: nextId(), name: 'Olga Fast' };
    counted.reset();
    await handleInbound(deps, f.msg(who, 'I need a quote'));
    // forwardReturning (miss) + the round-robin pick + lock/claim + the insert statement, and
    // the turn's outbox items kept on its InboundEvent until they are queued (store + clear)
    expect(counted.calls.model).toEqual([]);
    expect(counted.calls.raw).toBe(6);
    expect(counted.calls.tx).toBe(1);
    expect(outbox.calls).toBe(1); // ack + notification in one enqueueMany
    expect(outbox.items.map((i) => i.dedupeKey?.split(':')[0])).toEqual(['ack', 'notify']);

    counted.reset();
    await handleInbound(deps, f.msg(who, 'and delivery to Kazan?'));
    expect(counted.calls).toEqual({ raw: 1, tx: 0, model: [] });
    const forward = outbox.items.at(-1)!;
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id, contact: { name: 'Olga Fast' } } });
    expect(forward.text).toContain('and delivery to Kazan?');
    expect(forward.text).toContain(`#${lead.id}`);
    expect(forward.ref).toEqual({ userId: f.manager.id, conversationId: lead.conversationId, leadId: lead.id, dealId: undefined });
    expect(await f.db.message.count({ where: { conversationId: lead.conversationId! } })).toBe(2);
  });

  it('concurrent returning messages share statements; a message the database refuses fails alone', async () => {
    const f = await chatFixture('en');
    const counted = countingDb(f.db);
    const outbox = new BulkOutbox();
    const deps: ChatDeps = { ...f.deps, db: counted.db, intake: new SqlCustomerIntake(counted.db), outbox };
    const customers = Array.from({ length: 10 }, (_, i) => ({ id: nextId(), name: `Batch ${i}` }));
    await Promise.all(customers.map((who) => handleInbound(deps, f.msg(who, 'hello'))));
    outbox.items = [];

    counted.reset();
    const second = customers.map((who) => f.msg(who, `again from ${who.name}`));
    await Promise.all(second.map((m) => handleInbound(deps, m)));
    // 10 messages, at most two statements in flight: the first two go at once, the rest together
    expect(counted.calls.raw).toBeLessThanOrEqual(4);
    expect(counted.calls.model).toEqual([]);
    expect(outbox.items.map((i) => i.text.split('\n').at(-1)).sort()).toEqual(customers.map((c) => `again from ${c.name}`).sort());
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id } })).toBe(20);

    // a batch with a message Postgres refuses (input is cleaned at the boundary, so the refusal
    // comes from a trigger of this test's own): the others still go through
    outbox.items = [];
    const poison = `poison-${randomUUID()}`;
    const fn = `refuse_${poison.replace(/-/g, '_')}`;
    await f.db.$executeRawUnsafe(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.text = '${poison}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`,
    );
    await f.db.$executeRawUnsafe(`CREATE TRIGGER ${fn} BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    const third = customers.slice(0, 6).map((who) => f.msg(who, `third from ${who.name}`));
    const bad = f.msg(customers[7]!, poison);
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled([...third, bad].map((m) => handleInbound(deps, m)));
    } finally {
      await f.db.$executeRawUnsafe(`DROP TRIGGER ${fn} ON "Message"`);
      await f.db.$executeRawUnsafe(`DROP FUNCTION ${fn}()`);
    }
    expect(results.map((r) => r.status)).toEqual([...third.map(() => 'fulfilled'), 'rejected']);
    expect(outbox.items).toHaveLength(6);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id } })).toBe(26);
    // the refused message left no trace: its redelivery is handled afresh once the cause is gone
    expect(await f.db.inboundEvent.count({ where: { dedupeKey: bad.dedupeKey } })).toBe(0);
  });

  it('a new customer gets the same rows, timeline and audit trail as the ORM flow writes', async () => {
    const f = await chatFixture('ru');
    const who = { id: nextId(), name: 'Пётр Быстров', lang: 'ru' };
    await f.send(f.msg(who, 'Здравствуйте!\nНужна доставка 20 коробок', { username: 'petr_b' }));
    const identity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: who.id } });
    expect(identity).toMatchObject({ channel: 'telegram', chatId: who.id, displayName: 'Пётр Быстров', username: 'petr_b', languageCode: 'ru', userId: null });
    const contact = await f.db.contact.findUniqueOrThrow({ where: { id: identity.contactId! } });
    expect(contact).toMatchObject({ name: 'Пётр Быстров', nameKey: 'пётр быстров', ownerId: null, companyId: null });
    const conversation = await f.db.conversation.findFirstOrThrow({ where: { contactId: contact.id } });
    expect(conversation).toMatchObject({ channel: 'telegram', status: 'open', identityId: identity.id, lastMessageAt: new Date('2026-03-10T09:00:00Z') });
    const message = await f.db.message.findFirstOrThrow({ where: { conversationId: conversation.id } });
    expect(message).toMatchObject({ direction: 'inbound', channel: 'telegram', text: 'Здравствуйте!\nНужна доставка 20 коробок', attachments: [] });
    const lead = await f.db.lead.findFirstOrThrow({ where: { contactId: contact.id } });
    expect(lead).toMatchObject({
      status: 'new',
      source: 'telegram',
      title: 'Здравствуйте!',
      firstMessage: 'Здравствуйте!\nНужна доставка 20 коробок',
      assigneeId: f.manager.id,
      conversationId: conversation.id,
      createdAt: new Date('2026-03-10T09:00:00Z'),
    });
    // workspace default: 15 minutes around the clock
    expect(lead.firstResponseDueAt?.getTime()).toBe(new Date('2026-03-10T09:00:00Z').getTime() + f.ws.firstResponseMinutes * 60_000);

    const activities = await f.db.activity.findMany({ where: { contactId: contact.id }, orderBy: { id: 'asc' } });
    expect(activities.map((a) => [a.type, a.leadId, a.actorUserId, a.data])).toEqual([
      ['contact.created', null, null, { channel: 'telegram' }],
      ['lead.created', lead.id, null, { source: 'telegram', assigneeId: f.manager.id, roundRobin: false }],
    ]);
    const audits = await f.db.auditLog.findMany({
      where: {
        workspaceId: f.ws.id,
        OR: [
          { entity: 'contact', entityId: String(contact.id) },
          { entity: 'lead', entityId: String(lead.id) },
        ],
      },
      orderBy: { id: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.entity, a.actorKind, a.actorUserId])).toEqual([
      ['contact.create', 'contact', 'system', null],
      ['lead.create', 'lead', 'system', null],
    ]);
    // the JSON the ORM flow stores: toJson of the created row
    expect(audits[0]!.after).toEqual(toJson({ ...contact, email: null, phone: null }));
    expect(audits[1]!.after).toEqual(toJson(lead));
  });

  it("a web form's or the API's new customer (name, e-mail, phone) takes the one-statement capture and leaves the rows of the full flow", async () => {
    const f = await chatFixture('en');
    const counted = countingDb(f.db);
    const deps: ChatDeps = { ...f.deps, db: counted.db, intake: new SqlCustomerIntake(counted.db) };
    await handleInbound(deps, f.msg({ id: nextId(), name: 'Warm' }, 'warm-up'));
    /** a post as core/forms/forms.ts makes it: known by the e-mail, the details in `sender` */
    const post = (tag: string, company?: string) => {
      const email = `${tag}-${nextId()}@example.com`;
      const phone = `+7 916 ${nextId().padStart(7, '0').slice(-7)}`;
      const name = `Form ${tag}`;
      const m = f.msg({ id: email, name }, 'Need 20 licenses\nutm_source: google', {
        channel: 'web',
        externalChatId: email,
        languageCode: undefined,
        messageExternalId: `form:1:${nextId()}`,
        sender: { name, email, phone, ...(company ? { company } : {}) },
      });
      return { m, email, phone: phone.replace(/\s/g, '') };
    };
    /** the rows a post leaves, without ids, times and what the company adds */
    const rowsOf = async (email: string) => {
      const key = await f.db.contactEmail.findFirstOrThrow({ where: { workspaceId: f.ws.id, email } });
      const contact = await f.db.contact.findUniqueOrThrow({ where: { id: key.contactId } });
      const strip = <T extends object>(row: T) =>
        Object.fromEntries(
          Object.entries(row).filter(
            ([k]) =>
              !/^(id|workspaceId|contactId|conversationId|identityId|leadId|assigneeId|companyId|externalId|chatId|createdAt|updatedAt|lastMessageAt|firstResponseDueAt|name|nameKey|displayName)$/.test(
                k,
              ),
          ),
        );
      const lead = await f.db.lead.findFirstOrThrow({ where: { contactId: contact.id } });
      const audits = await f.db.auditLog.findMany({
        where: {
          workspaceId: f.ws.id,
          OR: [
            { entity: 'contact', entityId: String(contact.id) },
            { entity: 'lead', entityId: String(lead.id) },
          ],
        },
        orderBy: { id: 'asc' },
      });
      return {
        contact: strip(contact),
        emails: (await f.db.contactEmail.findMany({ where: { contactId: contact.id } })).map((e) => [e.email === email, e.undeliverable]),
        phones: await f.db.contactPhone.count({ where: { contactId: contact.id } }),
        identities: (await f.db.identity.findMany({ where: { contactId: contact.id } })).map(strip),
        conversations: (await f.db.conversation.findMany({ where: { contactId: contact.id } })).map(strip),
        messages: (await f.db.message.findMany({ where: { conversation: { contactId: contact.id } } })).map(strip),
        lead: strip(lead),
        activities: (await f.db.activity.findMany({ where: { contactId: contact.id }, orderBy: { id: 'asc' } })).map((a) => [a.type, a.data]),
        audits: audits.map((a) => [a.action, a.actorKind, Object.keys(a.after as object).sort()]),
        raw: { contact, lead, audits },
      };
    };

    const fast = post('fast');
    counted.reset();
    f.outbox.take();
    await handleInbound(deps, fast.m);
    // the speaker look-up, the pick, lock+claim, the capture in its savepoint, the store step and its clear: no ORM query
    expect(counted.calls.model).toEqual([]);
    expect(counted.calls.raw).toBe(6);
    // the web channel has no chat: the manager's notice only, no acknowledgement
    expect(f.outbox.take().map((i) => i.dedupeKey?.split(':')[0])).toEqual(['notify']);
    const fastRows = await rowsOf(fast.email);
    expect(fastRows.raw.contact).toMatchObject({ name: 'Form fast', nameKey: 'form fast' });
    expect(fastRows.phones).toBe(1);
    expect(await f.db.contactPhone.count({ where: { workspaceId: f.ws.id, phone: fast.phone } })).toBe(1);
    expect(fastRows.raw.audits[0]!.after).toEqual(toJson({ ...fastRows.raw.contact, email: fast.email, phone: fast.phone }));

    // the same post with a company takes the full flow (findOrCreateContact, captureLead): the same rows
    const full = post('full', 'Acme');
    counted.reset();
    await handleInbound(deps, full.m);
    expect(counted.calls.model.length).toBeGreaterThan(5);
    const { raw: _fastRaw, ...fastShape } = fastRows;
    const { raw: fullRaw, ...fullShape } = await rowsOf(full.email);
    expect(fullShape).toEqual(fastShape);
    expect(fullRaw.contact.companyId).not.toBeNull();
  });

  it('two new customers with one phone at once (a form post and an API lead of one person): one contact, one lead', async () => {
    const f = await chatFixture('en');
    await handleInbound(f.deps, f.msg({ id: nextId(), name: 'Warm' }, 'warm-up'));
    const phones = Array.from({ length: 6 }, () => `+7916${nextId().padStart(7, '0').slice(-7)}`);
    const web = (phone: string, email: string | null) => {
      const who = email ?? `phone:${phone}`;
      return f.msg({ id: who, name: 'Twin' }, `from ${who}`, {
        channel: 'web',
        externalChatId: who,
        languageCode: undefined,
        messageExternalId: `api:${nextId()}`,
        sender: { name: 'Twin', phone, ...(email ? { email } : {}) },
      });
    };
    await Promise.all(phones.flatMap((p) => [web(p, `a-${p.slice(1)}@example.com`), web(p, null)]).map((m) => handleInbound(f.deps, m)));
    for (const phone of phones) {
      const owners = await f.db.contactPhone.findMany({ where: { workspaceId: f.ws.id, phone } });
      expect(owners).toHaveLength(1);
      const contactId = owners[0]!.contactId;
      expect(await f.db.identity.count({ where: { contactId } })).toBe(2);
      expect(await f.db.lead.count({ where: { contactId } })).toBe(1);
      expect(await f.db.message.count({ where: { conversation: { contactId } } })).toBe(2);
    }
    expect(await f.db.contact.count({ where: { workspaceId: f.ws.id, name: 'Twin' } })).toBe(phones.length);
  });

  it('a redelivered update and the same platform message under another key are handled once, also in parallel', async () => {
    const f = await chatFixture('en');
    const who = { id: nextId(), name: 'Repeat' };
    await f.send(f.msg(who, 'first'));
    f.outbox.take();
    const second = f.msg(who, 'second');
    const results = await Promise.all([f.send(second), f.send(second), f.send({ ...second, dedupeKey: `${second.dedupeKey}-other` })]);
    expect(results).toEqual([[], [], []]);
    const contact = await f.db.contact.findFirstOrThrow({ where: { workspaceId: f.ws.id, name: 'Repeat' } });
    expect(await f.db.message.count({ where: { conversation: { contactId: contact.id } } })).toBe(2);
    expect(await f.db.inboundEvent.count({ where: { dedupeKey: { in: [second.dedupeKey, `${second.dedupeKey}-other`] } } })).toBe(2);
    // one forward: a redelivery offers it again under the same dedupe key (in case the first
    // handling died before queueing it), which the outbound queue and its ledger turn into a no-op
    const pushed = f.outbox.take();
    const forwardKey = `forward:${second.dedupeKey}`;
    expect(new Set(pushed.map((i) => i.dedupeKey))).toEqual(new Set([forwardKey]));
    expect(pushed[0]!.text).toContain('second');
    // and once more, after the fact: nothing new
    expect(await f.send(second)).toEqual([]);
    expect(f.outbox.take().map((i) => i.dedupeKey)).toEqual([forwardKey]);
    // the other key stored no message, so it never forwards
    expect(await f.send({ ...second, dedupeKey: `${second.dedupeKey}-other` })).toEqual([]);
    expect(f.outbox.take()).toEqual([]);
  });

  it('a customer whose chat id or language changed, or with an open deal only, still gets the right handling', async () => {
    const f: ChatFixture = await chatFixture('en');
    const who = { id: nextId(), name: 'Mover', lang: 'en' };
    await f.send(f.msg(who, 'hello'));
    f.outbox.take();
    // new chat id and language: the full flow updates the identity (the fast statement writes nothing)
    await f.send(f.msg(who, 'from a new chat', { externalChatId: `${who.id}9`, languageCode: 'ru' }));
    const identity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: who.id } });
    expect(identity).toMatchObject({ chatId: `${who.id}9`, languageCode: 'ru' });
    expect(f.outbox.take().map((i) => i.text.includes('from a new chat'))).toEqual([true]);

    // the lead became a deal owned by someone else: messages go to the deal owner, without a lead id
    const lead = await f.db.lead.findFirstOrThrow({ where: { contactId: identity.contactId! } });
    const owner = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Owner', role: 'manager', onDuty: false } });
    const ownerTg = nextId();
    const ownerIdentity = await f.db.identity.create({
      data: { workspaceId: f.ws.id, channel: 'telegram', externalId: ownerTg, chatId: ownerTg, userId: owner.id },
    });
    const pipeline = await f.db.pipeline.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { stages: true } });
    await f.db.lead.update({ where: { id: lead.id }, data: { status: 'converted' } });
    const deal = await f.db.deal.create({
      data: {
        workspaceId: f.ws.id,
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        title: 'Mover deal',
        titleKey: 'mover deal',
        ownerId: owner.id,
        contactId: lead.contactId,
        leadId: lead.id,
      },
    });
    await f.send(f.msg(who, 'about the contract', { externalChatId: `${who.id}9`, languageCode: 'ru' }));
    const [item] = f.outbox.take();
    expect(item!.identityId).toBe(ownerIdentity.id);
    expect(item!.ref).toEqual({ userId: owner.id, conversationId: lead.conversationId, leadId: undefined, dealId: deal.id });
    expect(await f.db.lead.count({ where: { contactId: lead.contactId } })).toBe(1);
  });
});

describe('two chat worker processes on one queue', () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('a burst with several messages per customer: one contact, conversation and lead each, every message once, leads spread', async () => {
    const f = await chatFixture('en');
    const managers = [f.manager, ...(await linkedManagers(f, 3, 'Manager'))];
    const settings = queueSettings(inject('redisUrl'), testPrefix('test-fast'));
    const inbound = new InboundQueue(settings);
    stops.push(() => inbound.close());
    const outbox = new BulkOutbox();
    let handled = 0;
    // two "processes": each its own Prisma pool and per-process caches
    for (let p = 0; p < 2; p++) {
      const db = createPrisma(inject('databaseUrl'), 4);
      stops.push(() => db.$disconnect());
      const chat = startChatWorker({
        db,
        settings,
        workspaceId: f.ws.id,
        outbox,
        logger: createLogger('silent'),
        concurrency: 6,
        onHandled: () => handled++,
      });
      stops.push(() => chat.close());
    }

    const CUSTOMERS = 8;
    const PER_CUSTOMER = 4;
    const customers = Array.from({ length: CUSTOMERS }, (_, c) => ({ id: nextId(), name: `Burst ${c}` }));
    const messages = [];
    for (let k = 0; k < PER_CUSTOMER; k++) for (const who of customers) messages.push(f.msg(who, `message ${k} from ${who.name}`));
    await inbound.enqueueMany(messages);
    await waitFor(async () => handled >= messages.length, 'the burst to be handled', 30_000);
    // an update redelivered after the fact (Telegram retry) leaves no trace
    await handleInbound({ ...f.deps, outbox }, messages[CUSTOMERS]!);

    const ws = f.ws.id;
    expect(await f.db.contact.count({ where: { workspaceId: ws } })).toBe(CUSTOMERS);
    expect(await f.db.conversation.count({ where: { workspaceId: ws } })).toBe(CUSTOMERS);
    expect(await f.db.message.count({ where: { workspaceId: ws } })).toBe(CUSTOMERS * PER_CUSTOMER);
    const leads = await f.db.lead.findMany({ where: { workspaceId: ws } });
    expect(leads).toHaveLength(CUSTOMERS);
    expect(new Set(leads.map((l) => l.contactId)).size).toBe(CUSTOMERS);
    expect(await f.db.activity.count({ where: { workspaceId: ws, type: 'lead.created' } })).toBe(CUSTOMERS);
    expect(await f.db.activity.count({ where: { workspaceId: ws, type: 'contact.created' } })).toBe(CUSTOMERS);
    // every lead assigned, not all to one manager (round robin across both processes)
    expect(leads.every((l) => managers.some((m) => m.id === l.assigneeId))).toBe(true);
    expect(new Set(leads.map((l) => l.assigneeId)).size).toBeGreaterThan(1);

    const keys = outbox.items.map((i) => i.dedupeKey!);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.startsWith('ack:'))).toHaveLength(CUSTOMERS);
    expect(keys.filter((k) => k.startsWith('notify:'))).toHaveLength(CUSTOMERS);
    expect(keys.filter((k) => k.startsWith('forward:'))).toHaveLength(CUSTOMERS * (PER_CUSTOMER - 1));
  });

  it('round robin stays even across two processes for one message per new customer', async () => {
    const f = await chatFixture('en');
    const managers = [f.manager, ...(await linkedManagers(f, 3, 'RR'))];
    const dbs = [createPrisma(inject('databaseUrl'), 4), createPrisma(inject('databaseUrl'), 4)];
    stops.push(() => Promise.all(dbs.map((d) => d.$disconnect())));
    const outbox = new BulkOutbox();
    const deps = dbs.map((db) => ({ ...f.deps, db, intake: new SqlCustomerIntake(db), outbox }));
    const msgs = Array.from({ length: 12 }, (_, i) => f.msg({ id: nextId(), name: `RR customer ${i}` }, 'hello'));
    await Promise.all(msgs.map((m, i) => handleInbound(deps[i % 2]!, m)));
    const leads = await f.db.lead.groupBy({ by: ['assigneeId'], where: { workspaceId: f.ws.id }, _count: true });
    const counts = managers.map((m) => leads.find((l) => l.assigneeId === m.id)?._count ?? 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    // 12 leads over 4 managers: 3 each (two picks overlapping by microseconds may shift one)
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
  });
});
