// The safety net under the time grammar: when a reminder names no time the grammar knows,
// chrono-node (English and Russian, the user's language first) gets a look. What it finds is
// never taken silently: it becomes a question whose option is chrono's reading. It runs only
// for messages that open with "remind"/"напомни" and have no time the grammar understood, so
// it costs nothing on the usual path.
import { createRequire } from 'node:module';
import type { Locale } from '../i18n/index.js';
import type { Span } from './time-grammar.js';
import type { Resolution } from './time-resolve.js';
import { addDays, offsetMinutesAt, wallAt, wallToInstant, wallToUtcMs, type Wall } from '../time/wall.js';

// the two locales only (the package's index loads all sixteen), on the first look: most
// messages never need chrono, and loading it is most of the parser's start-up
const require = createRequire(import.meta.url);
let locales: { en: typeof import('chrono-node/en'); ru: typeof import('chrono-node/ru') } | undefined;
const chrono = () =>
  (locales ??= { en: require('chrono-node/en') as typeof import('chrono-node/en'), ru: require('chrono-node/ru') as typeof import('chrono-node/ru') });

export function chronoFallback(text: string, now: Date, timeZone: string, locale: Locale): { spans: Span[]; resolution: Resolution } | null {
  const reference = { instant: now, timezone: offsetMinutesAt(now, timeZone) };
  const { en, ru } = chrono();
  const order = locale === 'ru' ? [ru.casual, en.casual] : [en.casual, ru.casual];
  const nowWall = wallAt(now, timeZone);
  for (const parser of order) {
    const [r] = parser.parse(text, reference, { forwardDate: true });
    if (!r) continue;
    const s = r.start;
    const wall: Wall = { year: s.get('year')!, month: s.get('month')!, day: s.get('day')!, hour: s.get('hour') ?? 0, minute: s.get('minute') ?? 0 };
    const spans = [{ index: r.index, end: r.index + r.text.length }];
    if (s.isCertain('hour')) {
      const at = wallToInstant(wall, timeZone);
      if (at.getTime() <= now.getTime()) continue;
      return { spans, resolution: { kind: 'ask', reason: 'unsure', options: [at], likely: at, confidence: 0.5 } };
    }
    const day: Wall = { ...wall, hour: 0, minute: 0 };
    let options = [9, 14, 18].map((hour) => ({ ...day, hour })).filter((w) => wallToUtcMs(w) > wallToUtcMs(nowWall));
    if (options.length === 0) options = [{ ...addDays({ ...nowWall, hour: 0, minute: 0 }, 1), hour: 9 }];
    return { spans, resolution: { kind: 'ask', reason: 'missing', options: options.map((w) => wallToInstant(w, timeZone)), likely: null, confidence: 0, day } };
  }
  return null;
}
