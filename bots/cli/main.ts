// `leadline` command line. Each command lives in commands/ and registers itself; this file
// only knows their names and one-line descriptions, and loads the module of the command
// being run (all of them only for `leadline help COMMAND`), so a command starts without
// loading what the others need (the Prisma client, the queue, the parser, the model SDK).
import { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<Register>;
}

const COMMANDS: CommandEntry[] = [
  {
    name: 'migrate',
    description: 'create the database if missing and apply pending migrations (a second run changes nothing)',
    load: async () => (await import('./commands/migrate.js')).registerMigrate,
  },
  {
    name: 'chat',
    description: 'chat with Leadline in this terminal, as a team member or as a customer (same engine as Telegram)',
    load: async () => (await import('./commands/chat.js')).registerChat,
  },
  {
    name: 'start',
    description: 'run Leadline: migrate, then the roles in LEADLINE_ROLES (web, worker, watcher, telegram; default all) until SIGTERM/SIGINT',
    load: async () => (await import('./commands/start.js')).registerStart,
  },
  {
    name: 'seed',
    description:
      'fill a new or empty workspace (default: DEFAULT_WORKSPACE) with a demo team and 8 weeks of their leads, deals and tasks (a second run changes nothing)',
    load: async () => (await import('./commands/seed.js')).registerSeed,
  },
  { name: 'import', description: 'import data from files', load: async () => (await import('./commands/import-contacts.js')).registerImportContacts },
  { name: 'export', description: 'export data', load: async () => (await import('./commands/export-contact.js')).registerExportContact },
  {
    name: 'file',
    description: "get a stored file (a customer's file too large for a manager's channel): leadline file get KEY --out PATH",
    load: async () => (await import('./commands/file.js')).registerFile,
  },
  {
    name: 'merge',
    description: 'merge two contacts of one person (leadline merge contacts KEEP MERGE), or undo a merge (leadline merge undo N)',
    load: async () => (await import('./commands/merge-contacts.js')).registerMergeContacts,
  },
  { name: 'erase', description: 'erase personal data', load: async () => (await import('./commands/erase-contact.js')).registerEraseContact },
  { name: 'user', description: 'manage team members: add, invite, duty, deactivate', load: async () => (await import('./commands/users.js')).registerUsers },
  { name: 'users', description: 'list the team members of a workspace', load: async () => (await import('./commands/users.js')).registerUsers },
  {
    name: 'settings',
    description: 'workspace settings: show, or set KEY VALUE (first response, business hours, holidays, auto-reassign, currency, digests ...)',
    load: async () => (await import('./commands/settings.js')).registerSettings,
  },
  {
    name: 'digest',
    description: 'show the digest a user would get now (--dry-run), or queue it for delivery now',
    load: async () => (await import('./commands/digest.js')).registerDigest,
  },
  {
    name: 'parse',
    description: 'show what Leadline understands in a plain-language message (no database needed)',
    load: async () => (await import('./commands/parse.js')).registerParse,
  },
  {
    name: 'ingest-email',
    description:
      'read one .eml file: classify it (lead, reply, form, auto_reply, bounce, dsn_delay, dsn_success, challenge, list, own), clean the body, extract the contact',
    load: async () => (await import('./commands/ingest-email.js')).registerIngestEmail,
  },
  {
    name: 'mailbox',
    description: 'mailboxes Leadline reads leads from (IMAP) and answers with (SMTP)',
    load: async () => (await import('./commands/mailbox.js')).registerMailbox,
  },
  {
    name: 'inbound',
    description: 'customer messages kept after a failure that was not an outage',
    load: async () => (await import('./commands/inbound.js')).registerInbound,
  },
  {
    name: 'form',
    description: 'web forms whose posts become leads (POST /forms/:formKey)',
    load: async () => (await import('./commands/form.js')).registerForm,
  },
  {
    name: 'apikey',
    description: 'REST API keys (/api/v1): create (shown once), list, revoke',
    load: async () => (await import('./commands/apikey.js')).registerApiKey,
  },
  {
    name: 'webhook',
    description: 'outgoing webhooks: signed event deliveries to your URLs',
    load: async () => (await import('./commands/webhook.js')).registerWebhook,
  },
  {
    name: 'mailing',
    description: 'mailings to customers: list them, report on one',
    load: async () => (await import('./commands/mailing.js')).registerMailing,
  },
];

const program = new Command();
program
  .name('leadline')
  .description('Leadline: a CRM assistant in your messengers and mailbox')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

/** Registers the commands' full definitions (options, arguments, actions), each module once. */
async function registerFull(entries: CommandEntry[]) {
  const done = new Set<Register>();
  for (const entry of entries) {
    const register = await entry.load();
    if (!done.has(register)) register(program);
    done.add(register);
    program.commands.find((c) => c.name() === entry.name)?.description(entry.description);
  }
}

// the command being run: the first word that is not an option (`help X` asks about X)
const args = process.argv.slice(2);
const first = args.find((a) => !a.startsWith('-'));
const wanted = first === 'help' ? args[args.indexOf('help') + 1] : first;
const entry = COMMANDS.find((c) => c.name === wanted);
if (entry) await registerFull([entry]);
else if (first === 'help' && wanted === undefined) for (const c of COMMANDS) program.command(c.name).description(c.description);
else if (wanted !== undefined) await registerFull(COMMANDS);
else for (const c of COMMANDS) program.command(c.name).description(c.description);

program.exitOverride((err) => {
  // commander's own help/version exits are fine; usage errors exit 2
  process.exit(err.exitCode === 0 ? 0 : 2);
});

await program.parseAsync(process.argv);
