// Hand-built digests with known numbers, for renderer and chart tests.
import type { TeamDigest, TodayDigest } from '../../core/digests/digest.js';
import type { Locale } from '../../core/i18n/index.js';

const at = (iso: string) => new Date(iso);

export function sampleTeamDigest(locale: Locale = 'en', kind: TeamDigest['kind'] = 'team_daily'): TeamDigest {
  return {
    kind,
    recipient: { userId: 1, workspaceId: 1, name: 'Olga <Head>', role: 'head', locale, timezone: 'Europe/Moscow' },
    generatedAt: at('2026-03-10T06:00:00Z'),
    period: { start: at('2026-03-08T21:00:00Z'), end: at('2026-03-09T21:00:00Z') },
    previousPeriod: { start: at('2026-03-07T21:00:00Z'), end: at('2026-03-08T21:00:00Z') },
    leadsBySource: [
      { source: 'telegram', current: 7, previous: 4 },
      { source: 'email', current: 3, previous: 5 },
      { source: 'web', current: 2, previous: 2 },
    ],
    leadsTotal: { current: 12, previous: 11 },
    funnel: [
      { stageId: 1, name: 'New', position: 1, count: 5, amounts: [{ currency: 'RUB', amount: '500000.00' }] },
      {
        stageId: 2,
        name: 'Qualified',
        position: 2,
        count: 3,
        amounts: [
          { currency: 'RUB', amount: '120000.00' },
          { currency: 'USD', amount: '900.00' },
        ],
      },
      { stageId: 3, name: 'Proposal', position: 3, count: 2, amounts: [] },
      { stageId: 4, name: 'Negotiation <VIP>', position: 4, count: 1, amounts: [] },
    ],
    openDeals: { current: 11, previous: 12 },
    conversion: {
      leads: { current: 12, previous: 11 },
      converted: { current: 4, previous: 2 },
      won: { current: 2, previous: 1 },
      lost: { current: 1, previous: 1 },
    },
    wonAmount: [{ currency: 'RUB', current: '250000.00', previous: '150000.00' }],
    firstResponse: {
      current: { median: 300, p90: 960, responded: 10, unanswered: 2 },
      previous: { median: 200, p90: 280, responded: 9, unanswered: 0 },
    },
    overdueByManager: [
      { userId: 2, name: 'Ivan & Co', current: 3, previous: 1 },
      { userId: 3, name: 'Мария', current: 0, previous: 2 },
    ],
  };
}

export function sampleTodayDigest(locale: Locale = 'ru', counts = { overdue: 1, due: 2, leads: 5, stale: 21 }): TodayDigest {
  const task = (id: number, iso: string) => ({ id, title: `Task <${id}>`, dueAt: at(iso) });
  return {
    kind: 'today',
    recipient: { userId: 5, workspaceId: 1, name: 'Анна', role: 'manager', locale, timezone: 'Europe/Moscow' },
    generatedAt: at('2026-03-10T06:00:00Z'),
    day: { start: at('2026-03-09T21:00:00Z'), end: at('2026-03-10T21:00:00Z') },
    overdue: { count: counts.overdue, items: counts.overdue ? [task(1, '2026-03-09T10:00:00Z')] : [] },
    dueToday: { count: counts.due, items: counts.due ? [task(2, '2026-03-10T20:30:00Z')] : [] },
    newLeads: {
      count: counts.leads,
      items: counts.leads ? [{ id: 7, title: 'Acme & Sons', source: 'telegram', createdAt: at('2026-03-10T05:00:00Z') }] : [],
    },
    unassignedLeads: null,
    staleDeals: {
      count: counts.stale,
      days: 7,
      items: counts.stale ? [{ id: 9, title: 'Big deal', amount: { currency: 'RUB', amount: '120000.00' }, lastActivityAt: at('2026-03-01T10:00:00Z') }] : [],
    },
  };
}
