// `leadline settings show [--json]` and `leadline settings set KEY VALUE...`: the workspace
// settings an operator changes (the same use case as /settings in chat, acting as the CLI:
// audited with actorKind "cli"). A change of the digest time, day or time zone asks the
// running digest worker to move the members' schedules (when Redis is reachable).
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { createDigestQueue, digestSyncJob } from '../../../connectors/queue/digest-scheduler.js';
import { changeSetting, showSettings, SETTING_KEYS } from '../../../core/workspaces/settings.js';
import { settingLines } from '../../../core/chat/commands/workspace-settings.js';
import { action, cliActor, cliConfig, cliDb, print, printJson } from '../runtime.js';

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
          // the setting is saved either way; the digest worker also syncs at start-up
          await requestDigestSync(changed.rescheduled).catch((err: unknown) =>
            process.stderr.write(
              `note: the digest worker was not told (Redis: ${String((err as Error)?.message ?? err)}); it picks the new time up at its next start\n`,
            ),
          );
        }
        if (opts.json) return printJson(changed.settings);
        for (const line of settingLines(actor.locale, changed.settings, changed.key, ws.locale)) print(line);
      }),
    );
}
