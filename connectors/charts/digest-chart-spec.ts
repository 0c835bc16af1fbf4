// The vega-lite spec of a team digest's chart: the funnel (open deals by stage, horizontal
// bars with counts) over new leads by source (this period beside the previous one).
import type { TopLevelSpec } from 'vega-lite';
import type { TeamDigest } from '../../core/digests/digest.js';
import { stageLabel } from '../../core/digests/render-text.js';
import { t, type Locale } from '../../core/i18n/index.js';
import { valueChartPanels } from './value-chart-spec.js';

const WIDTH = 560;
const BAR = '#4C78A8';
const PREVIOUS = '#B0C4DE';
const EMPTY_SOURCES = ['telegram', 'email', 'slack', 'web'] as const;

function periodLabel(locale: Locale, timeZone: string, start: Date, end: Date, daily: boolean): string {
  const f = new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short' });
  return daily ? f.format(start) : f.formatRange(start, new Date(end.getTime() - 1));
}

export function digestChartSpec(digest: TeamDigest, locale: Locale, fontFamily: string): TopLevelSpec {
  const tz = digest.recipient.timezone;
  const daily = digest.kind === 'team_daily';
  const current = periodLabel(locale, tz, digest.period.start, digest.period.end, daily);
  const previous = periodLabel(locale, tz, digest.previousPeriod.start, digest.previousPeriod.end, daily);
  const funnel = digest.funnel.map((s) => ({ stage: stageLabel(locale, s.name), count: s.count }));
  // with no leads in either period the usual channels are drawn at zero, so the chart still reads
  const bySource = digest.leadsBySource.length ? digest.leadsBySource : EMPTY_SOURCES.map((source) => ({ source, current: 0, previous: 0 }));
  const sources = bySource.flatMap((s) => [
    { source: t(locale, `channel.${s.source}`), period: current, count: s.current },
    { source: t(locale, `channel.${s.source}`), period: previous, count: s.previous },
  ]);
  const countScale = (max: number) => (max > 0 ? { domainMin: 0 } : { domain: [0, 1] });
  const maxDeals = Math.max(0, ...funnel.map((f) => f.count));
  const maxLeads = Math.max(0, ...sources.map((x) => x.count));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 20,
    config: {
      font: fontFamily,
      view: { stroke: null },
      title: { fontSize: 17, anchor: 'start', offset: 12, font: fontFamily },
      axis: { labelFontSize: 13, titleFontSize: 12, labelFont: fontFamily, titleFont: fontFamily, grid: false },
      legend: { labelFontSize: 13, titleFontSize: 12, labelFont: fontFamily, orient: 'bottom' },
    },
    vconcat: [
      {
        title: t(locale, 'digest.chart.funnel'),
        width: WIDTH,
        height: { step: 34 },
        data: { values: funnel },
        encoding: {
          y: { field: 'stage', type: 'nominal', sort: null, title: t(locale, 'digest.chart.stage') },
          x: {
            field: 'count',
            type: 'quantitative',
            title: t(locale, 'digest.chart.deals'),
            axis: { tickMinStep: 1, format: 'd' },
            scale: countScale(maxDeals),
          },
        },
        layer: [
          { mark: { type: 'bar', color: BAR, cornerRadiusEnd: 3 } },
          { mark: { type: 'text', align: 'left', dx: 5, fontSize: 13, fontWeight: 'bold' }, encoding: { text: { field: 'count', type: 'quantitative' } } },
        ],
      },
      {
        title: t(locale, 'digest.chart.sources', { period: current }),
        width: WIDTH,
        height: 220,
        data: { values: sources },
        encoding: {
          x: { field: 'source', type: 'nominal', title: t(locale, 'digest.chart.source'), axis: { labelAngle: 0 }, sort: null },
          xOffset: { field: 'period', sort: [current, previous] },
          y: {
            field: 'count',
            type: 'quantitative',
            title: t(locale, 'digest.chart.leads'),
            axis: { tickMinStep: 1, format: 'd' },
            scale: countScale(maxLeads),
          },
          color: { field: 'period', type: 'nominal', sort: [current, previous], scale: { range: [BAR, PREVIOUS] }, title: null },
        },
        layer: [
          { mark: { type: 'bar', cornerRadiusEnd: 3 } },
          { mark: { type: 'text', dy: -8, fontSize: 12 }, encoding: { text: { field: 'count', type: 'quantitative' }, color: { value: '#333' } } },
        ],
      },
      ...valueChartPanels(digest, locale, current),
    ],
  };
}
