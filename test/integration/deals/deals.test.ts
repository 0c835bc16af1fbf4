import { describe, it, expect, beforeAll } from 'vitest';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection } from '../../support/team.js';
import type { Actor } from '../../../core/actor.js';
import type { CoreContext } from '../../../core/context.js';
import {
  createDeal,
  renameDeal,
  setDealAmount,
  moveDealToStage,
  markDealWon,
  markDealLost,
  reassignDeal,
  reopenDeal,
  getDeal,
  listDeals,
  findDeals,
  convertLeadToDeal,
} from '../../../core/deals/index.js';

const db = testDb();
let ctx: CoreContext;
let head: Actor, m1: Actor, m2: Actor;
let advance: (ms: number) => void;

beforeAll(async () => {
  const team = await makeTeam(db, {
    locale: 'ru',
    now: new Date('2026-03-10T09:00:00Z'),
    members: [
      { name: 'Hanna Head', role: 'head' },
      { name: 'Max One', role: 'manager' },
      { name: 'Mia Two', role: 'manager' },
    ],
  });
  ctx = team.ctx;
  [head, m1, m2] = team.actors as [Actor, Actor, Actor];
  advance = (ms) => team.clock.advance(ms);
});

async function stageName(dealId: number) {
  return (await db.deal.findUniqueOrThrow({ where: { id: dealId }, include: { stage: true } })).stage.name;
}

describe('deal lifecycle', () => {
  it('creates with an exact decimal amount and the workspace default currency, moves by en/ru names, wins and reopens', async () => {
    const deal = await createDeal(ctx, m1, { title: '  Acme Corp  ', amount: '120000.50' });
    expect(deal.title).toBe('Acme Corp');
    expect(deal.titleKey).toBe('acme corp');
    expect(deal.ownerId).toBe(m1.userId);
    expect(deal.currency).toBe('RUB'); // ru workspace
    expect(deal.status).toBe('open');
    expect(await stageName(deal.id)).toBe('New');
    const stored = await db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(stored.amount?.toFixed(2)).toBe('120000.50');

    advance(60_000);
    const q = await moveDealToStage(ctx, m1, deal.id, 'квалификация');
    expect(await stageName(q.id)).toBe('Qualified');
    expect(q.lastActivityAt.getTime()).toBeGreaterThan(deal.lastActivityAt.getTime());
    await moveDealToStage(ctx, m1, deal.id, 'PROPOSAL');
    await moveDealToStage(ctx, m1, deal.id, 'Перег');
    expect(await stageName(deal.id)).toBe('Negotiation');
    expect((await rejection(() => moveDealToStage(ctx, m1, deal.id, 'n'))).key).toBe('invalid.stage_ambiguous');

    const won = await markDealWon(ctx, m1, deal.id);
    expect(won.status).toBe('won');
    expect(won.closedAt).not.toBeNull();
    expect(await stageName(deal.id)).toBe('Won');
    expect((await rejection(() => moveDealToStage(ctx, m1, deal.id, 'proposal'))).key).toBe('invalid.deal_closed');

    const reopened = await reopenDeal(ctx, m1, deal.id);
    expect(reopened.status).toBe('open');
    expect(reopened.closedAt).toBeNull();
    expect(await stageName(deal.id)).toBe('Negotiation'); // the stage it was won from

    const lost = await moveDealToStage(ctx, m1, deal.id, 'Проиграна');
    expect(lost.status).toBe('lost');

    const activities = await db.activity.findMany({ where: { dealId: deal.id }, orderBy: { id: 'asc' } });
    expect(activities.map((a) => a.type)).toEqual([
      'deal.created',
      'deal.stage_moved',
      'deal.stage_moved',
      'deal.stage_moved',
      'deal.won',
      'deal.reopened',
      'deal.lost',
    ]);
    const audits = await db.auditLog.findMany({ where: { entity: 'deal', entityId: String(deal.id) }, orderBy: { id: 'asc' } });
    expect(audits).toHaveLength(7);
    expect(audits[4]!.before).toMatchObject({ status: 'open', amount: '120000.50' });
    expect(audits[4]!.after).toMatchObject({ status: 'won' });
  });

  it('sets amounts exactly, validates currency and leaves the deal unchanged on bad input', async () => {
    const deal = await createDeal(ctx, m1, { title: 'Globex', amount: 1000, currency: 'usd', stageName: 'proposal' });
    expect(deal.currency).toBe('USD');
    const changed = await setDealAmount(ctx, m1, deal.id, '99 999 999,99');
    expect(changed.amount?.toFixed(2)).toBe('99999999.99');
    expect(changed.currency).toBe('USD'); // kept
    expect((await rejection(() => setDealAmount(ctx, m1, deal.id, '5', 'XYZ'))).key).toBe('invalid.currency');
    expect((await rejection(() => setDealAmount(ctx, m1, deal.id, '5.001'))).key).toBe('invalid.amount_precision');
    const after = await db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after.amount?.toFixed(2)).toBe('99999999.99');
    expect((await rejection(() => createDeal(ctx, m1, { title: 'Bad', amount: '10', currency: 'dollars' }))).key).toBe('invalid.currency');

    const lost = await markDealLost(ctx, m1, deal.id, 'went with a competitor');
    expect(lost.lostReason).toBe('went with a competitor');
    expect((await rejection(() => markDealLost(ctx, m1, deal.id, 'again'))).key).toBe('invalid.deal_closed');
    const renamed = await renameDeal(ctx, m1, deal.id, 'Globex Intl');
    expect(renamed.titleKey).toBe('globex intl');
  });

  it('finds deals by exact title first, then by part of it, only among visible deals', async () => {
    const a = await createDeal(ctx, m1, { title: 'Initech' });
    const b = await createDeal(ctx, m1, { title: 'Initech Europe' });
    const other = await createDeal(ctx, m2, { title: 'Initech Asia' });
    expect((await findDeals(ctx, m1, 'initech')).map((d) => d.id)).toEqual([a.id]);
    expect((await findDeals(ctx, m1, 'europe')).map((d) => d.id)).toEqual([b.id]);
    expect((await findDeals(ctx, m1, 'asia')).map((d) => d.id)).toEqual([]);
    expect((await findDeals(ctx, head, 'asia')).map((d) => d.id)).toEqual([other.id]);
    const mine = await listDeals(ctx, m1, { status: 'open' });
    expect(mine.every((d) => d.ownerId === m1.userId)).toBe(true);
    expect(mine.map((d) => d.id)).toContain(b.id);
    const negotiation = await listDeals(ctx, head, { stage: 'new' });
    expect(negotiation.map((d) => d.id)).toEqual(expect.arrayContaining([a.id, b.id, other.id]));
  });

  it('converts a lead into a deal with its contact and company', async () => {
    const company = await db.company.create({ data: { workspaceId: m1.workspaceId, name: 'Umbrella', nameKey: 'umbrella' } });
    const contact = await db.contact.create({ data: { workspaceId: m1.workspaceId, name: 'Alice', nameKey: 'alice', companyId: company.id } });
    const lead = await db.lead.create({
      data: { workspaceId: m1.workspaceId, contactId: contact.id, source: 'telegram', title: 'Wants 10 seats', assigneeId: m1.userId },
    });
    expect((await rejection(() => convertLeadToDeal(ctx, m2, lead.id))).code).toBe('forbidden');
    const deal = await convertLeadToDeal(ctx, m1, lead.id, { amount: '5000' });
    expect(deal).toMatchObject({ title: 'Umbrella', leadId: lead.id, contactId: contact.id, companyId: company.id, ownerId: m1.userId, currency: 'RUB' });
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('converted');
    expect((await rejection(() => convertLeadToDeal(ctx, m1, lead.id))).key).toBe('invalid.lead_has_deal');
    expect(await db.activity.count({ where: { leadId: lead.id, type: 'lead.converted' } })).toBe(1);
  });
});

describe('deal permissions', () => {
  it("a manager can neither read nor change another manager's deal; heads can", async () => {
    const deal = await createDeal(ctx, m1, { title: 'Private Co', amount: '10.00' });
    for (const attempt of [
      () => getDeal(ctx, m2, deal.id),
      () => renameDeal(ctx, m2, deal.id, 'Mine now'),
      () => setDealAmount(ctx, m2, deal.id, '1'),
      () => moveDealToStage(ctx, m2, deal.id, 'qualified'),
      () => markDealWon(ctx, m2, deal.id),
      () => markDealLost(ctx, m2, deal.id, 'x'),
      () => reassignDeal(ctx, m2, deal.id, m2.userId),
    ]) {
      expect((await rejection(attempt)).code).toBe('forbidden');
    }
    const unchanged = await db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(unchanged).toMatchObject({ title: 'Private Co', ownerId: m1.userId, status: 'open' });

    expect((await getDeal(ctx, head, deal.id)).owner.name).toBe('Max One');
    await moveDealToStage(ctx, head, deal.id, 'qualified');
    const reassigned = await reassignDeal(ctx, head, deal.id, m2.userId);
    expect(reassigned.ownerId).toBe(m2.userId);
    expect((await rejection(() => getDeal(ctx, m1, deal.id))).code).toBe('forbidden');
  });

  it('managers create deals only for themselves; heads for anyone; other workspaces are not found', async () => {
    expect((await rejection(() => createDeal(ctx, m1, { title: 'For Mia', ownerId: m2.userId }))).code).toBe('forbidden');
    const forMia = await createDeal(ctx, head, { title: 'For Mia', ownerId: m2.userId });
    expect(forMia.ownerId).toBe(m2.userId);
    const other = await makeTeam(db, { members: [{ name: 'Stranger', role: 'head' }] });
    expect((await rejection(() => getDeal(other.ctx, other.actors[0]!, forMia.id))).code).toBe('not_found');
  });
});
