// `leadline settings show [--json]`, `leadline settings set KEY VALUE...` and
// `leadline settings import-holidays FILE.ics`: the workspace
// settings an operator changes (the same use case as /settings in chat, acting as the CLI:
// audited with actorKind "cli"). A change of the digest time, day or time zone asks the
// running digest worker to move the members' schedules (when Redis is reachable).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { holidaysFromIcs } from '../../../connectors/import/ics-holidays.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { createDigestQueue, digestSyncJob } from '../../../connectors/queue/digest-scheduler.js';
import { changeSetting, showSettings, SETTING_KEYS } from '../../../core/workspaces/settings.js';
import { settingLines } from '../../../core/chat/commands/workspace-settings.js';
import { action, cliActor, cliConfig, cliDb, CliError, print, printJson } from '../runtime.js';

async function requestDigestSync(userIds: number[]): Promise<boolean> {
  const config = await cliConfig();
  const settings = queueSettings(redisTargetOf(config), config.QUEUE_PREFIX);
  const queue = createDigestQueue(settings);
  try {
    await queue.add(digestSyncJob.name, { userIds }, digestSyncJob.options);
    return true;
  } finally {
    await queue.close();
    await settings.close();
  }
}

export function registerSettings(program: Command) {
  const settings = program.command('settings');

  settings
    .command('show')
    .description('print the workspace settings')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print them as JSON')
    .action(
      action(async (opts: { workspace?: string; json?: boolean }) => {
        const actor = await cliActor(opts.workspace);
        const ws = await (await cliDb()).workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { locale: true } });
        const s = await showSettings(dbContext(await cliDb()), actor);
        if (opts.json) return printJson(s);
        const keys = SETTING_KEYS.filter((k) => k !== 'digest-day');
        for (const k of keys) for (const line of settingLines(actor.locale, s, k, ws.locale)) print(line);
      }),
    );

  settings
    .command('set')
    .description(
      `change one setting: ${SETTING_KEYS.join(', ')} (e.g. settings set hours mon-fri 9-18, settings set holidays add 2026-12-31..2027-01-08 New Year)`,
    )
    .argument('<key>', SETTING_KEYS.join(' | '))
    .argument('<value...>', 'the new value as you would type it in chat after /settings KEY')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the settings after the change as JSON')
    .action(
      action(async (key: string, value: string[], opts: { workspace?: string; json?: boolean }) => {
        const actor = await cliActor(opts.workspace);
        const db = await cliDb();
        const ws = await db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { locale: true } });
        const changed = await changeSetting(dbContext(db), actor, key, value.join(' '));
        if (changed.rescheduled.length) {
          // the setting is saved either way; the digest worker also re-syncs every 5 minutes
          await requestDigestSync(changed.rescheduled).catch((err: unknown) =>
            process.stderr.write(
              `note: the digest worker was not told (Redis: ${String((err as Error)?.message ?? err)}); its periodic sync (every 5 minutes) picks the new time up\n`,
            ),
          );
        }
        if (opts.json) return printJson(changed.settings);
        for (const line of settingLines(actor.locale, changed.settings, changed.key, ws.locale)) print(line);
      }),
    );

  settings
    .command('import-holidays')
    .description('add the holidays of an iCalendar (.ics) file, e.g. a national calendar, to the workspace holidays')
    .argument('<file>', 'an .ics file')
    .option('--from-year <year>', 'the first year to take (default: this year)')
    .option('--years <n>', 'how many years to take (default 2)', '2')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the holidays after the import as JSON')
    .action(
      action(async (file: string, opts: { fromYear?: string; years: string; workspace?: string; json?: boolean }) => {
        const fromYear = opts.fromYear === undefined ? undefined : Number(opts.fromYear);
        const years = Number(opts.years);
        if ((fromYear !== undefined && !Number.isInteger(fromYear)) || !Number.isInteger(years) || years < 1 || years > 10)
          throw new CliError('--from-year is a year and --years a whole number from 1 to 10');
        let found;
        try {
          found = holidaysFromIcs(await readFile(file, 'utf8'), { fromYear, years });
        } catch (err) {
          throw new CliError(`${file} is not a readable iCalendar file (${String((err as Error)?.message ?? err)})`);
        }
        const actor = await cliActor(opts.workspace);
        const ctx = dbContext(await cliDb());
        const current = (await showSettings(ctx, actor)).holidays;
        // one change, audited once: the workspace's holidays and the file's together
        const changed = await changeSetting(ctx, actor, 'holidays', JSON.stringify([...current, ...found]));
        if (opts.json) return printJson(changed.settings.holidays);
        print(`${found.length} holidays read from ${file}; the workspace has ${changed.settings.holidays.length} now.`);
      }),
    );
}
