// Work for the `ai` queue. The chat engine and the customer flow only enqueue (inside their
// turn, in microseconds); a worker runs the model and pushes the resulting card through the
// Outbox. So a lead reaches its manager at once whatever the model's latency, and the AI
// card follows when ready.
import { z } from 'zod';

const id = z.number().int().positive();

export const aiJobSchema = z.discriminatedUnion('kind', [
  /** a manager's free text the rules did not understand -> a confirmation card */
  z.object({ kind: z.literal('intents'), workspaceId: id, userId: id, text: z.string().min(1).max(4000), atMs: z.number().int(), key: z.string().max(200) }),
  /** a new lead's first message -> an extraction card for its assignee */
  z.object({ kind: z.literal('extract'), workspaceId: id, leadId: id }),
  /** a summary of one lead or deal for one manager (on request or on reassignment) */
  z.object({
    kind: z.literal('summary'),
    workspaceId: id,
    userId: id,
    leadId: id.optional(),
    dealId: id.optional(),
    reason: z.enum(['command', 'reassigned']),
    key: z.string().max(200),
  }),
  /** a reply draft for a lead's conversation */
  z.object({ kind: z.literal('draft'), workspaceId: id, userId: id, leadId: id, key: z.string().max(200) }),
]);

export type AiJob = z.infer<typeof aiJobSchema>;

/** The ai queue as core sees it (BullMQ in connectors/queue/ai-queue.ts). */
export interface AiJobs {
  enqueue(job: AiJob): Promise<void>;
}

/** The data a job needs is not committed yet (the enqueuing turn is still open): retry shortly. */
export class NotYetVisibleError extends Error {
  constructor(what: string) {
    super(`${what} is not visible yet`);
    this.name = 'NotYetVisibleError';
  }
}
