// `leadline mailing list|report`: the workspace's mailings to customers and one mailing's
// report (sent per channel, every recipient not sent with its reason), for an operator
// outside chat. Mailings are drafted and confirmed in chat (/mailing; docs/mailings.md).
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { listMailings, mailingStatus, type MailingSummary } from '../../../core/mailings/mailing-status.js';
import { action, cliActor, cliDb, CliError, print, printJson, positiveInt } from '../runtime.js';

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '-');

function line(m: MailingSummary): string {
  const times = m.finishedAt ? `finished ${when(m.finishedAt)}` : m.startedAt ? `started ${when(m.startedAt)}` : `created ${when(m.createdAt)}`;
  return `#${m.id} ${m.status}, ${m.recipients} recipient(s), ${times}: ${m.subject ? `${m.subject} — ` : ''}${m.preview}`;
}

export function registerMailing(program: Command) {
  const mailing = program.command('mailing').description('mailings to customers: list them, report on one');

  mailing
    .command('list')
    .description("the workspace's mailings, newest first")
    .option('--limit <n>', 'how many (1-500)', '50')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (opts: { limit: string; workspace?: string; json?: boolean }) => {
        const limit = positiveInt(opts.limit, '--limit');
        if (limit > 500) throw new CliError(`--limit must be at most 500 (got ${limit})`, 2);
        const actor = await cliActor(opts.workspace);
        const list = await listMailings(dbContext(await cliDb()), actor, limit);
        if (opts.json) return printJson(list);
        if (!list.length) return print('No mailings yet. A head of sales drafts one in chat with /mailing (docs/mailings.md).');
        for (const m of list) print(line(m));
      }),
    );

  mailing
    .command('report')
    .description('one mailing: sent per channel, and every recipient not sent with its reason')
    .argument('<id>', 'mailing id from `leadline mailing list`')
    .option('--workspace <slug>', 'workspace (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"mailing","report"} (report: counts, sentBy, reasons)')
    .action(
      action(async (idArg: string, opts: { workspace?: string; json?: boolean }) => {
        const id = positiveInt(idArg, 'mailing id');
        const actor = await cliActor(opts.workspace);
        const status = await mailingStatus(dbContext(await cliDb()), actor, id);
        if (opts.json) return printJson(status);
        const r = status.report;
        print(line(status.mailing));
        print(`sent ${r.counts.sent} (telegram ${r.sentBy.telegram}, slack ${r.sentBy.slack}, email ${r.sentBy.email})`);
        const reasons = Object.entries(r.reasons).sort((a, b) => b[1] - a[1]);
        print(`not sent ${r.counts.skipped + r.counts.failed}${reasons.length ? `: ${reasons.map(([why, n]) => `${why} ${n}`).join(', ')}` : ''}`);
        // under way: the rest is still on the outbound queue
        if (status.mailing.status === 'sending') print('still sending: run it again for the final figures');
      }),
    );
}
