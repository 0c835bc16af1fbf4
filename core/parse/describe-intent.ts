// One line saying what Leadline understood, in the user's words and language: the CLI's
// `parse` output and the lines of an AI proposal card.
import { formatDateTime, formatMoney, t, type Locale } from '../i18n/index.js';
import type { Intent } from './intent.js';

/** Describes an intent; a proposal's due times are shown in `timeZone`. */
export function describeIntent(locale: Locale, timeZone: string, intent: Intent): string {
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
      if (intent.leadId !== undefined)
        return t(locale, 'parse.summary.create_deal_from_lead', { id: intent.leadId, amount: formatMoney(locale, intent.amount, intent.currency) });
      return t(locale, 'parse.summary.create_deal', { title: intent.title, amount: formatMoney(locale, intent.amount, intent.currency) });
    case 'set_deal_amount':
      return intent.currency
        ? t(locale, 'parse.summary.set_deal_amount', { deal: intent.deal, amount: formatMoney(locale, intent.amount, intent.currency) })
        : t(locale, 'parse.summary.set_deal_amount', { deal: intent.deal, amount: intent.amount });
    case 'clarify':
      return t(locale, 'parse.summary.clarify', { question: intent.question, options: intent.options.map((o) => o.label).join(' / ') });
    case 'unknown':
      return t(locale, 'parse.summary.unknown');
  }
}
