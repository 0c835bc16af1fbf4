// `leadline file get KEY [--out PATH]`: a stored file (FILE_STORAGE) written to PATH, or to
// standard output. What a manager is pointed to when a customer's file is larger than their
// channel takes and no signed links are set up (FILE_LINK_BASE_URL).
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { t } from '../../../core/i18n/index.js';
import { isFileKey } from '../../../core/files/file-store.js';
import { action, cliConfig, CliError, print } from '../runtime.js';

export function registerFile(program: Command) {
  const parent = program.commands.find((c) => c.name() === 'file') ?? program.command('file');
  parent.description('stored files (FILE_STORAGE)');
  parent
    .command('get')
    .description('write a stored file to --out (default: its own name in this folder; "-" for standard output)')
    .argument('<key>', 'the file key, as the message to the manager gives it')
    .option('--out <path>', 'where to write it')
    .action(
      action(async (key: string, opts: { out?: string }) => {
        const config = await cliConfig();
        const locale = config.DEFAULT_LOCALE;
        if (!isFileKey(key)) throw new CliError(t(locale, 'files.cli.bad_key', { key }), 2);
        const { createFileStore } = await import('../../../connectors/files/create-file-store.js');
        const bytes = await createFileStore(config).get(key);
        if (!bytes) throw new CliError(t(locale, 'files.cli.missing', { key }), 1);
        if (opts.out === '-') {
          process.stdout.write(bytes);
          return;
        }
        const path = opts.out ?? basename(key).replace(/^[0-9a-f]{24}-\d+-/, '');
        await writeFile(path, bytes);
        print(t(locale, 'files.cli.saved', { bytes: bytes.byteLength, path }));
      }),
    );
}
