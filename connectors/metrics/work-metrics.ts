// What the workers do, as Prometheus metrics (registry.ts): how long each queue's jobs take and
// how they end, what each channel's platform made of the sends (accepted, 429, refused, failed
// for now), how late due reminders reach their platform, and first-response SLA breaches. Each
// is updated where the thing happens (job-definition.ts, send-runner.ts, reminder-worker.ts);
// every label value is bounded (a queue, a channel, an outcome, a kind).
import { counter, histogram, LATENCY_BUCKETS } from './registry.js';

/** One job's run: `completed`, `delayed` (put back to wait: a limit, a 429, a recheck) or `failed` (an error; BullMQ retries or gives up). */
export const jobSeconds = histogram({
  name: 'leadline_job_duration_seconds',
  help: 'Time a worker spent on one run of a job, by queue and how the run ended',
  labelNames: ['queue', 'outcome'],
  buckets: LATENCY_BUCKETS,
});

/** A platform call: `sent` (accepted), `rate_limited` (429), `refused` (for good: blocked, chat gone), `error` (retried). */
export const sends = counter({
  name: 'leadline_sends_total',
  help: 'Messages handed to a platform, by channel and what the platform answered',
  labelNames: ['channel', 'outcome'],
});

/** From a reminder's due time to its platform accepting it. */
export const reminderLateness = histogram({
  name: 'leadline_reminder_lateness_seconds',
  help: 'How late a due reminder reached its platform (accepted), in seconds after its due time',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
});

/** A first-response deadline passed unanswered: `lead` once per lead's breach (the check that records it), `group` per client group check that finds one. */
export const slaBreaches = counter({
  name: 'leadline_sla_breaches_total',
  help: 'First-response deadlines that passed without an answer, by kind (lead, group)',
  labelNames: ['kind'],
});
