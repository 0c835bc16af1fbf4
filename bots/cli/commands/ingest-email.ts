// `leadline ingest-email FILE.eml [--dry-run] [--json]`: read one RFC 822 message the way the
// mailbox watcher does and show what Leadline makes of it. --dry-run needs no database.
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { parseEmail } from '../../../connectors/email/parse-email.js';
import { ingestRawEmail } from '../../../connectors/email/email-intake.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { checkRedis } from '../../../connectors/services.js';
import { understandEmail, type InboundEmail } from '../../../core/email/understand-email.js';
import { action, cliConfig, cliDb, cliWorkspace, CliError, print, printJson } from '../runtime.js';

interface Options {
  dryRun?: boolean;
  json?: boolean;
  own?: string[];
  region?: string;
  workspace?: string;
}

export function registerIngestEmail(program: Command) {
  program
    .command('ingest-email')
    .argument('<file>', 'an RFC 822 message (.eml)')
    .option('--dry-run', 'only show what would happen; needs no database')
    .option('--json', 'print one JSON object {"kind","reason","contact","subject","text","threadKey",...}')
    .option('--own <address...>', 'our own mailbox address(es): mail from them is an outgoing copy')
    .option('--region <CC>', "ISO country for local phone numbers in a dry run (otherwise the workspace's)", 'RU')
    .option('--workspace <slug>', 'workspace to ingest into (default: DEFAULT_WORKSPACE)')
    .action(
      action(async (file: string, opts: Options) => {
        await access(file).catch((e: NodeJS.ErrnoException) => {
          throw new CliError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
        });
        const config = await cliConfig();
        if (!opts.dryRun) return ingest(file, opts);
        const parsed = await parseEmail(createReadStream(file), {
          maxBodyChars: config.EMAIL_MAX_BODY_CHARS,
          maxAttachmentBytes: config.EMAIL_MAX_ATTACHMENT_BYTES,
        });
        const result = understandEmail(parsed, {
          ownAddresses: opts.own ?? [],
          // no database in a dry run: thread headers cannot be checked against conversations
          knownThread: () => undefined,
          phoneRegion: (opts.region ?? 'RU').toUpperCase(),
        });
        if (opts.json) return printJson(toJson(result));
        printHuman(result);
      }),
    );
}

/**
 * Into the workspace, the way the mailbox watcher does it: leads and replies go to the inbound
 * queue (the chat engine of `leadline start` takes them from there), bounces are recorded now.
 * The file's content hash is the dedupe key: ingesting the same file twice changes nothing.
 */
async function ingest(file: string, opts: Options) {
  const config = await cliConfig();
  const redis = redisTargetOf(config);
  await checkRedis(redis);
  const db = await cliDb();
  const ws = await cliWorkspace(opts.workspace, { create: true });
  const raw = await readFile(file);
  const settings = queueSettings(redis, config.QUEUE_PREFIX);
  const queue = new InboundQueue(settings);
  try {
    // attachments are stored where the workers read them (FILE_STORAGE)
    const { createFileStore } = await import('../../../connectors/files/create-file-store.js');
    const result = await ingestRawEmail(
      {
        db,
        limits: { maxBodyChars: config.EMAIL_MAX_BODY_CHARS, maxAttachmentBytes: config.EMAIL_MAX_ATTACHMENT_BYTES },
        deliver: (m) => queue.enqueue(m),
        files: createFileStore(config),
      },
      { workspaceId: ws.id, dedupeKey: `email-file:${createHash('sha256').update(raw).digest('hex').slice(0, 40)}` },
      raw,
    );
    const r = result.email;
    const outcome = r.reachesLeadFlow
      ? 'queued for the chat engine'
      : result.fresh
        ? r.undeliverableRecipients.length
          ? `recorded (${result.bouncesRecorded} address(es) marked undeliverable)`
          : 'recorded, not a lead'
        : 'already ingested';
    if (opts.json) return printJson({ ...toJson(r), ingested: outcome });
    printHuman(r);
    print('');
    print(`Ingested into "${ws.slug}": ${outcome}.`);
  } finally {
    await queue.close();
    await settings.close();
  }
}

export function toJson(r: InboundEmail) {
  return {
    kind: r.kind,
    code: r.code,
    reason: r.reason,
    contact: { name: r.contact.name, email: r.contact.email, phone: r.contact.phone, company: r.contact.company },
    subject: r.subject,
    text: r.text,
    threadKey: r.threadKey,
    bouncedRecipients: r.bouncedRecipients,
    undeliverableRecipients: r.undeliverableRecipients,
    attachments: r.attachments,
  };
}

function printHuman(r: InboundEmail) {
  print(`kind:     ${r.kind} (${r.reason})`);
  print(`subject:  ${r.subject || '-'}`);
  const c = r.contact;
  print(`contact:  ${[c.name, c.email, c.phone, c.company].filter(Boolean).join(' · ') || '-'}`);
  print(`thread:   ${r.threadKey ?? '-'}`);
  if (r.bouncedRecipients.length) print(`bounced:  ${r.bouncedRecipients.join(', ')}`);
  if (r.undeliverableRecipients.length) print(`dead:     ${r.undeliverableRecipients.join(', ')} (permanent failure: marked undeliverable)`);
  for (const a of r.attachments) print(`attached: ${a.name ?? '(unnamed)'} ${a.mime} ${a.size} bytes${a.kept ? '' : ' (over the size cap: metadata only)'}`);
  print('');
  print(r.text);
}
