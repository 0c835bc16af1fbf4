// Redis connection settings shared by every BullMQ queue and worker of a process.
// Tests pass a unique prefix so parallel runs never share queues.
import type { ConnectionOptions } from 'bullmq';

export interface QueueSettings {
  connection: ConnectionOptions;
  /** Redis key prefix of all Leadline queues ("leadline" by default) */
  prefix: string;
}

export function queueSettings(redisUrl: string, prefix = 'leadline'): QueueSettings {
  // maxRetriesPerRequest null: BullMQ workers block on Redis and must not give up on a slow reply
  return { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix };
}
