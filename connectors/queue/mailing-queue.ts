// The `mailings` queue: one job per confirmed mailing (job id "mailing-<id>", so a second
// start is a no-op). The job runs core's runMailingStep: the first run claims the audience and
// queues every recipient on the outbound bulk lane; each run then counts the outcomes, edits
// the head's progress message, and puts itself back as delayed until every recipient is final
// (then the report is sent); every 20th look queues the still-open recipients again (a no-op
// unless their outbound jobs were lost with Redis). A worker killed meanwhile: BullMQ hands the job to another
// worker, which picks up from the database (core/mailings/run-mailing.ts says why nothing is
// lost or sent twice). A mailing whose confirming turn is not committed yet is retried shortly.
import { DelayedError, UnrecoverableError, type Job, type Queue, type Worker } from 'bullmq';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import type { Outbox } from '../../core/ports.js';
import type { MailingJobs } from '../../core/mailings/jobs.js';
import { runMailingStep, type MailingRunOptions, type MailingStep } from '../../core/mailings/run-mailing.js';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue, payloadOf, startJobWorker } from './job-definition.js';

export const MAILING_QUEUE = 'mailings';

export const mailingJob = defineJob({
  queue: MAILING_QUEUE,
  name: 'mailing',
  schema: z.object({
    workspaceId: z.number().int().positive(),
    mailingId: z.number().int().positive(),
    /** how many times the job looked at the mailing's progress */
    steps: z.number().int().min(0).optional(),
  }),
  options: { attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
});

export const mailingJobId = (mailingId: number) => `mailing-${mailingId}`;

/** Every this many steps the recipients still open are queued again (their jobs lost with Redis?). */
const REQUEUE_EVERY_STEPS = 20;

export class BullMQMailingJobs implements MailingJobs {
  readonly queue: Queue;
  constructor(settings: QueueSettings) {
    this.queue = openQueue(settings, mailingJob.queue);
  }

  async start(p: { workspaceId: number; mailingId: number }): Promise<void> {
    const data = mailingJob.schema.parse(p);
    await this.queue.add(mailingJob.name, data, { ...mailingJob.options, jobId: mailingJobId(data.mailingId) });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface MailingWorkerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  outbox: Outbox;
  logger?: Logger;
  run?: MailingRunOptions;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  onStep?: (mailingId: number, step: MailingStep) => void;
}

export function startMailingWorker(options: MailingWorkerOptions): Worker {
  const { logger } = options;
  return startJobWorker(
    options.settings,
    mailingJob.queue,
    async (job: Job, token?: string) => {
      const data = payloadOf(mailingJob, job, logger);
      let step: MailingStep;
      try {
        const steps = data.steps ?? 0;
        step = await runMailingStep(options.ctx, options.outbox, data.mailingId, options.run, {
          requeueOpen: steps > 0 && steps % REQUEUE_EVERY_STEPS === 0,
        });
      } catch (err) {
        if (err instanceof UnrecoverableError) throw err;
        logger?.warn({ err, mailingId: data.mailingId }, 'mailing step failed; retried');
        throw err;
      }
      options.onStep?.(data.mailingId, step);
      if (step.status === 'waiting') {
        // looked at again later; no worker holds it meanwhile
        await job.updateData({ ...data, steps: (data.steps ?? 0) + 1 });
        await job.moveToDelayed(Date.now() + step.againInMs, token);
        throw new DelayedError();
      }
      return step.status;
    },
    { concurrency: 4, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs },
    logger,
  );
}
