import type { Command } from 'commander';
import { invalid } from '../../../core/errors.js';
import { formatDateTime, formatMoney, isLocale, t, type Locale } from '../../../core/i18n/index.js';
import type { Intent } from '../../../core/chat/parse/intent.js';
import { RuleParser } from '../../../core/chat/parse/parser.js';
import { isTimeZone, wallToInstant } from '../../../core/chat/parse/zoned-time.js';
import { action, cliConfig, print, printJson } from '../runtime.js';
import { LlmIntentParser } from '../../../core/ai/llm-intent-parser.js';
import { createLlm } from '../../../connectors/llm/create-llm.js';
import { logger } from '../../../connectors/logger.js';

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
    .description('show what Leadline understands in a plain-language message (no database needed)')
    .argument('<text>', 'the message, e.g. "remind me tomorrow at 10 to call Ivan"')
    .option('--now <datetime>', 'the moment it was written: 2026-03-10T12:00:00 (wall time in --tz) or with an offset (default: now)')
    .option('--tz <zone>', 'the user\'s IANA time zone (default: DEFAULT_TIMEZONE)')
    .option('--locale <en|ru>', 'the user\'s language (default: DEFAULT_LOCALE)')
    .option('--currency <code>', 'currency for an amount that names none (default: RUB for ru, USD for en)')
    .option('--json', 'print the intent as one JSON object')
    .option('--llm', 'use the model (OPENAI_* settings) instead of the rules; same output (the first action when it finds several)')
    .action(
      action(async (text: string, opts: ParseOpts) => {
        const timeZone = opts.tz ?? cliConfig().DEFAULT_TIMEZONE;
        if (!isTimeZone(timeZone)) throw invalid('invalid.timezone', { value: timeZone });
        const locale = opts.locale ?? cliConfig().DEFAULT_LOCALE;
        if (!isLocale(locale)) throw invalid('invalid.locale', { value: locale });
        if (opts.currency !== undefined && !/^[A-Z]{3}$/.test(opts.currency)) throw invalid('invalid.currency', { value: opts.currency });
        const now = opts.now ? parseNow(opts.now, timeZone) : new Date();
        const parser = opts.llm ? llmParser() : new RuleParser();
        const intent = await parser.parse(text, { now, timezone: timeZone, locale, currency: opts.currency });
        if (opts.json) return printJson(intent);
        print(summary(intent, locale, timeZone));
      }),
    );
}

/** The model path of `parse --llm` (no database: no token budget is kept here). */
function llmParser(): LlmIntentParser {
  const llm = createLlm(cliConfig(), { logger });
  if (!llm) throw invalid('ai.off');
  return new LlmIntentParser(llm, 0);
}

function summary(intent: Intent, locale: Locale, timeZone: string): string {
  switch (intent.intent) {
    case 'create_task': {
      const due = formatDateTime(locale, new Date(intent.dueAt), timeZone);
      const head = intent.assignee
        ? t(locale, 'parse.summary.create_task_for', { title: intent.title, assignee: intent.assignee, due })
        : t(locale, 'parse.summary.create_task', { title: intent.title, due });
      return intent.recurrence ? head + t(locale, 'parse.summary.repeats', { rule: intent.recurrence }) : head;
    }
    case 'move_deal':
      return t(locale, 'parse.summary.move_deal', { deal: intent.deal, stage: t(locale, `stage.${intent.stage}`) });
    case 'won_deal':
      return t(locale, 'parse.summary.won_deal', { deal: intent.deal });
    case 'lost_deal':
      return intent.reason
        ? t(locale, 'parse.summary.lost_reason', { deal: intent.deal, reason: intent.reason })
        : t(locale, 'parse.summary.lost_deal', { deal: intent.deal });
    case 'create_deal':
      return t(locale, 'parse.summary.create_deal', { title: intent.title, amount: formatMoney(locale, intent.amount, intent.currency) });
    case 'clarify':
      return t(locale, 'parse.summary.clarify', { question: intent.question, options: intent.options.map((o) => o.label).join(' / ') });
    case 'unknown':
      return t(locale, 'parse.summary.unknown');
  }
}
