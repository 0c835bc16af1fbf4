// The `ai` queue: model work off the hot path. The chat engine enqueues (BullMQAiJobs), a
// worker runs core/ai's runAiJob and pushes the card through the Outbox. A job whose lead is
// not committed yet is retried shortly; a refusal (the manager may no longer see the record)
// or a malformed payload fails for good with one log line.
import { UnrecoverableError, type Job, type Queue, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import type { Outbox } from '../../core/ports.js';
import { isDomainError } from '../../core/errors.js';
import { aiJobSchema, NotYetVisibleError, type AiJob, type AiJobs } from '../../core/ai/jobs.js';
import { runAiJob, type AiJobOutcome } from '../../core/ai/run-job.js';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue, payloadOf, startJobWorker } from './job-definition.js';

export const AI_QUEUE = 'ai';

/** One piece of model work (core/ai/jobs.ts): the job name is its kind. */
export const aiJob = defineJob({
  queue: AI_QUEUE,
  name: 'ai',
  schema: aiJobSchema,
  options: { attempts: 6, backoff: { type: 'exponential', delay: 250 }, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600 } },
});

/** BullMQ job ids may not contain ":" except in exactly three parts. */
function jobId(job: AiJob): string {
  const key = job.kind === 'extract' ? `extract-${job.workspaceId}-${job.leadId}` : `${job.kind}-${job.key}`;
  return key.replace(/:/g, '|');
}

export class BullMQAiJobs implements AiJobs {
  readonly queue: Queue;
  constructor(settings: QueueSettings) {
    this.queue = openQueue(settings, AI_QUEUE);
  }

  async enqueue(job: AiJob): Promise<void> {
    const data = aiJob.schema.parse(job);
    await this.queue.add(data.kind, data, { ...aiJob.options, jobId: jobId(data) });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface AiWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  outbox: Outbox;
  logger?: Logger;
  /** model calls are slow and I/O-bound: several at once (default 4) */
  concurrency?: number;
  onDone?: (job: AiJob, outcome: AiJobOutcome) => void;
}

export function startAiWorker(options: AiWorkerOptions): Worker {
  const { logger } = options;
  const worker = startJobWorker(
    options.settings,
    AI_QUEUE,
    async (job: Job) => {
      const data = payloadOf(aiJob, job, logger);
      try {
        const outcome = await runAiJob({ ctx: options.ctx, outbox: options.outbox, log: logger }, data);
        options.onDone?.(data, outcome);
        return outcome;
      } catch (e) {
        if (e instanceof NotYetVisibleError) throw e;
        if (isDomainError(e)) {
          logger?.info({ jobId: job.id, kind: data.kind, key: e.key }, 'ai job refused');
          throw new UnrecoverableError(e.message);
        }
        throw e;
      }
    },
    { concurrency: options.concurrency ?? 4 },
    logger,
  );
  worker.on('failed', (job, err) => {
    if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError)) logger?.warn({ jobId: job.id, err }, 'ai job gave up');
  });
  return worker;
}
