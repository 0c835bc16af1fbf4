// `leadline merge contacts KEEP MERGE` and `leadline merge undo N`: the same use case as /merge
// in chat, for operators; the undo puts back exactly what moved.
import { describe, it, expect, inject } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { systemActor } from '../../../core/actor.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { captureLead } from '../../../core/leads/index.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { createOutbox } from '../../../connectors/queue/workers.js';
import { outboundJobId } from '../../../connectors/queue/outbound-queue.js';
import { runLeadline } from '../../support/cli.js';

const db = testDb();

const PREFIX = `t-merge-cli-${process.pid}`;

const leadline = (...args: string[]) => runLeadline(args, { DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'silent', QUEUE_PREFIX: PREFIX });

describe('leadline merge', { timeout: 180_000 }, () => {
  it('merges two contacts (their open leads become one) and undoes it', async () => {
    const slug = uniqueSlug('merge');
    const ws = await ensureWorkspace(db, slug, { timezone: 'UTC', locale: 'en' });
    const ctx = dbContext(db);
    const sys = systemActor(ws);
    const a = await findOrCreateContact(ctx, sys, { email: `a-${slug}@example.com`, name: 'Anna' });
    const b = await findOrCreateContact(ctx, sys, { identity: { channel: 'telegram', externalId: `tg-${slug}` }, phone: '+79990001122', name: 'Anna T' });
    // two managers, each with one of the person's leads, reachable on Telegram
    const managers = [];
    for (const name of ['Mary', 'Peter']) {
      const user = await db.user.create({ data: { workspaceId: ws.id, name, role: 'manager', locale: 'en' } });
      await db.identity.create({
        data: { workspaceId: ws.id, channel: 'telegram', externalId: `${slug}-${name}`, chatId: `${slug}-${name}`, userId: user.id },
      });
      managers.push(user);
    }
    const leadA = await captureLead(ctx, sys, { contactId: a.contact.id, source: 'email', text: 'Hello', assigneeId: managers[0]!.id });
    const leadB = await captureLead(ctx, sys, { contactId: b.contact.id, source: 'telegram', text: 'Hi', assigneeId: managers[1]!.id });

    const merged = await leadline('merge', 'contacts', String(a.contact.id), String(b.contact.id), '--workspace', slug, '--json');
    expect(merged.code, merged.stderr).toBe(0);
    const out = JSON.parse(merged.stdout) as { mergeId: number; moved: Record<string, number>; foldedLeads: { id: number; intoId: number }[] };
    expect(out.moved).toMatchObject({ identities: 1, phones: 1, leads: 1 });
    expect(out.foldedLeads).toMatchObject([{ id: leadB.id, intoId: leadA.id }]);
    expect((await db.lead.findUniqueOrThrow({ where: { id: leadB.id } })).status).toBe('merged');
    // both managers are told, through the outbound queue
    const settings = queueSettings('redis://127.0.0.1:6379', PREFIX);
    const outbox = createOutbox(settings);
    try {
      for (const m of managers) {
        const job = await outbox.queue.getJob(outboundJobId(`merge:folded:${out.mergeId}:${leadB.id}:${m.id}`));
        expect(job?.data.item.text).toBe(
          `One customer, one lead: lead #${leadB.id} (Anna, was Peter) was merged into lead #${leadA.id} (Mary). Its messages are in /history lead ${leadA.id}.`,
        );
      }
    } finally {
      await outbox.queue.obliterate({ force: true });
      await outbox.close();
      await settings.close();
    }
    expect(await db.auditLog.count({ where: { workspaceId: ws.id, action: 'contact.merge', actorKind: 'system' } })).toBe(1);

    const undone = await leadline('merge', 'undo', String(out.mergeId), '--workspace', slug);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stdout.trim()).toBe(`Merge ${out.mergeId} undone: contacts #${a.contact.id} and #${b.contact.id} are separate again, with what was theirs.`);
    expect((await db.contactPhone.findFirstOrThrow({ where: { workspaceId: ws.id } })).contactId).toBe(b.contact.id);
    expect((await db.lead.findUniqueOrThrow({ where: { id: leadB.id } })).status).toBe('new');

    const again = await leadline('merge', 'undo', String(out.mergeId), '--workspace', slug);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`merge #${out.mergeId}`);
  });
});
