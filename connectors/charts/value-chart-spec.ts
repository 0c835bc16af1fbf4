// The team digest chart's customer-value panel: lost deals by reason (horizontal bars with
// counts), drawn under the funnel and sources panels when the period lost any deal.
import type { TopLevelSpec } from 'vega-lite';
import type { TeamDigest } from '../../core/digests/digest.js';
import { t, type Locale } from '../../core/i18n/index.js';

const WIDTH = 560;
const LOST = '#E45756';
const MAX_REASONS = 8;

/** One panel of a vconcat chart. */
export type ChartPanel = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

/** Zero or one vconcat panel (vega-lite unit spec) for the lost reasons of the period. */
export function valueChartPanels(digest: TeamDigest, locale: Locale, periodLabel: string): ChartPanel[] {
  const reasons = digest.value?.lostReasons ?? [];
  if (!reasons.length) return [];
  const values = reasons.slice(0, MAX_REASONS).map((r) => ({
    reason: (r.reason ?? t(locale, 'digest.value.no_reason')).slice(0, 40),
    count: r.count,
  }));
  return [
    {
      title: t(locale, 'digest.chart.lost_reasons', { period: periodLabel }),
      width: WIDTH,
      height: { step: 30 },
      data: { values },
      encoding: {
        y: { field: 'reason', type: 'nominal', sort: null, title: t(locale, 'digest.chart.reason') },
        x: { field: 'count', type: 'quantitative', title: t(locale, 'digest.chart.deals'), axis: { tickMinStep: 1, format: 'd' }, scale: { domainMin: 0 } },
      },
      layer: [
        { mark: { type: 'bar', color: LOST, cornerRadiusEnd: 3 } },
        { mark: { type: 'text', align: 'left', dx: 5, fontSize: 13, fontWeight: 'bold' }, encoding: { text: { field: 'count', type: 'quantitative' } } },
      ],
    },
  ];
}
