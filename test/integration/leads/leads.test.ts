import { describe, it, expect, inject, afterAll } from 'vitest';
import { testDb } from '../../support/db.js';
import { createPrisma } from '../../../connectors/db/client.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import type { Scheduler } from '../../../core/ports.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import {
  captureLead,
  pickRoundRobinAssignee,
  assignLead,
  takeLead,
  markLeadJunk,
  markFirstResponse,
  getLead,
  listLeads,
  openLeadForContact,
} from '../../../core/leads/index.js';
import { makeWorkspace, makeUser, actorOf } from '../contacts/contacts-support.js';
import { changeSetting } from '../../../core/workspaces/settings.js';

const db = testDb();
const ctx = dbContext(db);
const workers = [createPrisma(inject('databaseUrl'), 2), createPrisma(inject('databaseUrl'), 2), createPrisma(inject('databaseUrl'), 2)];
afterAll(async () => {
  await Promise.all(workers.map((c) => c.$disconnect()));
});

async function contactIn(ws: { id: number; locale: string; timezone: string }, name: string) {
  return (await findOrCreateContact(ctx, systemActor(ws), { name })).contact;
}

describe('round robin', () => {
  it('spreads leads evenly over on-duty active managers, also from parallel workers', async () => {
    const ws = await makeWorkspace(db);
    const managers = [await makeUser(db, ws.id, 'manager'), await makeUser(db, ws.id, 'manager'), await makeUser(db, ws.id, 'manager')];
    const offDuty = await makeUser(db, ws.id, 'manager', { onDuty: false });
    const inactive = await makeUser(db, ws.id, 'manager', { active: false });
    const head = await makeUser(db, ws.id, 'head');
    const contact = await contactIn(ws, 'Buyer');
    const sys = systemActor(ws);
    const clients = [db, ...workers];
    const leads = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        captureLead(dbContext(clients[i % clients.length]!), sys, { contactId: contact.id, source: 'telegram', text: `lead ${i}` }),
      ),
    );
    const counts = new Map<number | null, number>();
    for (const l of leads) counts.set(l.assigneeId, (counts.get(l.assigneeId) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(managers.map((m) => m.id).sort());
    // parallel picks can reorder stamps a little: the spread is even to within one lead
    const perManager = managers.map((m) => counts.get(m.id) ?? 0);
    expect(Math.max(...perManager) - Math.min(...perManager)).toBeLessThanOrEqual(1);
    expect(perManager.reduce((a, b) => a + b, 0)).toBe(12);
    expect(counts.has(offDuty.id) || counts.has(inactive.id) || counts.has(head.id)).toBe(false);
  });

  it('rotates strictly in order when leads come one at a time', async () => {
    const ws = await makeWorkspace(db);
    const managers = [await makeUser(db, ws.id, 'manager'), await makeUser(db, ws.id, 'manager'), await makeUser(db, ws.id, 'manager')];
    const picked: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) picked.push((await pickRoundRobinAssignee(ctx, ws.id))?.id);
    const ids = managers.map((m) => m.id);
    expect(picked).toEqual([...ids, ...ids]);
  });

  it('falls back to on-duty heads and admins, then to nobody', async () => {
    const ws = await makeWorkspace(db);
    await makeUser(db, ws.id, 'manager', { onDuty: false });
    const head = await makeUser(db, ws.id, 'head');
    expect((await pickRoundRobinAssignee(ctx, ws.id))?.id).toBe(head.id);
    await db.user.update({ where: { id: head.id }, data: { onDuty: false } });
    expect(await pickRoundRobinAssignee(ctx, ws.id)).toBeNull();
    const lead = await captureLead(ctx, systemActor(ws), { contactId: (await contactIn(ws, 'Nobody')).id, source: 'email', text: 'hello' });
    expect(lead.assigneeId).toBeNull();
    expect(lead.status).toBe('new');
  });
});

describe('lead lifecycle and permissions', () => {
  it('captures with due time, activity, audit and an SLA job after commit', async () => {
    const ws = await makeWorkspace(db);
    // as an admin sets it (/settings first-response 20), not in SQL
    await changeSetting(dbContext(db), systemActor(ws), 'first-response', '20');
    const m = await makeUser(db, ws.id, 'manager');
    const scheduled: Array<[number, Date]> = [];
    const scheduler: Scheduler = {
      scheduleReminder: async () => {},
      cancelReminder: async () => {},
      scheduleSlaCheck: async (id, due) => {
        // the lead is committed by the time the job is scheduled
        expect(await db.lead.count({ where: { id } })).toBe(1);
        scheduled.push([id, due]);
      },
    };
    const now = new Date('2026-03-05T10:00:00Z');
    const c = dbContext(db, { scheduler, clock: { now: () => now } });
    const contact = await contactIn(ws, 'Petr');
    const lead = await captureLead(c, systemActor(ws), { contactId: contact.id, source: 'telegram', text: 'Need 20 licences\nASAP' });
    expect(lead).toMatchObject({ status: 'new', assigneeId: m.id, title: 'Need 20 licences', firstMessage: 'Need 20 licences\nASAP' });
    expect(lead.firstResponseDueAt?.toISOString()).toBe('2026-03-05T10:20:00.000Z');
    expect(scheduled).toEqual([[lead.id, lead.firstResponseDueAt]]);
    expect(await db.activity.count({ where: { leadId: lead.id, type: 'lead.created' } })).toBe(1);
    expect(await db.auditLog.count({ where: { entity: 'lead', entityId: String(lead.id), action: 'lead.create' } })).toBe(1);
    expect((await openLeadForContact(ctx, contact.id))?.id).toBe(lead.id);

    const at = new Date('2026-03-05T10:05:00Z');
    expect((await markFirstResponse(ctx, lead.id, at))?.status).toBe('in_progress');
    await markFirstResponse(ctx, lead.id, new Date('2026-03-05T11:00:00Z'));
    const after = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(after.firstResponseAt?.toISOString()).toBe(at.toISOString());
    expect(await db.activity.count({ where: { leadId: lead.id, type: 'lead.first_response' } })).toBe(1);
  });

  it("a manager cannot read, take or junk another manager's lead; heads can assign", async () => {
    const ws = await makeWorkspace(db);
    const a = await makeUser(db, ws.id, 'manager', { onDuty: false });
    const b = await makeUser(db, ws.id, 'manager', { onDuty: false });
    const head = await makeUser(db, ws.id, 'head', { onDuty: false });
    const contact = await contactIn(ws, 'Client');
    const sys = systemActor(ws);
    const bLead = await captureLead(ctx, sys, { contactId: contact.id, source: 'email', text: 'x', assigneeId: b.id });
    const free = await captureLead(ctx, sys, { contactId: contact.id, source: 'email', text: 'y' });
    expect(free.assigneeId).toBeNull();

    await expect(getLead(ctx, actorOf(a), bLead.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(takeLead(ctx, actorOf(a), bLead.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(markLeadJunk(ctx, actorOf(a), bLead.id, 'spam')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(assignLead(ctx, actorOf(a), bLead.id, a.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await db.lead.findUniqueOrThrow({ where: { id: bLead.id } })).assigneeId).toBe(b.id);

    // lists: A sees the unassigned new lead, not B's; the head sees both
    expect((await listLeads(ctx, actorOf(a), { filter: 'new' })).map((l) => l.id)).toEqual([free.id]);
    expect((await listLeads(ctx, actorOf(head), { filter: 'open' })).map((l) => l.id)).toEqual([bLead.id, free.id]);

    expect((await takeLead(ctx, actorOf(a), free.id)).assigneeId).toBe(a.id);
    await expect(takeLead(ctx, actorOf(b), free.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await listLeads(ctx, actorOf(a), { filter: 'mine' })).map((l) => l.id)).toEqual([free.id]);

    expect((await assignLead(ctx, actorOf(head), bLead.id, a.id)).assigneeId).toBe(a.id);
    expect((await markLeadJunk(ctx, actorOf(a), bLead.id, 'spam')).status).toBe('junk');
    await expect(takeLead(ctx, actorOf(head), bLead.id)).rejects.toMatchObject({ code: 'conflict', key: 'invalid.lead_closed' });
    const other = await makeWorkspace(db);
    await expect(getLead(ctx, actorOf(await makeUser(db, other.id, 'head')), free.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('two managers taking one free lead at once, from separate workers: one owner, the other refused, one timeline entry', async () => {
    const ws = await makeWorkspace(db);
    const managers = [await makeUser(db, ws.id, 'manager', { onDuty: false }), await makeUser(db, ws.id, 'manager', { onDuty: false })];
    const contact = await contactIn(ws, 'Race');
    for (let round = 0; round < 5; round++) {
      const free = await captureLead(ctx, systemActor(ws), { contactId: contact.id, source: 'telegram', text: `race ${round}` });
      const results = await Promise.allSettled(managers.map((m, i) => takeLead(dbContext(workers[i]!), actorOf(m), free.id)));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'forbidden' } });
      const owner = (won[0] as PromiseFulfilledResult<{ assigneeId: number | null }>).value.assigneeId;
      expect((await db.lead.findUniqueOrThrow({ where: { id: free.id } })).assigneeId).toBe(owner);
      expect(await db.activity.count({ where: { leadId: free.id, type: 'lead.taken' } })).toBe(1);
    }
  });
});
