// What a newcomer sees right after `seed --demo`: the head's daily and weekly team digests and
// their charts, composed by the real digest code, with a figure in every section.
import { expect } from 'vitest';
import { dbContext } from '../../connectors/db/stores/index.js';
import type { Db } from '../../core/db.js';
import { composeTeamDigest } from '../../core/digests/compose-team.js';
import type { TeamDigest } from '../../core/digests/digest.js';
import { renderDigestText } from '../../core/digests/render-text.js';
import { t, type Locale } from '../../core/i18n/index.js';
import { digestChartSpec } from '../../connectors/charts/digest-chart-spec.js';
import { renderDigestChart } from '../../connectors/charts/render-digest-chart.js';
import { PNG_SIGNATURE, pngInfo } from './png.js';

/** The instant the demo was seeded (its demo.seed audit row says). */
export async function demoSeededAt(db: Db, slug: string): Promise<Date> {
  const marker = await db.auditLog.findFirstOrThrow({ where: { workspace: { slug }, action: 'demo.seed' }, orderBy: { id: 'desc' } });
  return new Date((marker.after as { now: string }).now);
}

/** Every section of a team digest has a non-zero figure of the period itself. */
export function expectEveryTeamSection(d: TeamDigest, locale: Locale, label: string): void {
  // new leads by source: every channel
  expect(
    d.leadsBySource
      .filter((s) => s.current > 0)
      .map((s) => s.source)
      .sort(),
    `${label}: sources`,
  ).toEqual(['email', 'slack', 'telegram', 'web']);
  expect(d.leadsTotal.current, `${label}: leads`).toBeGreaterThan(0);
  // the funnel: open deals in every stage
  expect(d.funnel.length, `${label}: funnel stages`).toBe(4);
  expect(
    d.funnel.filter((s) => s.count === 0).map((s) => s.name),
    `${label}: empty stages`,
  ).toEqual([]);
  expect(
    d.funnel.every((s) => s.amounts.length > 0),
    `${label}: stage amounts`,
  ).toBe(true);
  expect(d.openDeals.current, `${label}: open deals`).toBeGreaterThan(0);
  // conversion
  expect(d.conversion.leads.current, `${label}: conversion leads`).toBeGreaterThan(0);
  expect(d.conversion.converted.current, `${label}: converted`).toBeGreaterThan(0);
  expect(d.conversion.won.current, `${label}: won`).toBeGreaterThan(0);
  expect(d.conversion.lost.current, `${label}: lost`).toBeGreaterThan(0);
  // won amount
  expect(
    d.wonAmount.some((w) => Number(w.current) > 0),
    `${label}: won amount`,
  ).toBe(true);
  // first response
  expect(d.firstResponse.current.responded, `${label}: responded`).toBeGreaterThan(0);
  expect(d.firstResponse.current.median, `${label}: median`).toBeGreaterThan(0);
  // overdue tasks
  expect(
    d.overdueByManager.some((m) => m.current > 0),
    `${label}: overdue`,
  ).toBe(true);

  const text = renderDigestText(d, locale);
  for (const none of ['digest.team.no_leads', 'digest.team.won_none', 'digest.team.first_response_none', 'digest.team.overdue_none'] as const) {
    expect(text, `${label}: ${none}`).not.toContain(t(locale, none).replace(/\s*🎉$/, ''));
  }
}

/** The chart's data: bars in the funnel and this period's bar for every source. */
export function expectChartData(d: TeamDigest, locale: Locale, label: string): void {
  const spec = digestChartSpec(d, locale, 'DejaVu Sans') as unknown as { vconcat: Array<{ data: { values: Array<{ count: number; period?: string }> } }> };
  const [funnel, sources] = spec.vconcat;
  expect(
    funnel!.data.values.every((v) => v.count > 0),
    `${label}: funnel bars`,
  ).toBe(true);
  const current = sources!.data.values.filter((_v, i) => i % 2 === 0);
  expect(current.length, `${label}: source bars`).toBe(4);
  expect(
    current.every((v) => v.count > 0),
    `${label}: source bars`,
  ).toBe(true);
}

/** The head's daily and weekly digests at `now`: every section and the chart have figures. */
export async function expectHeadDigests(db: Db, headId: number, now: Date, locale: Locale, withPng = false): Promise<TeamDigest[]> {
  const ctx = dbContext(db);
  const digests: TeamDigest[] = [];
  for (const kind of ['daily', 'weekly'] as const) {
    const d = await composeTeamDigest(ctx, headId, kind, now);
    expectEveryTeamSection(d, locale, `${locale} ${kind}`);
    expectChartData(d, locale, `${locale} ${kind}`);
    digests.push(d);
  }
  if (withPng) expect(pngInfo(await renderDigestChart(digests[1]!, locale)).signature).toBe(PNG_SIGNATURE);
  return digests;
}
