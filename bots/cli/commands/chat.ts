import type { Command } from 'commander';
import { checkRedis } from '../../../connectors/services.js';
import { action, cliConfig, cliDb, cliWorkspace, CliError } from '../runtime.js';
import { runConsoleChat, consoleManager, consoleCustomerId, ConsoleUsageError } from '../../console/console-chat.js';

export function registerChat(program: Command) {
  program
    .command('chat')
    .requiredOption('--as <who>', 'manager | customer')
    .option('--user <id>', 'the team member to chat as (with --as manager)')
    .option('--name <name>', "the customer's name (with --as customer)")
    .option('--lang <code>', "the customer's language code (en or ru; default: the language they write in)")
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .action(
      action(async (opts: { as: string; user?: string; name?: string; lang?: string; workspace?: string }) => {
        const config = await cliConfig();
        await checkRedis(config.REDIS_URL);
        const db = await cliDb();
        const ws = await cliWorkspace(opts.workspace);
        try {
          let person;
          if (opts.as === 'manager') {
            const id = Number(opts.user);
            if (!opts.user || !Number.isInteger(id) || id <= 0) throw new CliError('--as manager needs --user ID (see "leadline users")', 2);
            person = await consoleManager(db, ws, id);
          } else if (opts.as === 'customer') {
            if (!opts.name?.trim()) throw new CliError('--as customer needs --name "Ivan"', 2);
            person = { externalId: consoleCustomerId(opts.name), displayName: opts.name.trim(), languageCode: opts.lang };
          } else throw new CliError(`--as must be manager or customer (got "${opts.as}")`, 2);
          await runConsoleChat({ config, db, workspace: ws, person });
        } catch (e) {
          if (e instanceof ConsoleUsageError) throw new CliError(e.message, 2);
          throw e;
        }
      }),
    );
}
