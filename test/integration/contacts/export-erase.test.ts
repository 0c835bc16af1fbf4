import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { mergeContacts } from '../../../core/contacts/merge-contacts.js';
import { proposeMerge } from '../../../core/contacts/merge-proposals.js';
import { exportContact } from '../../../core/contacts/export-contact.js';
import { eraseContact } from '../../../core/contacts/erase-contact.js';
import { captureLead } from '../../../core/leads/capture-lead.js';
import { defaultPipeline } from '../../../core/workspaces/default-pipeline.js';
import { makeWorkspace, makeUser, actorOf } from './contacts-support.js';

const db = testDb();
const ctx = dbContext(db);

/** Tables with a row whose text form mentions any term (row-to-text covers every column, JSON included). */
async function tablesMentioning(terms: string[]): Promise<string[]> {
  const tables = await db.$queryRaw<
    Array<{ tablename: string }>
  >`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  const patterns = terms.map((t) => `%${t.toLowerCase()}%`);
  const hits: string[] = [];
  for (const { tablename } of tables) {
    const rows = await db.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM "${tablename}" t WHERE lower(t::text) LIKE ANY($1::text[])`,
      patterns,
    );
    if (Number(rows[0]?.n ?? 0) > 0) hits.push(tablename);
  }
  return hits;
}

describe('export and erase', () => {
  it('exports everything about the person, then erases it everywhere but keeps anonymised aggregates', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    const manager = await makeUser(db, ws.id, 'manager');
    const tag = randomUUID().slice(0, 8);
    const name = `Zinaida ${tag}`;
    const email = `zina-${tag}@private.test`;
    const tgId = `9${Date.now()}`;
    const found = await findOrCreateContact(ctx, sys, {
      identity: { channel: 'telegram', externalId: tgId, chatId: tgId, displayName: name, username: `zina_${tag}` },
      email,
      phone: '+7 916 300 00 01',
    });
    // a second record of her, merged in
    const other = await findOrCreateContact(ctx, sys, { name, phone: '+7 916 300 00 02' });
    await mergeContacts(ctx, sys, found.contact.id, other.contact.id);
    // and a merge question naming her address
    const third = await findOrCreateContact(ctx, sys, { name: 'Someone else', phone: '+7 916 300 00 03' });
    await proposeMerge(ctx, sys, found.contact.id, third.contact.id, 'email', email);
    const contactId = found.contact.id;
    const conversation = await db.conversation.create({
      data: { workspaceId: ws.id, contactId, channel: 'telegram', identityId: found.identity!.id, subject: `Order for ${name}` },
    });
    await db.message.create({
      data: {
        workspaceId: ws.id,
        conversationId: conversation.id,
        direction: 'inbound',
        channel: 'telegram',
        externalId: `${tgId}:1`,
        text: `Hi, I am ${name}, mail me at ${email}`,
        attachments: [{ kind: 'photo', name: `${tag}.jpg` }],
      },
    });
    const lead = await captureLead(ctx, sys, {
      contactId,
      source: 'telegram',
      text: `I am ${name}, need 3 seats`,
      conversationId: conversation.id,
      assigneeId: manager.id,
    });
    const pipeline = await defaultPipeline(db, ws.id);
    const deal = await db.deal.create({
      data: {
        workspaceId: ws.id,
        pipelineId: pipeline.id,
        stageId: pipeline.stages[2]!.id,
        title: `${name} seats`,
        titleKey: `${name} seats`.toLowerCase(),
        amount: '1500.00',
        currency: 'EUR',
        ownerId: manager.id,
        contactId,
        leadId: lead.id,
      },
    });
    await db.task.create({ data: { workspaceId: ws.id, title: `Call ${name}`, dueAt: new Date(), assigneeId: manager.id, contactId } });
    await db.activity.create({ data: { workspaceId: ws.id, type: 'note', contactId, data: { text: `${name} prefers calls` } } });

    // managers who do not own her cannot export; the owner of her lead can
    const stranger = await makeUser(db, ws.id, 'manager');
    await expect(exportContact(ctx, actorOf(stranger), contactId)).rejects.toMatchObject({ code: 'forbidden' });
    const exported = await exportContact(ctx, actorOf(manager), contactId);
    const json = JSON.stringify(exported);
    for (const term of [name, email, '+79163000001', '+79163000002', tgId, 'need 3 seats', `${tag}.jpg`, 'prefers calls']) expect(json).toContain(term);
    expect((exported.mergedContacts as unknown[]).length).toBe(1);
    expect((exported.deals as Array<{ amount: string }>)[0]!.amount).toBe('1500');

    expect(await tablesMentioning([email])).toEqual(expect.arrayContaining(['AuditLog', 'ContactEmail', 'Message', 'ContactMerge']));
    // erasing is for heads and admins
    await expect(eraseContact(ctx, actorOf(manager), contactId)).rejects.toMatchObject({ code: 'forbidden' });
    const result = await eraseContact(ctx, sys, contactId);
    expect(result).toMatchObject({ alreadyErased: false, leads: 1, deals: 1, conversations: 1, messages: 1 });
    expect(result.contactIds.sort()).toEqual([contactId, other.contact.id].sort());

    const personal = [name, email, '+79163000001', '79163000002', tgId, `zina_${tag}`, 'need 3 seats', `${tag}.jpg`, 'prefers calls'];
    // the check can fail: before the erase these tables do mention her
    expect(await tablesMentioning([tag])).toEqual([]);
    expect(await tablesMentioning(personal)).toEqual([]);
    const after = JSON.stringify(await exportContact(ctx, sys, contactId));
    expect(after).not.toContain(tag);
    // aggregates stay
    const keptLead = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(keptLead).toMatchObject({ source: 'telegram', status: 'new', assigneeId: manager.id, firstMessage: null, title: `Lead #${lead.id}` });
    const keptDeal = await db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect([keptDeal.amount?.toString(), keptDeal.currency, keptDeal.stageId, keptDeal.title]).toEqual([
      '1500',
      'EUR',
      pipeline.stages[2]!.id,
      `Deal #${deal.id}`,
    ]);
    expect(await db.message.count({ where: { conversationId: conversation.id } })).toBe(1);
    const erased = await db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(erased.name).toBe(`Erased contact #${contactId}`);
    expect(erased.erasedAt).not.toBeNull();
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, action: 'contact.erase', entityId: String(contactId) } })).toBe(1);

    // idempotent, and she is not found by her old keys
    expect((await eraseContact(ctx, sys, contactId)).alreadyErased).toBe(true);
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, action: 'contact.erase', entityId: String(contactId) } })).toBe(1);
    const fresh = await findOrCreateContact(ctx, sys, { email });
    expect(fresh.created).toBe(true);
    expect(fresh.contact.id).not.toBe(contactId);
  });
});
