// `leadline mailbox add|list|remove`: the IMAP/SMTP mailboxes a workspace reads leads from
// and answers with. Passwords are stored, never printed.
import type { Command } from 'commander';
import { recordAudit } from '../../../core/audit.js';
import { describeServer, MailboxUrlError, parseImapUrl, parseSmtpUrl } from '../../../connectors/email/mailbox-url.js';
import { action, cliActor, cliDb, CliError, print, printJson } from '../runtime.js';

interface AddOptions {
  imap: string;
  smtp: string;
  from: string;
  tls?: boolean;
  name?: string;
  backfill?: boolean;
  workspace?: string;
  json?: boolean;
}

type MailboxRow = {
  id: number;
  name: string;
  imapUrl: string;
  imapTls: boolean;
  smtpUrl: string;
  fromAddress: string;
  folder: string;
  lastUid: number;
  lastSyncedAt: Date | null;
  lastError: string | null;
  active: boolean;
};

/** What may be shown of a mailbox: no password anywhere. */
export function publicMailbox(m: MailboxRow) {
  return {
    id: m.id,
    name: m.name,
    from: m.fromAddress,
    imap: describeServer(m.imapUrl),
    tls: m.imapTls,
    smtp: describeServer(m.smtpUrl),
    folder: m.folder,
    lastUid: m.lastUid,
    lastSyncedAt: m.lastSyncedAt?.toISOString() ?? null,
    lastError: m.lastError,
    active: m.active,
  };
}

export function registerMailbox(program: Command) {
  const mailbox = program.command('mailbox');

  mailbox
    .command('add')
    .description('add a mailbox to the workspace')
    .requiredOption('--imap <url>', 'imap://USER:PASS@HOST:PORT[/FOLDER] (imaps:// or --tls for TLS)')
    .requiredOption('--smtp <url>', 'smtp://USER:PASS@HOST:PORT (smtps:// for TLS on connect)')
    .requiredOption('--from <address>', 'the From of answers, e.g. "Sales <sales@example.com>"')
    .option('--tls', 'connect to IMAP over TLS')
    .option('--name <name>', 'a name for lists (default: the From address)')
    .option('--backfill', 'also read the mail already in the folder (default: only mail arriving from now on)')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the mailbox as JSON (without secrets)')
    .action(
      action(async (opts: AddOptions) => {
        let folder: string;
        try {
          folder = parseImapUrl(opts.imap, opts.tls).folder;
          parseSmtpUrl(opts.smtp);
        } catch (e) {
          if (e instanceof MailboxUrlError) throw new CliError(e.message, 2);
          throw e;
        }
        const address = /<([^<>\s]+@[^<>\s]+)>/.exec(opts.from)?.[1] ?? opts.from.trim();
        if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address))
          throw new CliError(`--from must be an e-mail address, e.g. "Sales <sales@example.com>" (got "${opts.from}")`, 2);
        const actor = await cliActor(opts.workspace, { create: true });
        const db = await cliDb();
        const created = await db.mailbox.create({
          data: {
            workspaceId: actor.workspaceId,
            name: opts.name?.trim() || address.toLowerCase(),
            imapUrl: opts.imap,
            imapTls: Boolean(opts.tls),
            smtpUrl: opts.smtp,
            fromAddress: opts.from.trim(),
            folder,
            // 0 is never a real UIDVALIDITY: the watcher reads the whole folder once
            uidValidity: opts.backfill ? 0n : null,
          },
        });
        const shown = publicMailbox(created);
        await recordAudit(db, actor, { action: 'mailbox.add', entity: 'Mailbox', entityId: created.id, after: shown, actorKind: 'cli' });
        if (opts.json) return printJson(shown);
        print(`Added mailbox #${created.id} ${shown.name}: reads ${shown.imap}${shown.tls ? ' (TLS)' : ''}, answers from ${shown.from} via ${shown.smtp}.`);
      }),
    );

  mailbox
    .command('list')
    .description("the workspace's mailboxes (no secrets)")
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (opts: { workspace?: string; json?: boolean }) => {
        const actor = await cliActor(opts.workspace);
        const rows = await (await cliDb()).mailbox.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { id: 'asc' } });
        const shown = rows.map(publicMailbox);
        if (opts.json) return printJson(shown);
        if (!shown.length) return print('No mailboxes. Add one with: leadline mailbox add --imap ... --smtp ... --from ...');
        for (const m of shown) {
          const state = m.lastError ? `error: ${m.lastError}` : m.lastSyncedAt ? `synced ${m.lastSyncedAt}, last uid ${m.lastUid}` : 'not synced yet';
          print(`#${m.id} ${m.name} <${m.from}> ${m.imap} folder ${m.folder}${m.active ? '' : ' (inactive)'} — ${state}`);
        }
      }),
    );

  mailbox
    .command('remove')
    .description('remove a mailbox (its mail already in Leadline stays)')
    .argument('<id>', 'mailbox id from `leadline mailbox list`')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"removed":id}')
    .action(
      action(async (idArg: string, opts: { workspace?: string; json?: boolean }) => {
        const id = Number(idArg);
        if (!Number.isInteger(id) || id <= 0) throw new CliError(`mailbox id must be a positive whole number (got "${idArg}")`, 2);
        const actor = await cliActor(opts.workspace);
        const db = await cliDb();
        const row = await db.mailbox.findFirst({ where: { id, workspaceId: actor.workspaceId } });
        if (!row) throw new CliError(`mailbox #${id} not found in this workspace`);
        await db.mailbox.delete({ where: { id } });
        await recordAudit(db, actor, { action: 'mailbox.remove', entity: 'Mailbox', entityId: id, before: publicMailbox(row), actorKind: 'cli' });
        if (opts.json) return printJson({ removed: id });
        print(`Removed mailbox #${id} ${row.name}.`);
      }),
    );
}
