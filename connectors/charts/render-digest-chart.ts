// Server-side, offline chart rendering: vega-lite spec -> vega view (no canvas, renderer
// "none") -> SVG -> PNG with resvg, using a font that has Cyrillic (see chart-fonts.ts).
import { compile } from 'vega-lite';
import { View, parse } from 'vega';
import { renderAsync } from '@resvg/resvg-js';
import type { Digest } from '../../core/digests/digest.js';
import type { DigestRun } from '../../core/digests/digest-run.js';
import { isTeamDigest } from '../../core/digests/digest.js';
import type { Locale } from '../../core/i18n/index.js';
import { chartFonts } from './chart-fonts.js';
import { digestChartSpec } from './digest-chart-spec.js';

/** PNG pixels per SVG pixel: crisp on phone screens. */
const SCALE = 2;

export async function renderDigestSvg(digest: Digest, locale: Locale): Promise<string> {
  if (!isTeamDigest(digest)) throw new Error('only team digests have a chart');
  const fonts = chartFonts();
  const vegaSpec = compile(digestChartSpec(digest, locale, fonts.family)).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderDigestChart(digest: Digest, locale: Locale): Promise<Buffer> {
  const svg = await renderDigestSvg(digest, locale);
  const fonts = chartFonts();
  // rasterized on libuv's thread pool: other digests keep composing meanwhile
  const image = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: SCALE },
    background: 'white',
    font: {
      loadSystemFonts: fonts.loadSystemFonts,
      fontFiles: fonts.files,
      ...(fonts.family === 'sans-serif' ? {} : { defaultFontFamily: fonts.family, sansSerifFamily: fonts.family }),
    },
  });
  return image.asPng();
}

/**
 * The chart once per composition run for every head who would get the same picture: same
 * workspace, digest kind, period, time zone and language (their aggregates are shared too).
 */
export function renderDigestChartOnce(run: DigestRun, digest: Digest, locale: Locale): Promise<Buffer> {
  if (!isTeamDigest(digest)) return Promise.reject(new Error('only team digests have a chart'));
  const r = digest.recipient;
  const key = `chart:${r.workspaceId}:${digest.kind}:${digest.period.start.toISOString()}:${r.timezone}:${locale}`;
  return run.once(key, () => renderDigestChart(digest, locale));
}
