// Customer value, /top and the team digest's value sections against plain SQL over the same
// seeded rows: the demo (`seed --demo`, eight weeks of history in two currencies) is seeded
// once; every figure the use cases give is recomputed here with a straightforward query
// written independently of the store's statements.
import { beforeAll, describe, expect, it } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ManualClock } from '../../support/team.js';
import { seedDemo } from '../../../core/demo/seed-demo.js';
import { dbContext, sqlStores } from '../../../connectors/db/stores/index.js';
import { actorForUser } from '../../../core/users/index.js';
import type { Actor } from '../../../core/actor.js';
import { companyValue, contactValue, type CustomerValue } from '../../../core/value/customer-value.js';
import { topCustomers } from '../../../core/value/top-customers.js';
import { composeTeamDigest } from '../../../core/digests/compose-team.js';
import { renderDigestText } from '../../../core/digests/render-text.js';
import { digestChartSpec } from '../../../connectors/charts/digest-chart-spec.js';
import { isDomainError } from '../../../core/errors.js';

const db = testDb();
// Tuesday 1 December 2026, 10:45 in Moscow
const NOW = new Date('2026-12-01T07:45:00Z');
const clock = new ManualClock(NOW);
const ctx = dbContext(db, { clock });

let workspaceId: number;
let head: Actor;
let manager: Actor;

const money2 = (v: string | number | null) => (v === null ? null : Number(v).toFixed(2));

type DealRow = { id: number; status: string; currency: string | null; n: number; total: string | null };

/** The value of a set of contacts (and a company's own deals), in plain SQL. */
async function plainValue(contactIds: number[], companyId: number | null) {
  const deals = await db.$queryRawUnsafe<DealRow[]>(
    `SELECT 0 AS id, status::text AS status, trim(currency) AS currency, count(*)::int AS n, sum(amount)::text AS total
       FROM "Deal" WHERE "workspaceId" = $1 AND ("contactId" = ANY($2::int[]) OR ($3::int IS NOT NULL AND "companyId" = $3::int))
      GROUP BY status, trim(currency)`,
    workspaceId,
    contactIds,
    companyId,
  );
  const [msg] = await db.$queryRawUnsafe<Array<{ first: Date | null; last: Date | null }>>(
    `SELECT min(m."createdAt") AS first, max(m."createdAt") AS last FROM "Conversation" c JOIN "Message" m ON m."conversationId" = c.id
      WHERE c."contactId" = ANY($1::int[])`,
    contactIds,
  );
  const [resp] = await db.$queryRawUnsafe<Array<{ avg: number | null; n: number }>>(
    `SELECT avg(extract(epoch FROM ("firstResponseAt" - "createdAt")))::float8 AS avg, count(*) FILTER (WHERE "firstResponseAt" IS NOT NULL)::int AS n
       FROM "Lead" WHERE "contactId" = ANY($1::int[])`,
    contactIds,
  );
  const sums = (status: string) =>
    deals
      .filter((d) => d.status === status && d.currency)
      .map((d) => ({ currency: d.currency!, amount: money2(d.total ?? 0)! }))
      .sort((a, b) => a.currency.localeCompare(b.currency));
  const count = (status: string) => deals.filter((d) => d.status === status).reduce((s, d) => s + d.n, 0);
  return {
    won: sums('won'),
    open: sums('open'),
    wonDeals: count('won'),
    lostDeals: count('lost'),
    openDeals: count('open'),
    firstInteraction: msg?.first ?? null,
    lastInteraction: msg?.last ?? null,
    avgResponseSeconds: resp?.avg === null || resp?.avg === undefined ? null : Math.round(resp.avg),
    respondedLeads: resp?.n ?? 0,
  };
}

const shaped = (v: CustomerValue) => ({
  ...v,
  won: v.won.map((m) => ({ currency: m.currency, amount: money2(m.amount) })),
  open: v.open.map((m) => ({ currency: m.currency, amount: money2(m.amount) })),
});

beforeAll(async () => {
  const slug = uniqueSlug('value');
  const seeded = await seedDemo(db, sqlStores, { slug, locale: 'en', clock });
  workspaceId = (await db.workspace.findUniqueOrThrow({ where: { slug } })).id;
  head = await actorForUser(db, seeded.users.find((u) => u.role === 'head')!.id);
  manager = await actorForUser(db, seeded.users.find((u) => u.role === 'manager')!.id);
}, 300_000);

describe('customer value', { timeout: 300_000 }, () => {
  it('per contact: every contact with deals, and some without, equal the plain SQL figures', async () => {
    const withDeals = await db.deal.findMany({ where: { workspaceId, contactId: { not: null } }, select: { contactId: true }, distinct: ['contactId'] });
    const without = await db.contact.findMany({ where: { workspaceId, deals: { none: {} } }, select: { id: true }, take: 5 });
    const ids = [...withDeals.map((d) => d.contactId!), ...without.map((c) => c.id)];
    expect(withDeals.length).toBeGreaterThan(20);
    let wonSeen = 0;
    let lostSeen = 0;
    let multiCurrency = 0;
    let withMessages = 0;
    let withResponse = 0;
    for (const id of ids) {
      const got = shaped(await contactValue(ctx, head, id));
      expect(got, `contact #${id}`).toEqual(await plainValue([id], null));
      if (got.wonDeals) wonSeen++;
      if (got.lostDeals) lostSeen++;
      if (new Set([...got.won, ...got.open].map((m) => m.currency)).size > 1) multiCurrency++;
      if (got.firstInteraction && got.lastInteraction! > got.firstInteraction) withMessages++;
      if (got.avgResponseSeconds !== null && got.avgResponseSeconds > 0) withResponse++;
    }
    // the seed exercises every figure
    expect(wonSeen).toBeGreaterThan(0);
    expect(lostSeen).toBeGreaterThan(0);
    expect(multiCurrency + wonSeen).toBeGreaterThan(1);
    expect(withMessages).toBeGreaterThan(0);
    expect(withResponse).toBeGreaterThan(0);
  });

  it('per company: its contacts and the deals filed under it', async () => {
    const companies = await db.company.findMany({ where: { workspaceId }, select: { id: true } });
    expect(companies.length).toBeGreaterThan(0);
    let withWon = 0;
    for (const c of companies) {
      const contacts = await db.contact.findMany({ where: { workspaceId, companyId: c.id, mergedIntoId: null, erasedAt: null }, select: { id: true } });
      const { name: _n, contacts: count, tags: _t, ...got } = await companyValue(ctx, head, c.id);
      expect(count).toBe(contacts.length);
      expect(shaped(got), `company #${c.id}`).toEqual(
        await plainValue(
          contacts.map((x) => x.id),
          c.id,
        ),
      );
      if (got.wonDeals) withWon++;
    }
    expect(withWon).toBeGreaterThan(0);
  });

  it('a manager sees the value of their own contacts only', async () => {
    const own = await db.deal.findFirstOrThrow({ where: { workspaceId, ownerId: manager.userId, contactId: { not: null } } });
    const mine = await contactValue(ctx, manager, own.contactId!);
    expect(mine.openDeals + mine.wonDeals + mine.lostDeals).toBeGreaterThan(0);
    const other = await db.contact.findFirstOrThrow({
      where: {
        workspaceId,
        leads: { some: { assigneeId: { not: manager.userId } }, none: { assigneeId: manager.userId } },
        deals: { none: { ownerId: manager.userId } },
      },
    });
    const refused = await contactValue(ctx, manager, other.id).catch((e: unknown) => e);
    expect(isDomainError(refused) && refused.code).toBe('forbidden');
  });

  it('/top: contacts and companies by won amount over 30 and 365 days, per currency, like a plain GROUP BY', async () => {
    for (const days of [30, 365] as const) {
      for (const kind of ['contact', 'company'] as const) {
        const top = await topCustomers(ctx, head, { kind, days, limit: 5 });
        const start = new Date(NOW.getTime() - days * 86_400_000);
        const key = kind === 'contact' ? 'd."contactId"' : 'COALESCE(d."companyId", c."companyId")';
        const rows = await db.$queryRawUnsafe<Array<{ id: number; currency: string; total: string; n: number }>>(
          `SELECT ${key} AS id, trim(d.currency) AS currency, sum(d.amount)::text AS total, count(*)::int AS n
             FROM "Deal" d LEFT JOIN "Contact" c ON c.id = d."contactId"
            WHERE d."workspaceId" = $1 AND d.status = 'won' AND d."closedAt" >= $2 AND d."closedAt" < $3
              AND d.amount IS NOT NULL AND d.currency IS NOT NULL AND ${key} IS NOT NULL
            GROUP BY 1, 2`,
          workspaceId,
          start,
          NOW,
        );
        const expected = [...new Set(rows.map((r) => r.currency))].sort().map((currency) => ({
          currency,
          rows: rows
            .filter((r) => r.currency === currency)
            .sort((a, b) => Number(b.total) - Number(a.total) || b.n - a.n || a.id - b.id)
            .slice(0, 5)
            .map((r) => ({ id: r.id, total: money2(r.total), n: r.n })),
        }));
        const got = top.byCurrency.map((g) => ({ currency: g.currency, rows: g.rows.map((r) => ({ id: r.id, total: money2(r.total), n: r.n })) }));
        expect(got, `${kind} ${days} days`).toEqual(expected);
        if (days === 365) expect(got.length).toBeGreaterThan(0);
      }
    }
    const refused = await topCustomers(ctx, manager, { kind: 'contact', days: 30 }).catch((e: unknown) => e);
    expect(isDomainError(refused) && refused.code).toBe('forbidden');
  });

  it('the weekly team digest: lost reasons, managers, response shares and top customers equal plain SQL; text and chart show them', async () => {
    const d = await composeTeamDigest(ctx, head.userId, 'weekly', NOW);
    const v = d.value!;
    const { start, end } = d.period;
    const lost = await db.$queryRawUnsafe<Array<{ reason: string | null; n: number }>>(
      `SELECT NULLIF(lower(btrim("lostReason")), '') AS reason, count(*)::int AS n FROM "Deal"
        WHERE "workspaceId" = $1 AND status = 'lost' AND "closedAt" >= $2 AND "closedAt" < $3 GROUP BY 1`,
      workspaceId,
      start,
      end,
    );
    expect(lost.length).toBeGreaterThan(0);
    expect(Object.fromEntries(v.lostReasons.map((r) => [r.reason?.toLowerCase() ?? null, r.count]))).toEqual(
      Object.fromEntries(lost.map((r) => [r.reason, r.n])),
    );
    expect(v.lostTotal).toBe(lost.reduce((s, r) => s + r.n, 0));
    expect(v.lostTotal).toBe(d.conversion.lost.current);

    const leads = await db.$queryRawUnsafe<Array<{ uid: number; leads: number; converted: number }>>(
      `SELECT l."assigneeId" AS uid, count(*)::int AS leads,
              count(*) FILTER (WHERE l.status = 'converted' OR EXISTS (SELECT 1 FROM "Deal" x WHERE x."leadId" = l.id))::int AS converted
         FROM "Lead" l WHERE l."workspaceId" = $1 AND l."assigneeId" IS NOT NULL AND l."createdAt" >= $2 AND l."createdAt" < $3 GROUP BY 1`,
      workspaceId,
      start,
      end,
    );
    const won = await db.$queryRawUnsafe<Array<{ uid: number; currency: string; n: number; total: string }>>(
      `SELECT "ownerId" AS uid, trim(currency) AS currency, count(*)::int AS n, sum(amount)::text AS total FROM "Deal"
        WHERE "workspaceId" = $1 AND status = 'won' AND "closedAt" >= $2 AND "closedAt" < $3 GROUP BY 1, 2`,
      workspaceId,
      start,
      end,
    );
    const uids = [...new Set([...leads.map((r) => r.uid), ...won.map((r) => r.uid)])].sort((a, b) => a - b);
    expect(
      v.managers
        .map((m) => ({
          uid: m.userId,
          leads: m.leads,
          converted: m.converted,
          won: m.won,
          amounts: m.wonAmounts.map((a) => [a.currency, money2(a.amount)]).sort(),
        }))
        .sort((a, b) => a.uid - b.uid),
    ).toEqual(
      uids.map((uid) => ({
        uid,
        leads: leads.find((r) => r.uid === uid)?.leads ?? 0,
        converted: leads.find((r) => r.uid === uid)?.converted ?? 0,
        won: won.filter((r) => r.uid === uid).reduce((s, r) => s + r.n, 0),
        amounts: won
          .filter((r) => r.uid === uid && r.currency)
          .map((r) => [r.currency, money2(r.total)])
          .sort(),
      })),
    );
    expect(v.managers.some((m) => m.won > 0)).toBe(true);

    const [shares] = await db.$queryRawUnsafe<Array<{ leads: number; within5: number; withDue: number; withinSla: number }>>(
      `SELECT count(*)::int AS leads,
              count(*) FILTER (WHERE extract(epoch FROM ("firstResponseAt" - "createdAt")) <= 300)::int AS within5,
              count(*) FILTER (WHERE "firstResponseDueAt" IS NOT NULL)::int AS "withDue",
              count(*) FILTER (WHERE "firstResponseAt" IS NOT NULL AND "firstResponseAt" <= "firstResponseDueAt")::int AS "withinSla"
         FROM "Lead" WHERE "workspaceId" = $1 AND status <> 'junk' AND "createdAt" >= $2 AND "createdAt" < $3`,
      workspaceId,
      start,
      end,
    );
    expect(v.responses).toEqual(shares);
    expect(shares!.within5).toBeGreaterThan(0);
    expect(shares!.withinSla).toBeGreaterThan(shares!.within5 - 1);

    const top = await topCustomers(ctx, head, { kind: 'contact', days: 7, limit: 5 });
    // the digest's period is the last 7 full local days; /top 7 the last 7 × 24 h: compare the digest with SQL over its own period
    const topRows = await db.$queryRawUnsafe<Array<{ id: number; currency: string; total: string }>>(
      `SELECT "contactId" AS id, trim(currency) AS currency, sum(amount)::text AS total FROM "Deal"
        WHERE "workspaceId" = $1 AND status = 'won' AND "closedAt" >= $2 AND "closedAt" < $3 AND amount IS NOT NULL AND "contactId" IS NOT NULL
        GROUP BY 1, 2`,
      workspaceId,
      start,
      end,
    );
    const totals = new Map(topRows.map((r) => [`${r.id}:${r.currency}`, money2(r.total)]));
    for (const g of v.topCustomers) for (const r of g.rows) expect(money2(r.total)).toBe(totals.get(`${r.id}:${g.currency}`));
    expect(v.topCustomers.flatMap((g) => g.rows).length).toBe(
      [...new Set(topRows.map((r) => r.currency))].reduce((s, c) => s + Math.min(5, topRows.filter((r) => r.currency === c).length), 0),
    );
    expect(top.days).toBe(7);

    const text = renderDigestText(d, 'en');
    expect(text).toContain(`Why deals were lost (${v.lostTotal})`);
    const firstReason = v.lostReasons[0]!;
    expect(text).toContain(`${firstReason.reason ?? 'no reason given'}: ${firstReason.count} deal`);
    expect(text).toContain('Managers: won amount and conversion');
    expect(text).toMatch(new RegExp(`within 5 min: \\d+% \\(${shares!.within5} of ${shares!.leads}\\)`));
    expect(text).toMatch(new RegExp(`within the SLA: \\d+% \\(${shares!.withinSla} of ${shares!.withDue}\\)`));
    if (v.topCustomers.length) expect(text).toContain('Top customers of the period');
    const ru = renderDigestText(d, 'ru');
    expect(ru).toContain(`Почему проигрывали сделки (${v.lostTotal})`);
    expect(ru).toContain('за 5 минут:');

    const spec = digestChartSpec(d, 'en', 'DejaVu Sans') as unknown as { vconcat: Array<{ title: string; data: { values: Array<{ count: number }> } }> };
    const panel = spec.vconcat.find((p) => String(p.title).startsWith('Lost deals by reason'))!;
    expect(panel.data.values.reduce((s, x) => s + x.count, 0)).toBe(
      Math.min(
        v.lostTotal,
        v.lostReasons.slice(0, 8).reduce((s, r) => s + r.count, 0),
      ),
    );
  });
});
