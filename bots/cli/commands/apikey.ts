// `leadline apikey create|list|revoke`: keys for the REST API (/api/v1). A key is printed once,
// when it is made; only its sha256 is stored.
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { API_SCOPES, createApiKey, listApiKeys, parseScopes, revokeApiKey } from '../../../core/api/api-keys.js';
import { action, cliActor, cliDb, CliError, print, printJson, positiveInt } from '../runtime.js';

export function registerApiKey(program: Command) {
  const apikey = program.command('apikey').description('keys for the REST API (/api/v1, Authorization: Bearer KEY)');

  apikey
    .command('create')
    .description('make a key; it is printed once and stored hashed')
    .requiredOption('--name <name>', 'what the key is for, e.g. "Website backend"')
    .option('--scopes <list>', `comma-separated, of: ${API_SCOPES.join(', ')} (default: every scope)`)
    .option('--user <id>', 'act as this team member (their permissions); default: for the whole workspace')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"id","key"}')
    .action(
      action(async (opts: { name: string; scopes?: string; user?: string; workspace?: string; json?: boolean }) => {
        if (!opts.name.trim()) throw new CliError('--name must not be empty', 2);
        const scopes = parseScopes(opts.scopes);
        const userId = opts.user ? positiveInt(opts.user, '--user') : null;
        const actor = await cliActor(opts.workspace);
        const made = await createApiKey(dbContext(await cliDb()), actor, { name: opts.name, scopes, userId });
        if (opts.json) return printJson({ id: made.id, key: made.key });
        print(`API key #${made.id} "${made.view.name}" (${scopes.join(', ')}):`);
        print(made.key);
        print('Keep it now: it is not shown again.');
      }),
    );

  apikey
    .command('list')
    .description("the workspace's API keys (never the keys themselves)")
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (opts: { workspace?: string; json?: boolean }) => {
        const actor = await cliActor(opts.workspace);
        const keys = await listApiKeys(dbContext(await cliDb()), actor);
        if (opts.json) return printJson(keys);
        if (!keys.length) return print('No API keys. Make one with: leadline apikey create --name "My integration"');
        for (const k of keys) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.lastUsedAt ? `last used ${k.lastUsedAt}` : 'never used';
          print(`#${k.id} ${k.name} ${k.prefix}… ${k.userId ? `as user #${k.userId}` : 'workspace'} [${k.scopes.join(', ')}] — ${state}`);
        }
      }),
    );

  apikey
    .command('revoke')
    .description('revoke a key: it gets 401 from then on')
    .argument('<id>', 'key id from `leadline apikey list`')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"revoked":id}')
    .action(
      action(async (idArg: string, opts: { workspace?: string; json?: boolean }) => {
        const id = positiveInt(idArg, 'key id');
        const actor = await cliActor(opts.workspace);
        await revokeApiKey(dbContext(await cliDb()), actor, id);
        if (opts.json) return printJson({ revoked: id });
        print(`Revoked API key #${id}.`);
      }),
    );
}
