// What a manager's plain-language message asks for. Produced by an IntentParser
// (parser.ts), acted on by the chat engine. Names are data as the user wrote them;
// times are ISO 8601 with the user's UTC offset.

/** Pipeline stages by their canonical English names (core/workspaces/default-pipeline.ts). */
export type Stage = 'New' | 'Qualified' | 'Proposal' | 'Negotiation' | 'Won' | 'Lost';
/** Stages a deal can be moved to while it stays open. Closing is won_deal / lost_deal. */
export type OpenStage = Exclude<Stage, 'Won' | 'Lost'>;

/** How sure the parser is of a task's time, 0..1; below CONFIDENCE_THRESHOLD it asks instead. */
export type Confidence = number;

export interface CreateTaskIntent {
  intent: 'create_task';
  title: string;
  /** ISO 8601 with the user's UTC offset, e.g. 2026-03-11T10:00:00+03:00 (the first occurrence when recurring). */
  dueAt: string;
  /** RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0, read in the user's time zone; null = once. */
  recurrence: string | null;
  /**
   * A colleague as written: a name in any case form ("Ivan", "Петру"), a Telegram "@username"
   * or a Slack user id "@U123" (from "<@U123>" or "<@U123|name>"); absent = the speaker.
   */
  assignee?: string;
  /** How sure the parser is of dueAt (the rule parser always sets it; >= CONFIDENCE_THRESHOLD). */
  confidence?: Confidence;
}

/** Move an open deal to another open stage ("move Acme to negotiation"). */
export interface MoveDealIntent {
  intent: 'move_deal';
  deal: string;
  stage: OpenStage;
}

/**
 * Close a deal as won ("Acme won", "Ромашка выиграна", and also "move Acme to won"):
 * closing is never expressed as move_deal, so the engine has one path for it.
 */
export interface WonDealIntent {
  intent: 'won_deal';
  deal: string;
}

/** Close a deal as lost, with the reason when given ("Acme lost: too expensive"). */
export interface LostDealIntent {
  intent: 'lost_deal';
  deal: string;
  reason?: string;
}

export interface CreateDealIntent {
  intent: 'create_deal';
  /** The deal's name as written; empty when the deal comes from a lead (leadId). */
  title: string;
  /** Digits with an optional "." and decimals, no spaces: "50000", "1500000", "2500.5". */
  amount: string;
  /** ISO 4217, e.g. RUB. */
  currency: string;
  /** "deal 12 1700000 RUB": the deal is made from lead #12 (its title comes from the lead). */
  leadId?: number;
}

/** Set or change an existing deal's amount ("/amount 5 120000 RUB", "сделка Ромашка сумма 50 000"). */
export interface SetDealAmountIntent {
  intent: 'set_deal_amount';
  /** The deal's number ("5", "#5") or name as written. */
  deal: string;
  amount: string;
  /** ISO 4217, or null to keep the deal's currency (else the workspace's). */
  currency: string | null;
}

export interface ClarifyOption {
  /** Button text in the user's language, e.g. "tomorrow 09:00". */
  label: string;
  /** The dueAt this choice means (ISO 8601 with offset). */
  value: string;
}

/** The create_task fields known so far; complete it with resolveClarify(intent, option.value). */
export interface PartialTask {
  title: string;
  /** The recurrence without BYHOUR/BYMINUTE (they come from the chosen time), or null. */
  recurrence: string | null;
  assignee?: string;
}

/** Why a reminder is asked back: no time, two readings, a time that passed, or one that cannot be. */
export type ClarifyReason = 'missing' | 'ambiguous' | 'unsure' | 'passed' | 'invalid_time' | 'invalid_date';

/** A reminder whose time is missing or ambiguous: ask, never guess. */
export interface ClarifyIntent {
  intent: 'clarify';
  question: string;
  /** Chronological; when the parser had a likely reading, it is among them. */
  options: ClarifyOption[];
  partial: PartialTask;
  reason?: ClarifyReason;
  /** The confidence of the likeliest reading (0 when there was none). */
  confidence?: Confidence;
  /** The value of the likeliest option, when there is one. */
  likely?: string;
}

export interface UnknownIntent {
  intent: 'unknown';
}

export type Intent =
  CreateTaskIntent | MoveDealIntent | WonDealIntent | LostDealIntent | CreateDealIntent | SetDealAmountIntent | ClarifyIntent | UnknownIntent;

/** A task time read with less confidence than this is asked back with buttons. */
export const CONFIDENCE_THRESHOLD = 0.7;

export type IntentName = Intent['intent'];
