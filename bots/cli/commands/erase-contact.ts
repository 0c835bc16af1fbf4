// `leadline erase contact ID --yes`: removes a person's personal data everywhere.
import type { Command } from 'commander';
import { eraseContact } from '../../../core/contacts/erase-contact.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { t } from '../../../core/i18n/index.js';
import { action, cliActor, cliConfig, cliDb, CliError, print, printJson } from '../runtime.js';
import { parseContactId } from './export-contact.js';

export function registerEraseContact(program: Command) {
  const parent = program.commands.find((c) => c.name() === 'erase') ?? program.command('erase');
  parent
    .command('contact')
    .description(
      "erase a contact's personal data (name, emails, phones, accounts, message texts, files) everywhere; leads and deals stay as anonymised numbers; writes an audit row. Cannot be undone: requires --yes",
    )
    .argument('<id>', 'contact id')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--yes', 'confirm the erasure')
    .option('--json', 'print the result as one JSON object')
    .action(
      action(async (idText: string, opts: { workspace?: string; yes?: boolean; json?: boolean }) => {
        const id = parseContactId(idText);
        const db = await cliDb();
        const actor = await cliActor(opts.workspace);
        if (!opts.yes) throw new CliError(t(actor.locale, 'contacts.erase.needs_yes', { id }), 1);
        const { createFileStore } = await import('../../../connectors/files/create-file-store.js');
        const result = await eraseContact(dbContext(db), actor, id, { files: createFileStore(await cliConfig()) });
        if (opts.json) return printJson(result);
        print(
          result.alreadyErased
            ? t(actor.locale, 'contacts.erase.already', { id, date: result.erasedAt.toISOString() })
            : t(actor.locale, 'contacts.erase.done', { id, leads: result.leads, deals: result.deals, conversations: result.conversations }),
        );
      }),
    );
}
