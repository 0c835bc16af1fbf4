import type { Command } from 'commander';
import { invalid } from '../../../core/errors.js';
import { isLocale } from '../../../core/i18n/index.js';
import { RuleParser } from '../../../core/parse/parser.js';
import { wallToInstant } from '../../../core/time/wall.js';
import { assertTimeZone } from '../../../core/time/zoned.js';
import { action, cliConfig, print, printJson } from '../runtime.js';
import { describeIntent } from '../../../core/parse/describe-intent.js';

interface ParseOpts {
  now?: string;
  tz?: string;
  locale?: string;
  currency?: string;
  json?: boolean;
  llm?: boolean;
}

/** --now: an ISO date-time; without an offset it is the wall clock in the time zone. */
export function parseNow(value: string, timeZone: string): Date {
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (local) {
    const [, y, mo, d, h, mi] = local.map(Number) as number[];
    return wallToInstant({ year: y!, month: mo!, day: d!, hour: h!, minute: mi! }, timeZone);
  }
  const withOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(value.trim());
  const instant = new Date(value.trim());
  if (!withOffset || Number.isNaN(instant.getTime())) throw invalid('parse.invalid_now', { value });
  return instant;
}

export function registerParse(program: Command) {
  program
    .command('parse')
    .argument('<text>', 'the message, e.g. "remind me tomorrow at 10 to call Ivan"')
    .option('--now <datetime>', 'the moment it was written: 2026-03-10T12:00:00 (wall time in --tz) or with an offset (default: now)')
    .option('--tz <zone>', "the user's IANA time zone (default: DEFAULT_TIMEZONE)")
    .option('--locale <en|ru>', "the user's language (default: DEFAULT_LOCALE)")
    .option('--currency <code>', 'currency for an amount that names none (default: RUB for ru, USD for en)')
    .option('--json', 'print the intent as one JSON object')
    .option('--llm', 'use the model (OPENAI_* settings) instead of the rules; same output (the first action when it finds several)')
    .action(
      action(async (text: string, opts: ParseOpts) => {
        const timeZone = assertTimeZone(opts.tz ?? (await cliConfig()).DEFAULT_TIMEZONE);
        const locale = opts.locale ?? (await cliConfig()).DEFAULT_LOCALE;
        if (!isLocale(locale)) throw invalid('invalid.locale', { value: locale });
        if (opts.currency !== undefined && !/^[A-Z]{3}$/.test(opts.currency)) throw invalid('invalid.currency', { value: opts.currency });
        const now = opts.now ? parseNow(opts.now, timeZone) : new Date();
        const parser = opts.llm ? await llmParser() : new RuleParser();
        const intent = await parser.parse(text, { now, timezone: timeZone, locale, currency: opts.currency });
        if (opts.json) return printJson(intent);
        print(describeIntent(locale, timeZone, intent));
      }),
    );
}

/** The model path of `parse --llm` (no database: no token budget is kept here); loaded only then. */
async function llmParser() {
  const [{ LlmIntentParser }, { createLlm }, { logger }] = await Promise.all([
    import('../../../core/ai/llm-intent-parser.js'),
    import('../../../connectors/llm/create-llm.js'),
    import('../../../connectors/logger.js'),
  ]);
  const llm = createLlm(await cliConfig(), { logger });
  if (!llm) throw invalid('ai.off');
  return new LlmIntentParser(llm, 0);
}
