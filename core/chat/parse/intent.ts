// What a manager's plain-language message asks for. Produced by an IntentParser
// (parser.ts), acted on by the chat engine. Names are data as the user wrote them;
// times are ISO 8601 with the user's UTC offset.

/** Pipeline stages by their canonical English names (core/workspaces/default-pipeline.ts). */
export type Stage = 'New' | 'Qualified' | 'Proposal' | 'Negotiation' | 'Won' | 'Lost';
/** Stages a deal can be moved to while it stays open. Closing is won_deal / lost_deal. */
export type OpenStage = Exclude<Stage, 'Won' | 'Lost'>;

export interface CreateTaskIntent {
  intent: 'create_task';
  title: string;
  /** ISO 8601 with the user's UTC offset, e.g. 2026-03-11T10:00:00+03:00 (the first occurrence when recurring). */
  dueAt: string;
  /** RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0, read in the user's time zone; null = once. */
  recurrence: string | null;
  /** A colleague's name as written ("remind Ivan to ..." -> "Ivan"); absent = the speaker. */
  assignee?: string;
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
  title: string;
  /** Digits with an optional "." and decimals, no spaces: "50000", "1500000", "2500.5". */
  amount: string;
  /** ISO 4217, e.g. RUB. */
  currency: string;
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

/** A reminder whose time is missing or ambiguous: ask, never guess. */
export interface ClarifyIntent {
  intent: 'clarify';
  question: string;
  options: ClarifyOption[];
  partial: PartialTask;
}

export interface UnknownIntent {
  intent: 'unknown';
}

export type Intent = CreateTaskIntent | MoveDealIntent | WonDealIntent | LostDealIntent | CreateDealIntent | ClarifyIntent | UnknownIntent;

export type IntentName = Intent['intent'];
