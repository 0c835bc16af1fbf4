// The digest chart renders offline to a real PNG, with Cyrillic text, from the digest data.
import { describe, it, expect } from 'vitest';
import { renderDigestChart, renderDigestSvg } from '../../../connectors/charts/render-digest-chart.js';
import { chartFonts } from '../../../connectors/charts/chart-fonts.js';
import { sampleTeamDigest, sampleTodayDigest } from '../../support/digest-samples.js';
import { PNG_SIGNATURE, pngInfo } from '../../support/png.js';

describe('digest chart', () => {
  it('renders the funnel and leads by source as a PNG of non-trivial size', async () => {
    const png = await renderDigestChart(sampleTeamDigest('en'), 'en');
    const info = pngInfo(png);
    expect(info.signature).toBe(PNG_SIGNATURE);
    expect(info.chunk).toBe('IHDR');
    expect(info.width).toBeGreaterThan(800);
    expect(info.height).toBeGreaterThan(600);
    expect(png.length).toBeGreaterThan(5 * 1024);
  });

  it('draws localized titles, stage and source names from the digest', async () => {
    const svg = await renderDigestSvg(sampleTeamDigest('ru'), 'ru');
    expect(svg).toContain('Воронка: открытые сделки по этапам');
    expect(svg).toContain('Квалификация');
    expect(svg).toContain('веб-форма');
    // the bars carry the digest's counts (7 telegram leads, 5 deals in "New")
    expect(svg).toMatch(/>7<\/text>/);
    expect(svg).toMatch(/>5<\/text>/);
    const png = await renderDigestChart(sampleTeamDigest('ru'), 'ru');
    expect(pngInfo(png).signature).toBe(PNG_SIGNATURE);
  });

  it('still reads when nothing happened: the usual channels at zero, whole-number axes', async () => {
    const quiet = { ...sampleTeamDigest('en'), leadsBySource: [], funnel: sampleTeamDigest('en').funnel.map((s) => ({ ...s, count: 0, amounts: [] })) };
    const svg = await renderDigestSvg(quiet, 'en');
    for (const channel of ['Telegram', 'email', 'Slack', 'web form']) expect(svg).toContain(`>${channel}</text>`);
    expect(svg).not.toMatch(/>0\.0+<\/text>/); // no "0.000000" tick label
    expect(pngInfo(await renderDigestChart(quiet, 'en')).signature).toBe(PNG_SIGNATURE);
  });

  it('uses a font with Cyrillic from the machine', () => {
    const fonts = chartFonts();
    expect(fonts.files.length).toBeGreaterThan(0);
    expect(fonts.family).toBe('DejaVu Sans');
  });

  it('refuses the "today" digest, which has no chart', async () => {
    await expect(renderDigestChart(sampleTodayDigest('en'), 'en')).rejects.toThrow(/only team digests/);
  });
});
