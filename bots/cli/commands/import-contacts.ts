// `leadline import contacts FILE`: CSV or XLSX, English or Russian headers, duplicates merged.
import type { Command } from 'commander';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { openTable } from '../../../connectors/import/read-table.js';
import { heapNudge } from '../../../connectors/import/heap-nudge.js';
import { importContacts } from '../../../core/contacts/import/import-contacts.js';
import { formatImportReport } from '../../../core/contacts/import/import-report.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { action, cliActor, cliDb, print, printJson } from '../runtime.js';

/** Below this file size a bar only flickers; --progress shows it anyway. */
const PROGRESS_MIN_BYTES = 100 * 1024;

export function registerImportContacts(program: Command) {
  const parent = program.commands.find((c) => c.name() === 'import') ?? program.command('import');
  parent
    .command('contacts')
    .description(
      'import contacts from a .csv or .xlsx file; columns are recognised by their headers in English or Russian ' +
        '(name, first/last name, email, phone, company, position, notes / имя, фамилия, почта, телефон, компания, должность, комментарий). ' +
        'Rows with a known email or phone are merged into that contact; a bad email or phone is left out with a warning; ' +
        'a row without any name, valid email or phone is skipped and reported.',
    )
    .argument('<file>', 'path to the .csv or .xlsx file')
    .option('--workspace <slug>', 'workspace to import into (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the report as one JSON object')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .action(
      action(async (file: string, opts: { workspace?: string; json?: boolean; progress?: boolean }) => {
        const db = await cliDb();
        const actor = await cliActor(opts.workspace, { create: true });
        const table = await openTable(file);
        // the file is streamed, so progress is the share of the file read (CSV) or the rows done (XLSX, compressed)
        const byBytes = Boolean(table.bytesRead);
        const showBar = Boolean(opts.progress) || (Boolean(process.stderr.isTTY) && table.size >= PROGRESS_MIN_BYTES);
        const bar = showBar
          ? new cliProgress.SingleBar(
              {
                stream: process.stderr,
                format: byBytes ? 'Importing |{bar}| {percentage}% ({rows} rows)' : 'Importing {rows} rows',
                hideCursor: true,
                noTTYOutput: !process.stderr.isTTY,
                notTTYSchedule: 1000,
              },
              cliProgress.Presets.shades_classic,
            )
          : null;
        bar?.start(byBytes ? table.size : 0, 0, { rows: 0 });
        const nudge = heapNudge();
        try {
          const report = await importContacts(dbContext(db), actor, table.records, {
            source: path.basename(file),
            onProgress: (done) => {
              bar?.update(table.bytesRead ? Math.min(table.bytesRead(), table.size) : 0, { rows: done });
              nudge(done);
            },
          });
          bar?.update(byBytes ? table.size : 0, { rows: report.rows });
          bar?.stop();
          if (opts.json) return printJson(report);
          for (const line of formatImportReport(report, actor.locale)) print(line);
        } finally {
          bar?.stop();
        }
      }),
    );
}
