import type { Command } from 'commander';
import { migrate } from '../../../connectors/db/migrate.js';
import { checkPostgres } from '../../../connectors/services.js';
import { describeUrl } from '../../../connectors/db/database-url.js';
import { action, cliConfig, print, printJson } from '../runtime.js';

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .option('--json', 'print {"created":bool,"applied":[names]}')
    .action(
      action(async (opts: { json?: boolean }) => {
        const url = (await cliConfig()).DATABASE_URL;
        await checkPostgres(url);
        const result = await migrate(url);
        if (opts.json) return printJson(result);
        if (result.created) print(`Created database ${describeUrl(url)}.`);
        print(result.applied.length ? `Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}` : 'Database is up to date.');
      }),
    );
}
