// `leadline form add|list|remove`: the web forms that post leads to POST /forms/:formKey.
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { addForm, listForms, removeForm } from '../../../core/forms/forms.js';
import { action, cliActor, cliDb, CliError, print, printJson } from '../runtime.js';

function httpUrl(value: string, option: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {
    // refused below
  }
  throw new CliError(`${option} must be an http(s) URL (got "${value}")`, 2);
}

function origins(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((o) => {
      const url = new URL(httpUrl(o, '--origins'));
      return url.origin;
    });
}

export function registerForm(program: Command) {
  const form = program.command('form').description('web forms that post leads to POST /forms/:formKey');

  form
    .command('add')
    .description('add a form; prints its key for the action URL')
    .requiredOption('--name <name>', 'a name for lists and notifications, e.g. "Site"')
    .option('--redirect <url>', 'send a plain HTML form to this page after a post (303)')
    .option('--origins <list>', 'comma-separated origins allowed to post from scripts (CORS); default: any')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"id","formKey"}')
    .action(
      action(async (opts: { name: string; redirect?: string; origins?: string; workspace?: string; json?: boolean }) => {
        if (!opts.name.trim()) throw new CliError('--name must not be empty', 2);
        const redirectUrl = opts.redirect ? httpUrl(opts.redirect, '--redirect') : null;
        const allowedOrigins = origins(opts.origins);
        const actor = await cliActor(opts.workspace);
        const created = await addForm(dbContext(await cliDb()), actor, { name: opts.name, redirectUrl, allowedOrigins });
        if (opts.json) return printJson({ id: created.id, formKey: created.formKey });
        print(`Added form #${created.id} ${created.name}. Post it to /forms/${created.formKey} (see README: Web forms).`);
      }),
    );

  form
    .command('list')
    .description("the workspace's web forms")
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (opts: { workspace?: string; json?: boolean }) => {
        const actor = await cliActor(opts.workspace);
        const forms = await listForms(dbContext(await cliDb()), actor);
        if (opts.json) return printJson(forms);
        if (!forms.length) return print('No forms. Add one with: leadline form add --name "Site"');
        for (const f of forms) {
          const extra = [f.redirectUrl ? `redirect ${f.redirectUrl}` : '', f.allowedOrigins.length ? `origins ${f.allowedOrigins.join(',')}` : ''].filter(
            Boolean,
          );
          print(`#${f.id} ${f.name} /forms/${f.formKey}${f.active ? '' : ' (removed)'}${extra.length ? ` — ${extra.join('; ')}` : ''}`);
        }
      }),
    );

  form
    .command('remove')
    .description('remove a form: posts to its key get 404 (the leads it brought stay)')
    .argument('<id>', 'form id from `leadline form list`')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"removed":id}')
    .action(
      action(async (idArg: string, opts: { workspace?: string; json?: boolean }) => {
        const id = Number(idArg);
        if (!Number.isInteger(id) || id <= 0) throw new CliError(`form id must be a positive whole number (got "${idArg}")`, 2);
        const actor = await cliActor(opts.workspace);
        await removeForm(dbContext(await cliDb()), actor, id);
        if (opts.json) return printJson({ removed: id });
        print(`Removed form #${id}.`);
      }),
    );
}
