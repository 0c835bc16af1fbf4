// Concurrent requests share statements (connectors/db/group-commit.ts): the REST API's lead
// read (connectors/db/stores/api.ts), and the clearing of turns' pending outbox items
// (connectors/db/intake/sql-intake.ts). Each caller still gets exactly its own answer, read as
// Prisma would read it (times as instants), with fewer statements than callers. The key
// look-up every API request starts with is one key per statement, on a plan Postgres keeps.
import { describe, it, expect, vi, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { createPrisma, poolOf } from '../../../connectors/db/client.js';
import { sqlApiStore } from '../../../connectors/db/stores/api.js';
import { SqlCustomerIntake } from '../../../connectors/db/intake/index.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { hashApiKey } from '../../../core/api/api-keys.js';

describe('statements shared by concurrent callers', () => {
  it('API keys and leads: each caller its own row, revoked and unknown keys included; leads in fewer statements, keys on a kept plan', async () => {
    const db = testDb();
    const ws = await ensureWorkspace(db, `shared-${randomUUID().slice(0, 8)}`, { timezone: 'Europe/Moscow', locale: 'en' });
    const revokedAt = new Date('2026-11-30T21:15:00.123Z');
    const live = await db.apiKey.create({
      data: { workspaceId: ws.id, name: 'live', prefix: 'll_live', keyHash: hashApiKey(`live-${ws.id}`), scopes: ['leads:write'] },
    });
    const gone = await db.apiKey.create({
      data: { workspaceId: ws.id, name: 'gone', prefix: 'll_gone', keyHash: hashApiKey(`gone-${ws.id}`), scopes: [], revokedAt },
    });
    const contacts = await Promise.all([0, 1, 2].map((i) => db.contact.create({ data: { workspaceId: ws.id, name: `Buyer ${i}`, nameKey: `buyer ${i}` } })));
    const refs = [];
    const leads = [];
    for (const [i, contact] of contacts.entries()) {
      const conversation = await db.conversation.create({ data: { workspaceId: ws.id, contactId: contact.id, channel: 'web' } });
      await db.message.create({
        data: {
          workspaceId: ws.id,
          conversationId: conversation.id,
          direction: 'inbound',
          channel: 'web',
          externalId: `m-${ws.id}-${i}`,
          text: 'hi',
          createdAt: new Date(Date.UTC(2026, 10, 3, 9, i, 7, 250)),
        },
      });
      leads.push(
        await db.lead.create({ data: { workspaceId: ws.id, contactId: contact.id, conversationId: conversation.id, source: 'web', title: `Lead ${i}` } }),
      );
      refs.push({ workspaceId: ws.id, channel: 'web', externalId: `m-${ws.id}-${i}` });
    }

    const query = vi.spyOn(poolOf(db)!.pool, 'query');
    try {
      const hashes = [live.keyHash, gone.keyHash, hashApiKey('nobody'), ...Array.from({ length: 9 }, (_, i) => (i % 2 ? live.keyHash : gone.keyHash))];
      const keys = await Promise.all(hashes.map((h) => sqlApiStore.keyByHash(db, h)));
      expect(keys.map((k) => k?.name ?? null)).toEqual(['live', 'gone', null, 'gone', 'live', 'gone', 'live', 'gone', 'live', 'gone', 'live', 'gone']);
      expect(keys[1]!.revokedAt).toEqual(revokedAt);
      expect(keys[0]!).toMatchObject({
        id: live.id,
        workspaceId: ws.id,
        scopes: ['leads:write'],
        revokedAt: null,
        lastUsedAt: null,
        wsLocale: 'en',
        userId: null,
      });

      // past its first few runs, Postgres runs the look-up on the plan it made once instead of
      // planning it each time (a client of its own with one connection: what Postgres keeps for
      // it is this test's alone)
      const own = createPrisma(inject('databaseUrl'), 1);
      try {
        for (let i = 0; i < 12; i++) await sqlApiStore.keyByHash(own, i % 2 ? live.keyHash : gone.keyHash);
        const [plans] = (
          await poolOf(own)!.pool.query<{ generic: number; custom: number }>(
            `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement LIKE '%FROM "ApiKey" k%'`,
          )
        ).rows;
        expect(plans!.generic).toBeGreaterThan(0);
        expect(plans!.custom).toBeLessThanOrEqual(5);
      } finally {
        await own.$disconnect();
      }

      // a lone caller's statement goes at once; with two in flight, everyone else waits and goes together
      query.mockClear();
      const asked = [...refs, { ...refs[0]!, externalId: 'no-such-message' }, ...refs];
      const found = await Promise.all(asked.map((r) => sqlApiStore.leadOfMessage(db, r)));
      expect(query.mock.calls.length).toBeLessThanOrEqual(3);
      expect(found.map((l) => l?.lead.id ?? null)).toEqual([...leads.map((l) => l.id), null, ...leads.map((l) => l.id)]);
      expect(found[2]!.lead).toEqual(leads[2]);
      // the time the message was stored (kept in UTC), read as that instant
      expect(found[2]!.messageAt).toEqual(new Date(Date.UTC(2026, 10, 3, 9, 2, 7, 250)));
    } finally {
      query.mockRestore();
    }
  });

  it("turns' pending items are cleared together; a forward marker stays", async () => {
    const db = testDb();
    const intake = new SqlCustomerIntake(db);
    const keys = Array.from({ length: 8 }, () => `shared-clear-${randomUUID()}`);
    const marker = { forward: true };
    for (const [i, key] of keys.entries()) {
      await db.inboundEvent.create({ data: { dedupeKey: key, source: 'web', pendingOutbox: i === 7 ? marker : [{ text: `item ${i}` }] } });
    }
    const query = vi.spyOn(poolOf(db)!.pool, 'query');
    try {
      await Promise.all(keys.map((k) => intake.clearPending(k)));
      expect(query.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      query.mockRestore();
    }
    const rows = await db.inboundEvent.findMany({ where: { dedupeKey: { in: keys } } });
    const pending = new Map(rows.map((r) => [r.dedupeKey, r.pendingOutbox]));
    expect(keys.map((k) => pending.get(k) ?? null)).toEqual([null, null, null, null, null, null, null, marker]);
  });
});
