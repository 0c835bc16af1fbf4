// The inbound queue: transports acknowledge fast by putting an InboundMessage here (job id
// = the platform dedupe key, so a redelivered update is one job), and workers run the
// chat engine on it. Payloads are validated with zod; a malformed job fails for good
// with a clear error instead of being retried.
import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import { ZodError } from 'zod';
import { inboundMessageSchema, type InboundMessage, type InboundMessageInput } from '../../core/chat/inbound.js';
import type { QueueSettings } from './connection.js';
import { logger as defaultLogger, type Logger } from '../logger.js';

export const INBOUND_QUEUE = 'inbound';

/** BullMQ custom ids may not be integers and may contain ":" only as exactly three parts. */
export function inboundJobId(dedupeKey: string): string {
  const id = dedupeKey.includes(':') && dedupeKey.split(':').length !== 3 ? dedupeKey.replace(/:/g, '|') : dedupeKey;
  return /^\d+$/.test(id) ? `k${id}` : id;
}

export class InboundQueue {
  readonly queue: Queue;
  constructor(settings: QueueSettings) {
    this.queue = new Queue(INBOUND_QUEUE, { connection: settings.connection, prefix: settings.prefix });
  }

  /** Validates and enqueues; resolves once Redis has the job (durable before answering 200). */
  async enqueue(message: InboundMessageInput): Promise<void> {
    const payload = inboundMessageSchema.parse(message);
    await this.queue.add('inbound', payload, {
      jobId: inboundJobId(payload.dedupeKey),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Many at once (one round trip), for bulk intake. */
  async enqueueMany(messages: InboundMessageInput[]): Promise<void> {
    const jobs = messages.map((m) => {
      const payload = inboundMessageSchema.parse(m);
      return {
        name: 'inbound',
        data: payload,
        opts: {
          jobId: inboundJobId(payload.dedupeKey),
          attempts: 5,
          backoff: { type: 'exponential' as const, delay: 1000 },
          removeOnComplete: { age: 3600, count: 50_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      };
    });
    await this.queue.addBulk(jobs);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface InboundWorkerOptions {
  concurrency?: number;
  logger?: Logger;
}

/** Runs `handle` for every inbound job. Errors are retried with backoff; bad payloads are not. */
export function startInboundWorker(settings: QueueSettings, handle: (message: InboundMessage) => Promise<void>, opts: InboundWorkerOptions = {}): Worker {
  const log = opts.logger ?? defaultLogger;
  const worker = new Worker(
    INBOUND_QUEUE,
    async (job: Job) => {
      let message: InboundMessage;
      try {
        message = inboundMessageSchema.parse(job.data);
      } catch (e) {
        const detail = e instanceof ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(e);
        throw new UnrecoverableError(`invalid inbound payload (job ${job.id}): ${detail}`);
      }
      await handle(message);
    },
    { connection: settings.connection, prefix: settings.prefix, concurrency: opts.concurrency ?? 16 },
  );
  worker.on('failed', (job, err) => log.error({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'inbound job failed'));
  worker.on('error', (err) => log.error({ err: err.message }, 'inbound worker error'));
  return worker;
}
