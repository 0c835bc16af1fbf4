// Deals: validation messages. ru/deals.ts mirrors every key.
export const deals = {
  'invalid.deal_title_empty': 'A deal needs a title.',
  'invalid.deal_owner_required': 'Say who owns the deal.',
  'invalid.amount_negative': 'Amount "{value}" must not be negative.',
  'invalid.amount_precision': 'Amount "{value}" has more than two decimal places.',
  'invalid.amount_too_large': 'Amount "{value}" is too large.',
  'invalid.stage_empty': 'Name the stage, e.g. Negotiation.',
  'invalid.stage_ambiguous': 'Stage "{value}" could mean several stages: {options}. Be more specific.',
  'invalid.lost_reason_empty': 'Say why the deal was lost.',
  'invalid.deal_not_closed': 'Deal #{id} is still open; only won or lost deals can be reopened.',
  'invalid.reopen_stage': 'A deal is reopened into an open stage, not "{name}".',
  'invalid.lead_has_deal': 'Lead #{id} already has deal #{dealId}.',
} as const;
