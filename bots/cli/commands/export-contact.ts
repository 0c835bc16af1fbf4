// `leadline export contact ID`: everything stored about one person, as JSON.
import type { Command } from 'commander';
import { exportContact } from '../../../core/contacts/export-contact.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { action, cliActor, cliDb, CliError, print, printJson } from '../runtime.js';

export function parseContactId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`"${value}" is not a contact id (a positive whole number).`, 2);
  return id;
}

export function registerExportContact(program: Command) {
  const parent = program.commands.find((c) => c.name() === 'export') ?? program.command('export');
  parent
    .command('contact')
    .description(
      'print everything stored about a contact (contact, emails, phones, accounts, company, leads, deals, tasks, conversations with messages, timeline, audit rows) as JSON',
    )
    .argument('<id>', 'contact id')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'one JSON object on one line (default: indented JSON)')
    .action(
      action(async (idText: string, opts: { workspace?: string; json?: boolean }) => {
        const id = parseContactId(idText);
        const db = await cliDb();
        const actor = await cliActor(opts.workspace);
        const data = await exportContact(dbContext(db), actor, id);
        if (opts.json) return printJson(data);
        print(JSON.stringify(data, null, 2));
      }),
    );
}
