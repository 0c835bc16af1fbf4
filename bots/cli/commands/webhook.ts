// `leadline webhook add|list|deliveries|remove|rotate|enable`: receivers of signed event posts.
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import {
  WEBHOOK_EVENTS,
  addWebhook,
  enableWebhook,
  listWebhookDeliveries,
  listWebhooks,
  parseEvents,
  removeWebhook,
  rotateWebhook,
} from '../../../core/webhooks/endpoints.js';
import { action, cliActor, cliDb, print, printJson, positiveInt } from '../runtime.js';

type Opts = { workspace?: string; json?: boolean };

export function registerWebhook(program: Command) {
  const webhook = program.command('webhook').description('outgoing webhooks: signed posts of lead, deal, task and message events');

  webhook
    .command('add')
    .description('add a receiver; prints its signing secret once')
    .requiredOption('--url <url>', 'where events are posted (http or https)')
    .option('--events <list>', `comma-separated, of: ${WEBHOOK_EVENTS.join(', ')} (default: all)`)
    .option('--owner <userId>', 'the team member told in chat if it is turned off (default: admins and heads)')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"id","secret"}')
    .action(
      action(async (opts: Opts & { url: string; events?: string; owner?: string }) => {
        const events = parseEvents(opts.events);
        const ownerId = opts.owner ? positiveInt(opts.owner, '--owner') : null;
        const actor = await cliActor(opts.workspace);
        const made = await addWebhook(dbContext(await cliDb()), actor, { url: opts.url, events, ownerId });
        if (opts.json) return printJson({ id: made.id, secret: made.secret });
        print(`Webhook #${made.id} posts ${events.join(', ')} to ${made.view.url}. Signing secret (shown once):`);
        print(made.secret);
      }),
    );

  webhook
    .command('list')
    .description("the workspace's webhooks (no secrets)")
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (opts: Opts) => {
        const actor = await cliActor(opts.workspace);
        const hooks = await listWebhooks(dbContext(await cliDb()), actor);
        if (opts.json) return printJson(hooks);
        if (!hooks.length) return print('No webhooks. Add one with: leadline webhook add --url https://... --events lead.created');
        for (const h of hooks) {
          const state = !h.active ? 'OFF' : h.failingSince ? `failing since ${h.failingSince}: ${h.lastError}` : 'ok';
          print(`#${h.id} ${h.url} [${h.events.join(', ')}] — ${state}`);
        }
      }),
    );

  webhook
    .command('deliveries')
    .description("a webhook's latest deliveries with each attempt (time, HTTP status or error, duration)")
    .argument('<id>', 'webhook id from `leadline webhook list`')
    .option('--limit <n>', 'how many deliveries, newest first (default 20)')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (idArg: string, opts: Opts & { limit?: string }) => {
        const id = positiveInt(idArg, 'webhook id');
        const limit = opts.limit ? positiveInt(opts.limit, '--limit') : 20;
        const actor = await cliActor(opts.workspace);
        const list = await listWebhookDeliveries(dbContext(await cliDb()), actor, id, limit);
        if (opts.json) return printJson(list);
        if (!list.length) return print(`No deliveries to webhook #${id} yet.`);
        for (const d of list) {
          print(`${d.id} ${d.event.type} ${d.event.id} — ${d.status}${d.deliveredAt ? ` at ${d.deliveredAt}` : ''}`);
          for (const a of d.attempts) print(`  #${a.number} ${a.at} ${a.status ?? '-'} ${a.durationMs} ms${a.error ? ` ${a.error}` : ''}`);
        }
      }),
    );

  for (const [name, description] of [
    ['remove', 'remove a webhook (pending deliveries are dropped)'],
    ['rotate', 'a new signing secret, printed once; deliveries from now on use it'],
    ['enable', 'turn a webhook that was turned off back on'],
  ] as const) {
    webhook
      .command(name)
      .description(description)
      .argument('<id>', 'webhook id from `leadline webhook list`')
      .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
      .option('--json', 'print the result as JSON')
      .action(
        action(async (idArg: string, opts: Opts) => {
          const id = positiveInt(idArg, 'webhook id');
          const ctx = dbContext(await cliDb());
          const actor = await cliActor(opts.workspace);
          if (name === 'rotate') {
            const r = await rotateWebhook(ctx, actor, id);
            if (opts.json) return printJson(r);
            print(`New signing secret of webhook #${id} (shown once):`);
            return print(r.secret);
          }
          if (name === 'remove') await removeWebhook(ctx, actor, id);
          else await enableWebhook(ctx, actor, id);
          if (opts.json) return printJson({ [name === 'remove' ? 'removed' : 'enabled']: id });
          print(name === 'remove' ? `Removed webhook #${id}.` : `Webhook #${id} is on again.`);
        }),
      );
  }
}
