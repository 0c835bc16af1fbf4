// What the model may answer, per task, as zod schemas. The JSON schema sent with the
// request is derived from these (json-schema.ts); the answer is validated with the same
// schema before anything uses it. Every field is required (nullable when optional) so the
// schemas work with strict structured outputs.
import { z } from 'zod';

/** The most actions one confirmation card may carry. */
export const MAX_ACTIONS_PER_CARD = 5;

const name = z.string().trim().min(1).max(120);
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'YYYY-MM-DDTHH:MM');
const openStage = z.enum(['New', 'Qualified', 'Proposal', 'Negotiation']);

/** The actions the model may propose: the rule parser's intents, nothing destructive or bulk. */
export const proposedActionSchema = z.discriminatedUnion('intent', [
  z.strictObject({
    intent: z.literal('create_task'),
    title: z.string().trim().min(1).max(200),
    /** wall time in the manager's time zone */
    due_local: localDateTime,
    /** RRULE without DTSTART, or null */
    recurrence: z.string().max(200).nullable(),
    /** a colleague's name when the task is for someone else */
    assignee: name.nullable(),
  }),
  z.strictObject({ intent: z.literal('move_deal'), deal: name, stage: openStage }),
  z.strictObject({ intent: z.literal('won_deal'), deal: name }),
  z.strictObject({ intent: z.literal('lost_deal'), deal: name, reason: z.string().trim().max(300).nullable() }),
  z.strictObject({
    intent: z.literal('create_deal'),
    title: name,
    amount: z.string().regex(/^\d{1,15}(\.\d{1,2})?$/, 'digits with an optional "." and decimals'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217'),
  }),
]);
export type ProposedAction = z.infer<typeof proposedActionSchema>;

export const intentProposalSchema = z.strictObject({
  actions: z.array(proposedActionSchema).max(20),
});

export const leadExtractionSchema = z.strictObject({
  name: z.string().trim().max(120).nullable(),
  company: z.string().trim().max(160).nullable(),
  phone: z.string().trim().max(40).nullable(),
  email: z.string().trim().max(200).nullable(),
  need: z.string().trim().max(400).nullable(),
  budget: z.string().trim().max(120).nullable(),
  urgency: z.enum(['low', 'normal', 'high']).nullable(),
});
export type LeadExtraction = z.infer<typeof leadExtractionSchema>;

export const summarySchema = z.strictObject({
  summary: z.string().trim().min(1).max(1200),
});

export const draftSchema = z.strictObject({
  draft: z.string().trim().min(1).max(2000),
});

export const dealLinesSchema = z.strictObject({
  lines: z.array(z.strictObject({ deal_id: z.number().int(), line: z.string().trim().min(1).max(200) })).max(50),
});
