import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { createPrisma } from '../../../connectors/db/client.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { mergeContacts } from '../../../core/contacts/merge-contacts.js';
import { searchContacts } from '../../../core/contacts/search-contacts.js';
import { getContact } from '../../../core/contacts/get-contact.js';
import { captureLead } from '../../../core/leads/capture-lead.js';
import { DomainError } from '../../../core/errors.js';
import { makeWorkspace, makeUser, actorOf } from './contacts-support.js';

const db = testDb();
const ctx = dbContext(db);
const others = [createPrisma(inject('databaseUrl'), 3), createPrisma(inject('databaseUrl'), 3), createPrisma(inject('databaseUrl'), 3)];
afterAll(async () => {
  await Promise.all(others.map((c) => c.$disconnect()));
});

const uid = () => randomUUID().slice(0, 8);

describe('findOrCreateContact', () => {
  it('matches by identity, then email, then phone, and attaches new keys', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    const tg = { channel: 'telegram' as const, externalId: `tg-${uid()}`, chatId: '42', displayName: 'Ivan P' };
    const first = await findOrCreateContact(ctx, sys, { identity: tg });
    expect(first.created).toBe(true);
    expect(first.contact.name).toBe('Ivan P');
    expect(first.identity?.contactId).toBe(first.contact.id);

    // same identity + an email: found, email attached
    const email = `Ivan.${uid()}@Example.com`;
    const second = await findOrCreateContact(ctx, sys, { identity: { ...tg, chatId: '43' }, email });
    expect(second).toMatchObject({ created: false, contact: { id: first.contact.id } });
    expect(second.identity?.chatId).toBe('43');
    // a different channel with that email (any case): the same person, slack identity attached
    const slack = { channel: 'slack' as const, externalId: `T1:U${uid()}` };
    const third = await findOrCreateContact(ctx, sys, { identity: slack, email: email.toUpperCase(), phone: '8 916 555-12-34' });
    expect(third).toMatchObject({ created: false, contact: { id: first.contact.id } });
    // by phone in another notation
    const fourth = await findOrCreateContact(ctx, sys, { phone: '+7 (916) 555 12 34' });
    expect(fourth).toMatchObject({ created: false, contact: { id: first.contact.id } });

    const stored = await db.contact.findUniqueOrThrow({ where: { id: first.contact.id }, include: { emails: true, phones: true, identities: true } });
    expect(stored.emails.map((e) => e.email)).toEqual([email.toLowerCase()]);
    expect(stored.phones.map((p) => p.phone)).toEqual(['+79165551234']);
    expect(stored.identities.map((i) => i.channel).sort()).toEqual(['slack', 'telegram']);
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(1);
    expect(await db.activity.count({ where: { workspaceId: ws.id, type: 'contact.created' } })).toBe(1);
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, entity: 'contact', action: 'contact.attach' } })).toBe(2);
  });

  it('rejects a malformed email or phone and an empty request', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    await expect(findOrCreateContact(ctx, sys, { email: 'not-an-email' })).rejects.toMatchObject({ code: 'invalid_input', key: 'invalid.email' });
    await expect(findOrCreateContact(ctx, sys, { phone: '12' })).rejects.toMatchObject({ code: 'invalid_input', key: 'invalid.phone' });
    await expect(findOrCreateContact(ctx, sys, {})).rejects.toBeInstanceOf(DomainError);
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(0);
  });

  it('ends with one contact when several processes see the same new person at once', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    for (let round = 0; round < 3; round++) {
      const identity = { channel: 'telegram' as const, externalId: `race-${uid()}`, displayName: 'Racer' };
      const email = `race-${uid()}@x.ru`;
      const clients = [db, ...others, db, ...others];
      const results = await Promise.all(clients.map((c, i) => findOrCreateContact(dbContext(c), sys, i % 2 ? { identity, email } : { email, identity })));
      const ids = new Set(results.map((r) => r.contact.id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const [id] = [...ids];
      expect(await db.identity.count({ where: { workspaceId: ws.id, externalId: identity.externalId, contactId: id } })).toBe(1);
      expect(await db.contactEmail.count({ where: { workspaceId: ws.id, email, contactId: id } })).toBe(1);
    }
    // no orphans left behind by the losers
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(3);
  });
});

describe('mergeContacts', () => {
  it('moves keys, leads and history to the kept contact and leaves a pointer', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    const a = await findOrCreateContact(ctx, sys, { name: 'Anna', email: `anna-${uid()}@x.ru` });
    const bEmail = `anna.work-${uid()}@corp.ru`;
    const b = await findOrCreateContact(ctx, sys, { identity: { channel: 'telegram', externalId: `tg-${uid()}` }, email: bEmail, company: 'Corp' });
    const lead = await captureLead(ctx, sys, { contactId: b.contact.id, source: 'telegram', text: 'Hi' });
    await expect(mergeContacts(ctx, sys, a.contact.id, a.contact.id)).rejects.toMatchObject({ key: 'invalid.merge_self' });

    const result = await mergeContacts(ctx, sys, a.contact.id, b.contact.id);
    expect(result.counts).toMatchObject({ emails: 1, identities: 1, leads: 1 });
    expect(result.moved.leads).toEqual([lead.id]);
    expect(result.contact.companyId).not.toBeNull();
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).contactId).toBe(a.contact.id);
    expect((await db.contact.findUniqueOrThrow({ where: { id: b.contact.id } })).mergedIntoId).toBe(a.contact.id);
    // the merged email now finds the kept contact
    const again = await findOrCreateContact(ctx, sys, { email: bEmail });
    expect(again).toMatchObject({ created: false, contact: { id: a.contact.id } });
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, action: 'contact.merge', entityId: String(a.contact.id) } })).toBe(1);
    // merging an already merged contact again is refused
    await expect(mergeContacts(ctx, sys, a.contact.id, b.contact.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('search and visibility', () => {
  it('managers see contacts they own or have a lead for; heads see all; other workspaces are not found', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    const [m1, m2, head] = [await makeUser(db, ws.id, 'manager'), await makeUser(db, ws.id, 'manager'), await makeUser(db, ws.id, 'head')];
    const tag = uid();
    const own = await findOrCreateContact(ctx, actorOf(m1), { name: `Olga ${tag}`, phone: '+7 916 700 00 01' });
    const viaLead = await findOrCreateContact(ctx, sys, { name: `Oleg ${tag}`, email: `oleg-${tag}@acme.ru`, company: `Acme ${tag}` });
    await captureLead(ctx, sys, { contactId: viaLead.contact.id, source: 'email', text: 'price?', assigneeId: m1.id });
    const foreign = await findOrCreateContact(ctx, actorOf(m2), { name: `Oksana ${tag}` });

    const names = async (actor: ReturnType<typeof actorOf>, q: string) => (await searchContacts(ctx, actor, q, 10)).map((c) => c.id).sort();
    expect(await names(actorOf(m1), tag)).toEqual([own.contact.id, viaLead.contact.id].sort());
    expect(await names(actorOf(head), tag)).toEqual([own.contact.id, viaLead.contact.id, foreign.contact.id].sort());
    expect(await names(actorOf(head), `acme ${tag}`)).toEqual([viaLead.contact.id]);
    expect(await names(actorOf(head), `OLEG-${tag}@`)).toEqual([viaLead.contact.id]);
    expect(await names(actorOf(m1), '8 (916) 700-00-01')).toEqual([own.contact.id]);
    expect(await names(actorOf(m2), `oleg ${tag}`)).toEqual([]);

    await expect(getContact(ctx, actorOf(m2), viaLead.contact.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await getContact(ctx, actorOf(m1), viaLead.contact.id)).emails[0]?.email).toBe(`oleg-${tag}@acme.ru`);
    const elsewhere = await makeWorkspace(db);
    const outsider = await makeUser(db, elsewhere.id, 'head');
    await expect(getContact(ctx, actorOf(outsider), own.contact.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
