// `leadline seed --demo`: a demo workspace to try Leadline with (see demo/seed-demo.ts).
import type { Command } from 'commander';
import { t, type MessageKey } from '../../../core/i18n/index.js';
import { seedDemo } from '../demo/seed-demo.js';
import { action, cliConfig, cliDb, CliError, print, printJson } from '../runtime.js';

export function registerSeed(program: Command) {
  program
    .command('seed')
    .option('--demo', 'build the demo workspace (required)')
    .option('--workspace <slug>', 'workspace slug', 'demo')
    .option('--reset', 'delete that workspace first and build it again')
    .option('--json', 'print {"workspace","created","users":[{id,name,role,inviteCode}],"counts":{...}}')
    .action(
      action(async (opts: { demo?: boolean; workspace: string; reset?: boolean; json?: boolean }) => {
        if (!opts.demo) throw new CliError('say what to seed: leadline seed --demo');
        const result = await seedDemo(await cliDb(), { slug: opts.workspace, reset: opts.reset });
        if (opts.json) return printJson(result);
        const locale = (await cliConfig()).DEFAULT_LOCALE;
        if (!result.created) return print(t(locale, 'seed.exists', { slug: result.workspace }));
        print(t(locale, 'seed.created', { slug: result.workspace, ...result.counts }));
        for (const u of result.users) {
          print(t(locale, 'seed.user', { id: u.id, name: u.name, role: t(locale, `role.${u.role}` as MessageKey), code: u.inviteCode }));
        }
      }),
    );
}
