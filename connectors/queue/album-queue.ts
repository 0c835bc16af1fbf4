// The `albums` queue: an album's one forward (core/chat/albums.ts), run once a short window
// after its first item. The job id is the album's, so the items of one album, handled by any
// process, schedule one job (BullMQ ignores an add whose id exists); the forward itself claims
// its marker in Postgres, so a job added again after the first one was removed does nothing.
import type { Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { AlbumJob, AlbumScheduler } from '../../core/ports.js';
import type { QueueSettings } from './connection.js';
import { defineJob, openQueue, payloadOf, startJobWorker, type JobLogger } from './job-definition.js';

export const ALBUM_QUEUE = 'albums';

export const albumJob = defineJob({
  queue: ALBUM_QUEUE,
  name: 'forward',
  schema: z.object({ workspaceId: z.number().int().positive(), conversationId: z.number().int().positive(), mediaGroupId: z.string().min(1).max(100) }),
  options: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

/** BullMQ job ids may not contain ":" (except in exactly three parts). */
function jobId(job: AlbumJob): string {
  return `album-${job.workspaceId}-${job.conversationId}-${job.mediaGroupId.replace(/[^\w-]/g, '_')}`;
}

export class BullMQAlbumScheduler implements AlbumScheduler {
  readonly queue: Queue;
  constructor(settings: QueueSettings) {
    this.queue = openQueue(settings, albumJob.queue);
  }

  async schedule(job: AlbumJob, delayMs: number): Promise<void> {
    const data = albumJob.schema.parse(job);
    await this.queue.add(albumJob.name, data, { ...albumJob.options, jobId: jobId(data), delay: delayMs });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function startAlbumWorker(settings: QueueSettings, forward: (job: AlbumJob) => Promise<unknown>, log?: JobLogger): Worker {
  return startJobWorker(settings, albumJob.queue, async (job) => forward(payloadOf(albumJob, job, log)), { concurrency: 4 }, log);
}
