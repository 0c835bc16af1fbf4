// A transaction is one pg connection: its queries go one at a time (connectors/db/serial-transactions.ts).
// pg warns (a DeprecationWarning, once per process) when a query is piled onto a client that
// is still busy with two others. Each test checks that no such warning was emitted; the last one
// piles queries onto a raw pg client to show the detector was live all along (once per process:
// had an earlier test piled queries up, it would have failed, and this one would too).
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { chatFixture, nextId } from '../chat/chat-fixture.js';

const PILED = /client\.query\(\) when the client is already executing a query/;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
process.on('warning', onWarning);
afterAll(() => void process.off('warning', onWarning));
/** warnings are emitted on the next tick: let them arrive, then read them */
const piledUp = async () => {
  await new Promise((r) => setImmediate(r));
  return warnings.filter((w) => PILED.test(w.message)).map((w) => w.message);
};

describe('one query at a time in a transaction', () => {
  it('loads a record with four relations inside a transaction (Prisma reads them with Promise.all)', async () => {
    const f = await chatFixture('en');
    await f.send(f.msg({ id: nextId(), name: 'Zoe Customer' }, 'Hello, 20 seats please'));
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    await f.asManager(`/deal ${lead.id} 1700000 RUB`);
    const company = await f.db.company.create({ data: { workspaceId: f.ws.id, name: 'Acme', nameKey: `acme-${nextId()}` } });
    await f.db.deal.updateMany({ where: { workspaceId: f.ws.id }, data: { companyId: company.id } });

    const deal = await f.db.$transaction((tx) =>
      tx.deal.findFirstOrThrow({ where: { workspaceId: f.ws.id }, include: { stage: true, owner: true, contact: true, company: true } }),
    );
    expect(deal.amount?.toString()).toBe('1700000');
    expect(deal.stage.name).toBeTruthy();
    expect(deal.owner?.id).toBe(f.manager.id);
    expect(deal.contact?.name).toBe('Zoe Customer');
    expect(deal.company?.name).toBe('Acme');
    expect(await piledUp()).toEqual([]);
  });

  it("a head's /digest in the chat turn's transaction: the team digest's six reads at once", async () => {
    const f = await chatFixture('en');
    const head = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Hana Head', role: 'head', locale: 'en' } });
    const headTg = nextId();
    await f.db.identity.create({ data: { workspaceId: f.ws.id, channel: 'telegram', externalId: headTg, chatId: headTg, userId: head.id } });
    await f.send(f.msg({ id: nextId(), name: 'Zoe Customer' }, 'Hello'));
    const replies = await f.send(f.msg({ id: headTg, name: 'Hana Head' }, '/digest'));
    expect(replies.map((r) => r.text).join('\n')).toMatch(/^Team digest/);
    expect(await piledUp()).toEqual([]);
  });

  it('the detector was live: three queries at once on one raw pg client are warned about', async () => {
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      await Promise.all([1, 2, 3].map(() => client.query('SELECT pg_sleep(0.01)')));
    } finally {
      await client.end();
    }
    expect(await piledUp()).toHaveLength(1);
  });
});
