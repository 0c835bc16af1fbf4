// The model as another IntentParser: free text the rules do not understand becomes the
// same intents (possibly several). The model proposes; nothing here executes anything.
// Intents come back validated (schema, real local time in the user's zone, ISO currency)
// and capped at MAX_ACTIONS_PER_CARD.
import type { Llm } from '../ports.js';
import type { Intent } from '../parse/intent.js';
import type { IntentParser, ParseOptions } from '../parse/parser.js';
import { formatIsoInZone, wallToInstant, wallAt } from '../time/wall.js';
import { askModel } from './ask.js';
import { intentProposalSchema, MAX_ACTIONS_PER_CARD, type ProposedAction } from './schemas.js';
import { untrustedText } from './untrusted-text.js';

const INSTRUCTIONS = [
  'You help a sales manager use a CRM from a chat. Turn the manager\'s message (field "message") into CRM actions.',
  "Allowed actions: create_task (a reminder: title, due_local as YYYY-MM-DDTHH:MM in the manager's time zone, recurrence as an RRULE without DTSTART or null, assignee = a colleague's name or null for the manager),",
  'move_deal (deal name as written, stage one of New, Qualified, Proposal, Negotiation), won_deal, lost_deal (with the reason or null), create_deal (title, amount as digits, currency as ISO 4217).',
  'Dates are relative to "now_local" in "timezone". "after lunch" means 14:00; "morning" 10:00; "evening" 18:00. Amounts like "80k" or "80 тыс" are 80000.',
  "A change of a deal's amount or anything else not in the list cannot be done: leave it out. Return an empty list when nothing fits.",
  `Return at most ${MAX_ACTIONS_PER_CARD} actions, in the order written.`,
].join('\n');

const pad = (n: number) => String(n).padStart(2, '0');

function localNow(now: Date, timezone: string): string {
  const w = wallAt(now, timezone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** One proposed action as an Intent, or null when it does not hold up (impossible date, bad rule). */
export function toIntent(a: ProposedAction, timezone: string): Intent | null {
  switch (a.intent) {
    case 'create_task': {
      const [date, time] = a.due_local.split('T') as [string, string];
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
      const instant = wallToInstant({ year, month, day, hour, minute }, timezone);
      const back = wallAt(instant, timezone);
      if (back.day !== day || back.month !== month) return null;
      const recurrence = a.recurrence && /^(FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY))(;[A-Z]+=[A-Z0-9,+-]+)*$/.test(a.recurrence) ? a.recurrence : null;
      if (a.recurrence && !recurrence) return null;
      return {
        intent: 'create_task',
        title: a.title,
        dueAt: formatIsoInZone(instant, timezone),
        recurrence,
        ...(a.assignee ? { assignee: a.assignee } : {}),
      };
    }
    case 'move_deal':
      return { intent: 'move_deal', deal: a.deal, stage: a.stage };
    case 'won_deal':
      return { intent: 'won_deal', deal: a.deal };
    case 'lost_deal':
      return a.reason ? { intent: 'lost_deal', deal: a.deal, reason: a.reason } : { intent: 'lost_deal', deal: a.deal };
    case 'create_deal':
      return { intent: 'create_deal', title: a.title, amount: a.amount, currency: a.currency };
  }
}

export class LlmIntentParser implements IntentParser {
  constructor(
    private readonly llm: Llm | undefined,
    private readonly workspaceId: number,
  ) {}

  /** Every action the model found (at most MAX_ACTIONS_PER_CARD), or null when the model gave nothing usable. */
  async parseMany(text: string, opts: ParseOptions): Promise<Intent[] | null> {
    const message = untrustedText(text, 1000);
    if (!message) return [];
    const answer = await askModel(this.llm, {
      instructions: INSTRUCTIONS,
      data: {
        message,
        now_local: localNow(opts.now, opts.timezone),
        timezone: opts.timezone,
        language: opts.locale,
        default_currency: opts.currency ?? (opts.locale === 'ru' ? 'RUB' : 'USD'),
      },
      schemaName: 'crm_actions',
      schema: intentProposalSchema,
      workspaceId: this.workspaceId,
    });
    if (!answer) return null;
    const intents: Intent[] = [];
    for (const a of answer.actions.slice(0, MAX_ACTIONS_PER_CARD)) {
      const intent = toIntent(a, opts.timezone);
      if (intent) intents.push(intent);
    }
    return intents;
  }

  /** The first action, like the rule parser's single intent; unknown when there is none. */
  async parse(text: string, opts: ParseOptions): Promise<Intent> {
    const all = await this.parseMany(text, opts);
    return all?.[0] ?? { intent: 'unknown' };
  }
}
