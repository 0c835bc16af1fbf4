// A brand-new customer's turn on the intake's lean transaction (connectors/db/direct.ts
// leanTransaction: raw statements on a held connection, no ORM work per statement), and its
// way back to the ORM's transaction when the turn needs it: new-lead rules to run, or a key
// another transaction claimed between the capture's guard and its insert. Either way the rows
// are those of one lead, written once.
import { describe, it, expect, inject } from 'vitest';
import pg from 'pg';
import { chatFixture, nextId, type ChatFixture } from './chat-fixture.js';
import { handleInbound, handleInboundOutcome } from '../../../core/chat/handle-inbound.js';
import type { ChatDeps } from '../../../core/chat/turn.js';
import type { DbOrTx } from '../../../core/db.js';
import { SqlCustomerIntake } from '../../../connectors/db/intake/index.js';
import { leanTransaction } from '../../../connectors/db/direct.js';
import { waitFor } from '../../support/wait.js';
import { isTransientError } from '../../../connectors/transient-error.js';

/** The fixture's intake, counting its lean transactions that committed and those that rolled back. */
function observed(f: ChatFixture) {
  const intake = new SqlCustomerIntake(f.db);
  const seen = { committed: 0, rolledBack: 0 };
  const lean = intake.leanTransaction!;
  Object.defineProperty(intake, 'leanTransaction', {
    value: async <T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> => {
      try {
        const result = await lean(fn);
        seen.committed++;
        return result;
      } catch (e) {
        seen.rolledBack++;
        throw e;
      }
    },
  });
  const deps: ChatDeps = { ...f.deps, intake };
  return { deps, seen };
}

/** A web lead's message (as a form or the REST API hands it in): a name and an e-mail, no chat. */
function webMessage(f: ChatFixture, email: string, text: string) {
  return f.msg({ id: email, name: 'Web Visitor' }, text, { channel: 'web', sender: { name: 'Web Visitor', email } });
}

describe('the lean new-customer turn', () => {
  it('commits contact, lead, message, audit rows and outbox items in one lean transaction', async () => {
    const f = await chatFixture('en');
    const { deps, seen } = observed(f);
    const who = { id: nextId(), name: 'Lena Lean' };
    const m = f.msg(who, 'Do you ship to Riga?');
    const outcome = await handleInboundOutcome(deps, m);
    expect(seen).toEqual({ committed: 1, rolledBack: 0 });
    const lead = await f.db.lead.findFirstOrThrow({
      where: { workspaceId: f.ws.id, contact: { name: 'Lena Lean' } },
      include: { conversation: { include: { messages: true } } },
    });
    // the outcome carries the lead as stored (what the REST API answers with, no read back)
    const { conversation: _conversation, ...stored } = lead;
    expect(outcome.createdLead).toEqual(stored);
    expect(lead.assigneeId).toBe(f.manager.id);
    expect(lead.conversation!.messages.map((x) => x.text)).toEqual(['Do you ship to Riga?']);
    const audits = await f.db.auditLog.findMany({ where: { workspaceId: f.ws.id, entity: { in: ['contact', 'lead'] } }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual(['contact.create', 'lead.create']);
    // the acknowledgement and the manager's notice were queued, and the event's pending items cleared
    expect(f.outbox.items.map((i) => i.dedupeKey)).toEqual(expect.arrayContaining([`ack:${m.dedupeKey}`, expect.stringContaining('notify:')]));
    const event = await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: m.dedupeKey } });
    expect(event.pendingOutbox).toBeNull();

    // the same event again: claimed before, nothing new
    await handleInbound(deps, m);
    expect(await f.db.message.count({ where: { conversationId: lead.conversationId! } })).toBe(1);
  });

  it('a workspace with new-lead rules: the lean turn rolls back and the ORM turn runs the rule, one lead and one task', async () => {
    const f = await chatFixture('en');
    await f.db.automationRule.create({ data: { workspaceId: f.ws.id, trigger: 'new_lead', offsetMinutes: 30 } });
    const { deps, seen } = observed(f);
    const m = webMessage(f, `rules-${nextId()}@example.com`, 'A quote, please');
    const outcome = await handleInboundOutcome(deps, m);
    expect(seen).toEqual({ committed: 0, rolledBack: 1 });
    // rules may change the lead after its capture: no lead in the outcome, the API reads it back
    expect(outcome.createdLead).toBeUndefined();
    const leads = await f.db.lead.findMany({ where: { workspaceId: f.ws.id } });
    expect(leads).toHaveLength(1);
    expect(await f.db.task.count({ where: { leadId: leads[0]!.id } })).toBe(1);
    expect(await f.db.contact.count({ where: { workspaceId: f.ws.id, name: 'Web Visitor' } })).toBe(1);
    expect(await f.db.message.count({ where: { workspaceId: f.ws.id, conversationId: leads[0]!.conversationId! } })).toBe(1);
  });

  it('an e-mail another transaction claims while the lean capture runs: rolled back, and the ORM turn joins that contact', async () => {
    const f = await chatFixture('en');
    const { deps, seen } = observed(f);
    const email = `race-${nextId()}@example.com`;
    const other = new pg.Client({ connectionString: inject('databaseUrl') });
    await other.connect();
    try {
      await other.query('BEGIN');
      const {
        rows: [contact],
      } = await other.query<{ id: number }>(
        `INSERT INTO "Contact" ("workspaceId", name, "nameKey", "updatedAt") VALUES ($1, 'Known Buyer', 'known buyer', now()) RETURNING id`,
        [f.ws.id],
      );
      await other.query(`INSERT INTO "ContactEmail" ("workspaceId", "contactId", email) VALUES ($1, $2, $3)`, [f.ws.id, contact!.id, email]);
      // the turn's guard does not see the uncommitted e-mail; its insert waits on the unique key
      const turn = handleInbound(deps, webMessage(f, email, 'Still interested'));
      // (read on another connection: a transaction sees one snapshot of pg_stat_activity)
      await waitFor(async () => {
        const rows = await f.db.$queryRawUnsafe<unknown[]>(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%"ContactEmail"%' AND pid <> pg_backend_pid()`,
        );
        return rows.length > 0;
      }, 'the lean capture waiting on the e-mail key');
      await other.query('COMMIT');
      await turn;
      expect(seen).toEqual({ committed: 0, rolledBack: 1 });
      const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
      expect(lead.contactId).toBe(contact!.id);
      expect(await f.db.contactEmail.count({ where: { workspaceId: f.ws.id, email } })).toBe(1);
      expect(await f.db.contact.count({ where: { workspaceId: f.ws.id } })).toBe(1);
    } finally {
      await other.end();
    }
  });
});

describe('leanTransaction', () => {
  it('commits its raw statements; anything else on its handle throws and rolls back what it wrote', async () => {
    const f = await chatFixture('en');
    const key = `lean-${nextId()}`;
    const id = await leanTransaction(f.db, async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO "InboundEvent" ("dedupeKey", source) VALUES ($1, 'web') RETURNING id`, key);
      expect(await tx.$executeRawUnsafe(`UPDATE "InboundEvent" SET "processedAt" = now() WHERE "dedupeKey" = $1`, key)).toBe(1);
      return rows[0]!.id;
    });
    expect((await f.db.inboundEvent.findUniqueOrThrow({ where: { dedupeKey: key } })).id).toBe(id);

    const gone = `lean-${nextId()}`;
    const refused = leanTransaction(f.db, async (tx) => {
      await tx.$executeRawUnsafe(`INSERT INTO "InboundEvent" ("dedupeKey", source) VALUES ($1, 'web')`, gone);
      return tx.lead.findMany();
    });
    await expect(refused).rejects.toThrow(/raw statements only; lead needs Prisma's transaction/);
    expect(await f.db.inboundEvent.count({ where: { dedupeKey: gone } })).toBe(0);
    // a handle that is not the process client's has no pool to hold a connection from
    await expect(leanTransaction({} as DbOrTx, async () => 1)).rejects.toThrow(/needs the process client/);
  });

  it('a connection lost between two statements fails the transaction (a transient error), not the process', async () => {
    const f = await chatFixture('en');
    const done = leanTransaction(f.db, async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
      const pid = row!.pid;
      // the server ends this connection while the turn waits between statements (on Redis, say)
      await f.db.$queryRawUnsafe('SELECT pg_terminate_backend($1::int)', pid);
      await waitFor(
        async () => (await f.db.$queryRawUnsafe<unknown[]>('SELECT 1 FROM pg_stat_activity WHERE pid = $1::int', pid)).length === 0,
        'the backend to end',
      );
      // let the client read the end of its connection before the next statement
      await new Promise((r) => setTimeout(r, 100));
      return tx.$queryRawUnsafe('SELECT 1');
    });
    const error = await done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTransientError(error)).toBe(true);
    // the pool goes on with fresh connections
    expect(await leanTransaction(f.db, async (tx) => tx.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok'))).toEqual([{ ok: 1 }]);
  });

  it('a transaction left idle past its timeout is ended by Postgres: its rows go, the caller gets a transient error', async () => {
    const f = await chatFixture('en');
    const key = `lean-idle-${nextId()}`;
    const done = leanTransaction(
      f.db,
      async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO "InboundEvent" ("dedupeKey", source) VALUES ($1, 'web')`, key);
        const [row] = await tx.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
        // stuck between statements (a Redis call that does not return): wait until the server has ended the session
        await waitFor(
          async () => (await f.db.$queryRawUnsafe<unknown[]>('SELECT 1 FROM pg_stat_activity WHERE pid = $1::int', row!.pid)).length === 0,
          'the idle transaction to be ended',
        );
        await new Promise((r) => setTimeout(r, 100));
        return tx.$queryRawUnsafe('SELECT 1');
      },
      { idleTimeoutMs: 300 },
    );
    const error = await done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTransientError(error)).toBe(true);
    expect(await f.db.inboundEvent.count({ where: { dedupeKey: key } })).toBe(0);
  });
});
