// One conformance suite for both intake stores (core/ports.ts CustomerIntake): the SQL store
// (connectors/db/intake/sql-intake.ts) and its ORM twin (orm-intake.ts) run the same cases
// against the real database, and a last case compares the rows each leaves for the same input.
import { describe, it, expect, inject } from 'vitest';
import { testDb, uniqueSlug } from '../../../support/db.js';
import { ensureWorkspace } from '../../../../core/workspaces/ensure-workspace.js';
import { OPEN_LEAD_STATUSES } from '../../../../core/leads/lead-access.js';
import { auditEntry } from '../../../../core/audit.js';
import { systemActor } from '../../../../core/actor.js';
import type { CustomerIntake, NewCustomerInput, ReturningInput } from '../../../../core/ports.js';
import type { Db } from '../../../../core/db.js';
import { SqlCustomerIntake, OrmCustomerIntake } from '../../../../connectors/db/intake/index.js';
import { createPrisma, poolOf } from '../../../../connectors/db/client.js';

const NOW = new Date('2026-03-10T09:00:00.000Z');
const LATER = new Date('2026-03-10T09:05:00.000Z');
let seq = Math.floor(Math.random() * 1e6);
const nextId = () => String(++seq);

const stores: Array<[string, (db: Db) => CustomerIntake]> = [
  ['sql', (db) => new SqlCustomerIntake(db)],
  ['orm', (db) => new OrmCustomerIntake(db)],
];

async function setup(make: (db: Db) => CustomerIntake) {
  const db = testDb();
  const ws = await ensureWorkspace(db, uniqueSlug('intake'), { timezone: 'UTC', locale: 'en' });
  const manager = await db.user.create({ data: { workspaceId: ws.id, name: 'Mary', role: 'manager' } });
  const intake = make(db);
  const newCustomer = (over: Partial<NewCustomerInput> = {}): NewCustomerInput => {
    const id = nextId();
    return {
      workspaceId: ws.id,
      channel: 'telegram',
      dedupeKey: `conf:${ws.id}:${id}`,
      receivedAt: NOW,
      now: NOW,
      externalUserId: `u${id}`,
      chatId: `u${id}`,
      messageExternalId: `u${id}:${id}`,
      text: 'Hello\nNeed 20 boxes',
      attachments: [],
      displayName: 'Olga',
      username: 'olga',
      languageCode: 'en',
      contactName: 'Olga',
      email: null,
      phone: null,
      assigneeId: manager.id,
      leadTitle: 'Hello',
      firstMessage: 'Hello\nNeed 20 boxes',
      firstResponseDueAt: new Date(NOW.getTime() + 15 * 60_000),
      ...over,
    };
  };
  const capture = (input: NewCustomerInput) => db.$transaction((tx) => intake.captureNewCustomer(tx, input));
  const returning = (c: NewCustomerInput, over: Partial<ReturningInput> = {}): ReturningInput => {
    const id = nextId();
    return {
      workspaceId: ws.id,
      channel: c.channel,
      dedupeKey: `conf:${ws.id}:${id}`,
      receivedAt: LATER,
      now: LATER,
      externalUserId: c.externalUserId,
      chatId: c.chatId,
      messageExternalId: `${c.chatId}:${id}`,
      text: `again ${id}`,
      attachments: [{ kind: 'photo', fileId: 'f1' }],
      languageCode: c.languageCode,
      openLeadStatuses: OPEN_LEAD_STATUSES,
      ...over,
    };
  };
  return { db, ws, manager, intake, newCustomer, capture, returning };
}

describe.each(stores)('intake store conformance: %s', (_name, make) => {
  it('claims a dedupe key once, also inside a transaction that goes on', async () => {
    const { db, intake } = await setup(make);
    const e = { dedupeKey: `conf-claim-${nextId()}`, channel: 'telegram' as const, receivedAt: NOW, now: LATER };
    expect(await intake.claimEvent(db, e)).toBe(true);
    const again = await db.$transaction(async (tx) => {
      const claimed = await intake.claimEvent(tx, e);
      // the transaction is still usable after the duplicate
      return { claimed, n: await tx.inboundEvent.count({ where: { dedupeKey: e.dedupeKey } }) };
    });
    expect(again).toEqual({ claimed: false, n: 1 });
    const row = await db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: e.dedupeKey } });
    expect(row).toMatchObject({ source: 'telegram', receivedAt: NOW, processedAt: LATER, pendingOutbox: null });
    const key = { workspaceId: 1, customerKey: `telegram:${nextId()}` };
    expect(await db.$transaction((tx) => intake.lockAndClaim(tx, { ...e, ...key, dedupeKey: `${e.dedupeKey}-2` }))).toBe(true);
    expect(await db.$transaction((tx) => intake.lockAndClaim(tx, { ...e, ...key, dedupeKey: `${e.dedupeKey}-2` }))).toBe(false);
  });

  it("a new customer's first message: contact, identity, conversation, message, lead and timeline; the rows it returns are the stored rows", async () => {
    const { db, ws, manager, newCustomer, capture } = await setup(make);
    const input = newCustomer();
    const created = (await capture(input))!;
    expect(created).not.toBeNull();
    const contact = await db.contact.findUniqueOrThrow({ where: { id: created.contact.id } });
    expect(created.contact).toEqual(contact);
    expect(contact).toMatchObject({ workspaceId: ws.id, name: 'Olga', nameKey: 'olga', createdAt: NOW, ownerId: null, companyId: null });
    const identity = await db.identity.findUniqueOrThrow({ where: { id: created.identityId } });
    expect(identity).toMatchObject({
      channel: 'telegram',
      externalId: input.externalUserId,
      chatId: input.chatId,
      displayName: 'Olga',
      username: 'olga',
      languageCode: 'en',
      contactId: contact.id,
      userId: null,
    });
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: created.conversationId } });
    expect(conversation).toMatchObject({ contactId: contact.id, channel: 'telegram', status: 'open', identityId: identity.id, lastMessageAt: NOW });
    const messages = await db.message.findMany({ where: { conversationId: conversation.id } });
    expect(messages).toEqual([
      expect.objectContaining({ direction: 'inbound', externalId: input.messageExternalId, text: input.text, attachments: [], createdAt: NOW }),
    ]);
    const lead = await db.lead.findUniqueOrThrow({ where: { id: created.lead!.id } });
    expect(created.lead).toEqual(lead);
    expect(lead).toMatchObject({
      status: 'new',
      source: 'telegram',
      title: 'Hello',
      firstMessage: input.text,
      assigneeId: manager.id,
      conversationId: conversation.id,
      firstResponseDueAt: input.firstResponseDueAt,
      createdAt: NOW,
    });
    const activities = await db.activity.findMany({ where: { contactId: contact.id }, orderBy: { id: 'asc' } });
    expect(activities.map((a) => [a.type, a.leadId, a.actorUserId, a.data, a.createdAt])).toEqual([
      ['contact.created', null, null, { channel: 'telegram' }, NOW],
      ['lead.created', lead.id, null, { source: 'telegram', assigneeId: manager.id, roundRobin: false }, NOW],
    ]);
  });

  it('writes nothing when the identity exists after all or the assignee left; no lead for a platform message stored already', async () => {
    const { db, ws, manager, newCustomer, capture } = await setup(make);
    const first = newCustomer();
    await capture(first);
    const count = () => Promise.all([db.contact.count({ where: { workspaceId: ws.id } }), db.lead.count({ where: { workspaceId: ws.id } })]);
    const before = await count();
    expect(await capture({ ...first, dedupeKey: `${first.dedupeKey}-x`, messageExternalId: `${first.messageExternalId}-x` })).toBeNull();
    const gone = await db.user.create({ data: { workspaceId: ws.id, name: 'Gone', role: 'manager', active: false } });
    expect(await capture(newCustomer({ assigneeId: gone.id }))).toBeNull();
    expect(await count()).toEqual(before);

    // another sender, but the platform message is one stored already: a contact, no lead
    const dup = await capture(newCustomer({ messageExternalId: first.messageExternalId }));
    expect(dup).toMatchObject({ lead: null });
    expect(await count()).toEqual([before[0] + 1, before[1]]);
    expect(manager.id).toBeGreaterThan(0);
  });

  it("a new customer with an e-mail and a phone (a web form): the contact's keys; nothing written when either belongs to a contact already", async () => {
    const { db, ws, newCustomer, capture } = await setup(make);
    const id = nextId();
    const email = `olga-${id}@example.com`;
    const phone = `+7916${id.padStart(7, '0').slice(-7)}`;
    const input = newCustomer({ channel: 'web', externalUserId: email, chatId: email, messageExternalId: `form:1:${id}`, email, phone });
    const created = (await capture(input))!;
    expect(created).not.toBeNull();
    expect(await db.contactEmail.findMany({ where: { contactId: created.contact.id } })).toEqual([
      expect.objectContaining({ workspaceId: ws.id, email, undeliverable: false, createdAt: NOW }),
    ]);
    expect(await db.contactPhone.findMany({ where: { contactId: created.contact.id } })).toEqual([
      expect.objectContaining({ workspaceId: ws.id, phone, createdAt: NOW }),
    ]);
    expect(await db.lead.count({ where: { contactId: created.contact.id } })).toBe(1);

    // another sender (another identity) with the same e-mail, or the same phone: that person is someone's already
    const count = () => Promise.all([db.contact.count({ where: { workspaceId: ws.id } }), db.identity.count({ where: { workspaceId: ws.id } })]);
    const before = await count();
    expect(await capture(newCustomer({ channel: 'web', externalUserId: `phone:${phone}`, chatId: `phone:${phone}`, email: null, phone }))).toBeNull();
    expect(await capture(newCustomer({ email, phone: null }))).toBeNull();
    expect(await count()).toEqual(before);
  });

  it("a returning customer's message: claimed, stored, conversation touched, owner named; a redelivery and the same message under another key write nothing", async () => {
    const { db, manager, newCustomer, capture, returning, intake } = await setup(make);
    const c = newCustomer();
    const created = (await capture(c))!;
    const m = returning(c);
    const r = await intake.forwardReturning(m);
    expect(r).toEqual({
      known: true,
      handled: true,
      claimed: true,
      stored: true,
      contactName: 'Olga',
      conversationId: created.conversationId,
      leadId: created.lead!.id,
      dealId: null,
      ownerId: manager.id,
    });
    const stored = await db.message.findMany({ where: { conversationId: created.conversationId }, orderBy: { id: 'asc' } });
    expect(stored.at(-1)).toMatchObject({ externalId: m.messageExternalId, text: m.text, attachments: m.attachments, createdAt: LATER });
    expect(await db.conversation.findUniqueOrThrow({ where: { id: created.conversationId } })).toMatchObject({
      lastMessageAt: LATER,
      identityId: created.identityId,
    });
    // the forward is derived again when the job is redelivered
    expect(await intake.loadPending(m.dedupeKey)).toEqual({ forward: true });
    expect(await db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } })).toMatchObject({ processedAt: LATER, receivedAt: LATER });

    expect(await intake.forwardReturning(m)).toMatchObject({ handled: true, claimed: false, stored: false });
    const other = { ...m, dedupeKey: `${m.dedupeKey}-other` };
    expect(await intake.forwardReturning(other)).toMatchObject({ handled: true, claimed: true, stored: false });
    expect(await intake.loadPending(other.dedupeKey)).toBeNull();
    expect(await db.message.count({ where: { conversationId: created.conversationId } })).toBe(2);
  });

  it('not the shape: unknown sender, changed chat or language, no open lead under the rules given; an open deal names its owner', async () => {
    const { db, ws, newCustomer, capture, returning, intake } = await setup(make);
    const c = newCustomer();
    const created = (await capture(c))!;
    const events = () => db.inboundEvent.count({ where: { dedupeKey: { startsWith: `conf:${ws.id}:` } } });
    const before = await events();
    expect(await intake.forwardReturning(returning({ ...c, externalUserId: `nobody-${nextId()}` }))).toMatchObject({ known: false, handled: false });
    expect(await intake.forwardReturning(returning(c, { chatId: `${c.chatId}9` }))).toMatchObject({ known: true, handled: false });
    expect(await intake.forwardReturning(returning(c, { languageCode: 'ru' }))).toMatchObject({ known: true, handled: false });
    // the rule comes in with the call: with only in_progress open, a new lead is not open
    expect(await intake.forwardReturning(returning(c, { openLeadStatuses: ['in_progress'] }))).toMatchObject({ known: true, handled: false });
    expect(await events()).toBe(before);
    // any language matches when the message has none
    expect(await intake.forwardReturning(returning(c, { languageCode: null }))).toMatchObject({ handled: true, stored: true });

    await db.lead.update({ where: { id: created.lead!.id }, data: { status: 'converted' } });
    expect(await intake.forwardReturning(returning(c))).toMatchObject({ known: true, handled: false });
    const owner = await db.user.create({ data: { workspaceId: ws.id, name: 'Owner', role: 'manager', onDuty: false } });
    const pipeline = await db.pipeline.findFirstOrThrow({ where: { workspaceId: ws.id }, include: { stages: true } });
    const deal = await db.deal.create({
      data: {
        workspaceId: ws.id,
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        title: 'D',
        titleKey: 'd',
        ownerId: owner.id,
        contactId: created.contact.id,
      },
    });
    expect(await intake.forwardReturning(returning(c))).toMatchObject({ handled: true, stored: true, leadId: null, dealId: deal.id, ownerId: owner.id });
  });

  it("stores a turn's audit rows in order and its outbox items until they are cleared; a forward marker is not an item list", async () => {
    const { db, ws, intake } = await setup(make);
    const key = `conf-store-${nextId()}`;
    await intake.claimEvent(db, { dedupeKey: key, channel: 'telegram', receivedAt: NOW, now: NOW });
    const actor = systemActor(ws);
    const audits = [
      auditEntry(actor, { action: 'contact.create', entity: 'contact', entityId: 1, after: { id: 1, at: NOW } }),
      auditEntry(actor, { action: 'lead.create', entity: 'lead', entityId: 2, before: { a: 1 }, after: { id: 2 } }),
    ];
    const items = [{ workspaceId: ws.id, identityId: 7, text: 'hi', dedupeKey: 'ack:x' }];
    await db.$transaction((tx) => intake.storeTurn(tx, { dedupeKey: key, pending: items, audits, now: LATER }));
    const rows = await db.auditLog.findMany({ where: { workspaceId: ws.id, entityId: { in: ['1', '2'] } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.action, r.entity, r.entityId, r.actorKind, r.actorUserId, r.before, r.after, r.createdAt])).toEqual([
      ['contact.create', 'contact', '1', 'system', null, null, { id: 1, at: NOW.toISOString() }, LATER],
      ['lead.create', 'lead', '2', 'system', null, { a: 1 }, { id: 2 }, LATER],
    ]);
    expect(await intake.loadPending(key)).toEqual(items);
    await intake.clearPending(key);
    expect(await intake.loadPending(key)).toBeNull();
    // audits only: pendingOutbox untouched
    await db.$transaction((tx) => intake.storeTurn(tx, { dedupeKey: key, pending: null, audits: [audits[0]!], now: LATER }));
    expect(await intake.loadPending(key)).toBeNull();
    expect(await intake.loadPending(`missing-${key}`)).toBeNull();
  });

  it('picks the on-duty manager assigned longest ago and stamps them; null when none is on duty', async () => {
    const { db, ws, manager, intake } = await setup(make);
    const second = await db.user.create({ data: { workspaceId: ws.id, name: 'Second', role: 'manager' } });
    await db.user.create({ data: { workspaceId: ws.id, name: 'Off', role: 'manager', onDuty: false } });
    await db.user.create({ data: { workspaceId: ws.id, name: 'Head', role: 'head' } });
    const picks = [];
    for (let i = 0; i < 4; i++) picks.push((await intake.pickAssignee({ workspaceId: ws.id, now: NOW }))?.id);
    expect(picks).toEqual([manager.id, second.id, manager.id, second.id]);
    await db.user.updateMany({ where: { workspaceId: ws.id, role: 'manager' }, data: { onDuty: false } });
    expect(await intake.pickAssignee({ workspaceId: ws.id, now: NOW })).toBeNull();
  });
});

describe('both intake stores leave the same rows', () => {
  it('for a new customer and their next message', async () => {
    const snapshots = [];
    for (const [, make] of stores) {
      const { db, newCustomer, capture, returning, intake } = await setup(make);
      const c = newCustomer({
        externalUserId: 'same-user',
        chatId: 'same-chat',
        messageExternalId: 'same-chat:1',
        email: `same-${nextId()}@example.com`,
        phone: `+7915${nextId().padStart(7, '0').slice(-7)}`,
      });
      const created = (await capture(c))!;
      const r = await intake.forwardReturning(returning(c, { messageExternalId: 'same-chat:2', text: 'second' }));
      const contactId = created.contact.id;
      const strip = <T extends object>(row: T) =>
        Object.fromEntries(Object.entries(row).filter(([k]) => !/^(id|workspaceId|contactId|conversationId|identityId|leadId|assigneeId|ownerId)$/.test(k)));
      snapshots.push({
        result: strip(r),
        contact: strip(await db.contact.findUniqueOrThrow({ where: { id: contactId } })),
        identity: strip(await db.identity.findUniqueOrThrow({ where: { id: created.identityId } })),
        conversation: strip(await db.conversation.findUniqueOrThrow({ where: { id: created.conversationId } })),
        messages: (await db.message.findMany({ where: { conversationId: created.conversationId }, orderBy: { id: 'asc' } })).map(strip),
        lead: strip(await db.lead.findUniqueOrThrow({ where: { id: created.lead!.id } })),
        activities: (await db.activity.findMany({ where: { contactId }, orderBy: { id: 'asc' } })).map((a) => [a.type, a.createdAt]),
        keys: [
          (await db.contactEmail.findMany({ where: { contactId } })).map((e) => [e.undeliverable, e.createdAt]),
          (await db.contactPhone.findMany({ where: { contactId } })).map((p) => p.createdAt),
        ],
      });
    }
    expect(snapshots[0]).toEqual(snapshots[1]);
  });
});

describe('the SQL intake on Postgres', () => {
  it("runs a returning customer's batch on the plan it keeps per connection, with index look-ups, instead of planning every batch", async () => {
    const { newCustomer, capture, returning } = await setup((d) => new SqlCustomerIntake(d));
    // a client of its own with one connection: what Postgres keeps for it is this test's alone
    // (other files of this worker share the test client, some of them through a wrapped one)
    const own = createPrisma(inject('databaseUrl'), 1);
    try {
      const intake = new SqlCustomerIntake(own);
      const customers = [];
      for (let i = 0; i < 8; i++) customers.push(newCustomer());
      for (const c of customers) await capture(c);
      for (const c of customers) expect(await intake.forwardReturning(returning(c))).toMatchObject({ handled: true, claimed: true, stored: true });
      // one statement of its own on the kept-plan connection (no transaction around it)
      const { rows } = await poolOf(own)!
        .kept()
        .query<{ generic: number; custom: number }>(
          `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement LIKE '%WITH inp AS%'`,
        );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.custom).toBe(0);
      expect(rows[0]!.generic).toBe(customers.length);
    } finally {
      await own.$disconnect();
    }
  });
});
