// `leadline ingest-email FILE.eml [--dry-run] [--json]`: read one RFC 822 message the way the
// mailbox watcher does and show what Leadline makes of it. --dry-run needs no database.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseEmail } from '../../../connectors/email/parse-email.js';
import { understandEmail, type InboundEmail } from '../../../core/email/understand-email.js';
import { action, cliConfig, CliError, print, printJson } from '../runtime.js';

interface Options {
  dryRun?: boolean;
  json?: boolean;
  own?: string[];
  region?: string;
}

export function registerIngestEmail(program: Command) {
  program
    .command('ingest-email')
    .description('read one .eml file: classify it (lead, reply, auto_reply, bounce, list, own, form), clean the body, extract the contact')
    .argument('<file>', 'an RFC 822 message (.eml)')
    .option('--dry-run', 'only show what would happen; needs no database')
    .option('--json', 'print one JSON object {"kind","reason","contact","subject","text","threadKey",...}')
    .option('--own <address...>', 'our own mailbox address(es): mail from them is an outgoing copy')
    .option('--region <CC>', 'ISO country for local phone numbers', 'RU')
    .action(
      action(async (file: string, opts: Options) => {
        await access(file).catch((e: NodeJS.ErrnoException) => {
          throw new CliError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
        });
        if (!opts.dryRun) {
          throw new CliError('ingesting into a workspace goes through a configured mailbox (leadline mailbox add); use --dry-run to inspect a file', 2);
        }
        const config = cliConfig();
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

export function toJson(r: InboundEmail) {
  return {
    kind: r.kind,
    reason: r.reason,
    contact: { name: r.contact.name, email: r.contact.email, phone: r.contact.phone, company: r.contact.company },
    subject: r.subject,
    text: r.text,
    threadKey: r.threadKey,
    bouncedRecipients: r.bouncedRecipients,
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
  for (const a of r.attachments) print(`attached: ${a.name ?? '(unnamed)'} ${a.mime} ${a.size} bytes${a.kept ? '' : ' (over the size cap: metadata only)'}`);
  print('');
  print(r.text);
}
