// `leadline seed --demo`: the demo team and eight weeks of their work (core/demo/seed-demo.ts),
// in DEFAULT_WORKSPACE unless --workspace says otherwise, so every other command finds it.
import type { Command } from 'commander';
import { t, type Locale, type MessageKey } from '../../../core/i18n/index.js';
import { action, cliConfig, cliDb, CliError, print, printJson } from '../runtime.js';

interface SeedOptions {
  demo?: boolean;
  workspace?: string;
  locale?: string;
  reset?: boolean;
  json?: boolean;
}

export function registerSeed(program: Command) {
  program
    .command('seed')
    .option('--demo', 'build the demo (required)')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE); it must be new, empty or hold the demo already')
    .option('--locale <locale>', "the demo's language, en or ru (default: the workspace's, else DEFAULT_LOCALE)")
    .option('--reset', 'clear a workspace holding the demo and build it again')
    .option('--json', 'print {"workspace","created","locale","users":[{id,name,role,inviteCode}],"counts":{...}}')
    .action(
      action(async (opts: SeedOptions) => {
        if (!opts.demo) throw new CliError('say what to seed: leadline seed --demo');
        const [{ parseLocale }, { seedDemo }, { sqlStores }] = await Promise.all([
          import('../../../core/users/add-user.js'),
          import('../../../core/demo/seed-demo.js'),
          import('../../../connectors/db/stores/index.js'),
        ]);
        const locale = opts.locale === undefined ? undefined : parseLocale(opts.locale);
        const config = await cliConfig();
        const slug = opts.workspace ?? config.DEFAULT_WORKSPACE;
        const progress = !opts.json && process.stderr.isTTY;
        const result = await seedDemo(await cliDb(), sqlStores, {
          slug,
          locale,
          fallbackLocale: config.DEFAULT_LOCALE,
          reset: opts.reset,
          onProgress: progress ? (step) => process.stderr.write(t(locale ?? config.DEFAULT_LOCALE, `seed.progress.${step}`) + '\n') : undefined,
        });
        if (opts.json) return printJson(result);

        const say = (key: MessageKey, params: Record<string, string | number> = {}) => print(t(result.locale, key, params));
        // the other commands need --workspace only when the demo is not in the default workspace
        const ws = slug === config.DEFAULT_WORKSPACE ? '' : ` --workspace ${slug}`;
        const role = (r: string) => t(result.locale, `role.${r}` as MessageKey);
        if (result.created) {
          say('seed.created', { slug, users: result.users.length, ...result.counts });
          for (const u of result.users) say('seed.user', { id: u.id, name: u.name, role: role(u.role), code: u.inviteCode ?? '' });
        } else {
          say('seed.exists', { slug });
          for (const u of result.users) say('seed.member', { id: u.id, name: u.name, role: role(u.role), ws });
        }
        printNext(result.locale, result.users, ws);
      }),
    );
}

function printNext(locale: Locale, users: Array<{ id: number; name: string; role: string }>, ws: string) {
  const head = users.find((u) => u.role === 'head');
  const manager = users.find((u) => u.role === 'manager');
  print();
  print(t(locale, 'seed.next'));
  print(t(locale, 'seed.next.users', { ws }));
  if (head) {
    print(t(locale, 'seed.next.weekly', { id: head.id, name: head.name }));
    print(t(locale, 'seed.next.daily', { id: head.id, name: head.name }));
  }
  if (manager) {
    print(t(locale, 'seed.next.today', { id: manager.id, name: manager.name }));
    print(t(locale, 'seed.next.chat', { id: manager.id, name: manager.name, ws }));
  }
}
