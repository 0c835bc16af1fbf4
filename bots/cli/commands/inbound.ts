// `leadline inbound failed|retry`: the customer messages that failed for a reason other than
// an outage (outages are retried without end) and are kept for a re-drive. Workers re-drive
// them at start-up and every INBOUND_REDRIVE_MINUTES; this is the same by hand.
import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { queuePrefix, queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { INBOUND_QUEUE, keptFailures, redriveFailures } from '../../../connectors/queue/inbound-queue.js';
import { ChatFairness } from '../../../connectors/queue/inbound-fairness.js';
import { checkRedis } from '../../../connectors/services.js';
import { action, cliConfig, CliError, print, printJson } from '../runtime.js';

async function withQueue<T>(fn: (queue: Queue, fairness: ChatFairness) => Promise<T>): Promise<T> {
  const config = await cliConfig();
  const redis = redisTargetOf(config);
  await checkRedis(redis);
  const settings = queueSettings(redis, config.QUEUE_PREFIX);
  const queue = new Queue(INBOUND_QUEUE, { connection: settings.connection, prefix: queuePrefix(settings, INBOUND_QUEUE) });
  const fairness = new ChatFairness(redis, config.QUEUE_PREFIX);
  try {
    return await fn(queue, fairness);
  } finally {
    await fairness.close();
    await queue.close();
    await settings.close();
  }
}

export function registerInbound(program: Command) {
  const inbound = program.command('inbound');

  inbound
    .command('failed')
    .description('list the kept failures, newest first, with their reasons')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print a JSON array')
    .action(
      action(async (opts: { limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit <= 0) throw new CliError('--limit must be a positive whole number', 2);
        const failures = await withQueue((q) => keptFailures(q, limit));
        if (opts.json) return printJson(failures.map((f) => ({ ...f, failedAt: f.failedAt?.toISOString() ?? null })));
        if (failures.length === 0) return print('No kept failures: every accepted message was handled.');
        for (const f of failures) {
          print(`${f.jobId}  ${f.channel ?? '?'}  ${f.failedAt?.toISOString() ?? '-'}  attempts ${f.attempts}`);
          print(`    ${f.reason}`);
        }
        print(`${failures.length} kept. Re-run them with: leadline inbound retry --all (or retry JOB_ID ...)`);
      }),
    );

  inbound
    .command('retry')
    .description('put kept failures back on the queue (all with --all, or the given job ids)')
    .argument('[jobIds...]', 'job ids from "leadline inbound failed"')
    .option('--all', 'every kept failure')
    .option('--json', 'print {"redriven":N}')
    .action(
      action(async (jobIds: string[], opts: { all?: boolean; json?: boolean }) => {
        if (!opts.all && jobIds.length === 0) throw new CliError('say which: leadline inbound retry --all, or retry JOB_ID ...', 2);
        const redriven = await withQueue((q, fairness) => redriveFailures(q, fairness, opts.all ? undefined : jobIds));
        if (opts.json) return printJson({ redriven });
        print(redriven === 1 ? 'Re-drove 1 message.' : `Re-drove ${redriven} messages.`);
      }),
    );
}
