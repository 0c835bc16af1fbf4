// Fonts for server-side chart rendering. resvg draws text only with fonts it is given;
// Cyrillic needs a font that has it. DejaVu Sans (Debian: fonts-dejavu-core) is the default.
import { existsSync } from 'node:fs';
import { logger } from '../logger.js';

export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** Known places of fonts with Latin and Cyrillic, per family, regular then bold. */
const CANDIDATES: Array<{ family: string; files: string[] }> = [
  {
    family: 'DejaVu Sans',
    files: [
      '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
      '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
      '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
      '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
      '/usr/share/fonts/TTF/DejaVuSans.ttf',
      '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
      '/Library/Fonts/DejaVuSans.ttf',
    ],
  },
  {
    family: 'Liberation Sans',
    files: ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'],
  },
  { family: 'Noto Sans', files: ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf'] },
];

export interface ChartFonts {
  family: string;
  /** font files to load; empty = rely on the system fonts */
  files: string[];
  loadSystemFonts: boolean;
}

let cached: ChartFonts | undefined;

/**
 * The font set for charts: CHART_FONT_FILE when set, else the first installed candidate.
 * Without any, resvg falls back to the system fonts and Cyrillic may render as boxes:
 * install fonts-dejavu-core (Debian/Ubuntu) or set CHART_FONT_FILE.
 */
export function chartFonts(env: NodeJS.ProcessEnv = process.env): ChartFonts {
  if (cached) return cached;
  const own = env.CHART_FONT_FILE?.trim();
  if (own) {
    if (!existsSync(own)) throw new Error(`CHART_FONT_FILE points at ${own}, which does not exist`);
    // the family name inside an arbitrary file is unknown: the generic family maps onto it
    return (cached = { family: 'sans-serif', files: [own], loadSystemFonts: false });
  }
  for (const c of CANDIDATES) {
    const files = c.files.filter((f) => existsSync(f));
    if (files.length) return (cached = { family: c.family, files, loadSystemFonts: false });
  }
  logger.warn('no chart font with Cyrillic found (looked for DejaVu Sans, Liberation Sans, Noto Sans): install fonts-dejavu-core or set CHART_FONT_FILE');
  return (cached = { family: 'sans-serif', files: [], loadSystemFonts: true });
}
