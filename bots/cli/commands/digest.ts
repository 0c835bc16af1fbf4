// `leadline digest --user ID --dry-run [--png FILE] [--kind today|team_daily|team_weekly] [--json]`:
// prints the digest the user would get now and writes its chart. Without --dry-run it
// queues the user's subscription for delivery now (the digest worker sends it once a day).
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { t } from '../../../core/i18n/index.js';
import { composeDigest, defaultDigestKind } from '../../../core/digests/compose-digest.js';
import { DIGEST_KINDS, isTeamDigest, type DigestKind } from '../../../core/digests/digest.js';
import { renderDigestText } from '../../../core/digests/render-text.js';
import { invalid } from '../../../core/errors.js';
import { renderDigestChart } from '../../../connectors/charts/render-digest-chart.js';
import { queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { createDigestQueue, DIGEST_JOB } from '../../../connectors/queue/digest-scheduler.js';
import { checkRedis } from '../../../connectors/services.js';
import { action, cliConfig, cliDb, CliError, print, printJson } from '../runtime.js';

interface DigestOptions {
  user: string;
  kind?: string;
  dryRun?: boolean;
  png?: string;
  json?: boolean;
}

function parseUserId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`"${value}" is not a user id (a positive whole number; see: leadline users)`);
  return id;
}

function parseKind(value: string | undefined): DigestKind | undefined {
  if (value === undefined) return undefined;
  if (!(DIGEST_KINDS as readonly string[]).includes(value)) throw invalid('invalid.digest_kind', { value });
  return value as DigestKind;
}

export function registerDigest(program: Command) {
  program
    .command('digest')
    .requiredOption('--user <id>', 'user id (see: leadline users)')
    .option('--kind <kind>', 'today, team_daily or team_weekly (default: team_daily for heads and admins, today otherwise)')
    .option('--dry-run', 'print the text and write the chart; send nothing')
    .option('--png <file>', 'with --dry-run: write the chart PNG here (team digests)')
    .option('--json', 'print the digest data and text as JSON')
    .action(
      action(async (opts: DigestOptions) => {
        const userId = parseUserId(opts.user);
        let kind = parseKind(opts.kind);
        if (opts.png && !opts.dryRun) throw new CliError('--png needs --dry-run (a sent digest carries its chart itself)', 2);
        const db = await cliDb();
        const ctx = dbContext(db);
        kind ??= await defaultDigestKind(ctx, userId);

        if (!opts.dryRun) return queueNow(userId, kind, opts.json);

        const digest = await composeDigest(ctx, userId, kind, ctx.clock.now());
        const locale = digest.recipient.locale;
        const text = renderDigestText(digest, locale);
        let pngBytes: number | null = null;
        if (opts.png) {
          if (isTeamDigest(digest)) {
            const png = await renderDigestChart(digest, locale);
            await writeFile(opts.png, png);
            pngBytes = png.length;
          } else {
            process.stderr.write(t(locale, 'digest.no_chart') + '\n');
          }
        }
        if (opts.json) return printJson({ kind, digest, text, png: opts.png && pngBytes !== null ? { file: opts.png, bytes: pngBytes } : null });
        print(text);
        if (pngBytes !== null) process.stderr.write(`chart: ${opts.png} (${pngBytes} bytes)\n`);
      }),
    );
}

/** Adds a one-off job for the user's subscription; the digest worker composes and sends it. */
async function queueNow(userId: number, kind: DigestKind, json?: boolean) {
  const db = await cliDb();
  const sub = await db.digestSubscription.findUnique({ where: { userId_kind: { userId, kind } } });
  if (!sub) throw new CliError(`user ${userId} has no ${kind} digest subscription; use --dry-run to preview it`);
  const config = await cliConfig();
  const redis = redisTargetOf(config);
  await checkRedis(redis);
  const settings = queueSettings(redis, config.QUEUE_PREFIX);
  const queue = createDigestQueue(settings);
  try {
    const job = await queue.add(DIGEST_JOB, { subscriptionId: sub.id, userId }, { attempts: 3, removeOnComplete: { count: 1000 } });
    if (json) return printJson({ queued: true, subscriptionId: sub.id, jobId: job.id });
    print(`Queued the ${kind} digest of user ${userId} (subscription ${sub.id}); a running worker sends it (at most once per local day).`);
  } finally {
    await queue.close();
    await settings.close();
  }
}
