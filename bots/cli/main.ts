// `leadline` command line. Each command lives in commands/ and registers itself here.
import { Command } from 'commander';
import { registerMigrate } from './commands/migrate.js';
import { registerChat } from './commands/chat.js';
import { registerStart } from './commands/start.js';
import { registerSeed } from './commands/seed.js';
import { registerImportContacts } from './commands/import-contacts.js';
import { registerExportContact } from './commands/export-contact.js';
import { registerEraseContact } from './commands/erase-contact.js';
import { registerUsers } from './commands/users.js';
import { registerDigest } from './commands/digest.js';
import { registerParse } from './commands/parse.js';
import { registerIngestEmail } from './commands/ingest-email.js';
import { registerMailbox } from './commands/mailbox.js';
import { registerInbound } from './commands/inbound.js';
import { registerForm } from './commands/form.js';
import { registerApiKey } from './commands/apikey.js';
import { registerWebhook } from './commands/webhook.js';

const program = new Command();
program
  .name('leadline')
  .description('Leadline: a CRM assistant in your messengers and mailbox')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

registerMigrate(program);
registerChat(program);
registerStart(program);
registerSeed(program);
registerImportContacts(program);
registerExportContact(program);
registerEraseContact(program);
registerUsers(program);
registerDigest(program);
registerParse(program);
registerIngestEmail(program);
registerMailbox(program);
registerInbound(program);
registerForm(program);
registerApiKey(program);
registerWebhook(program);

program.exitOverride((err) => {
  // commander's own help/version exits are fine; usage errors exit 2
  process.exit(err.exitCode === 0 ? 0 : 2);
});

await program.parseAsync(process.argv);
