// `leadline user add|invite|duty` and `leadline users`: team members and their invite codes.
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { t, formatDateTime, type MessageKey } from '../../../core/i18n/index.js';
import { addUser, listUsers, newInviteCode, parseRole, setOnDuty } from '../../../core/users/index.js';
import { normalizeEmail, parseLocale } from '../../../core/users/add-user.js';
import { assertTimeZone } from '../../../core/time/zoned.js';
import { action, cliActor, cliConfig, cliDb, CliError, print, printJson } from '../runtime.js';

interface AddOptions {
  name: string;
  role: string;
  email?: string;
  timezone?: string;
  locale?: string;
  workspace?: string;
  json?: boolean;
}

function parseId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`"${value}" is not a user id (a positive whole number; see: leadline users)`);
  return id;
}

export function registerUsers(program: Command) {
  const user = program.command('user');

  user
    .command('add')
    .description('add a team member and print their one-time invite code (single use, valid 7 days)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', 'manager, head or admin')
    .option('--email <email>', 'work email')
    .option('--timezone <tz>', "IANA time zone, e.g. Europe/Moscow (default: the workspace's)")
    .option('--locale <locale>', "en or ru (default: the workspace's)")
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"id":N,"inviteCode":"...","expiresAt":"..."}')
    .action(
      action(async (opts: AddOptions) => {
        // everything is checked before the workspace is touched: bad input writes nothing
        parseRole(opts.role);
        if (opts.email) normalizeEmail(opts.email);
        if (opts.timezone) assertTimeZone(opts.timezone);
        if (opts.locale) parseLocale(opts.locale);
        const actor = await cliActor(opts.workspace, { create: true });
        const ctx = dbContext(await cliDb());
        const result = await addUser(ctx, actor, opts);
        if (opts.json) return printJson({ id: result.user.id, inviteCode: result.inviteCode, expiresAt: result.inviteExpiresAt });
        print(t(actor.locale, 'users.added', { id: result.user.id, name: result.user.name, role: t(actor.locale, `role.${result.user.role}` as MessageKey) }));
        print(t(actor.locale, 'users.invite', { code: result.inviteCode, expires: formatDateTime(actor.locale, result.inviteExpiresAt, actor.timezone) }));
      }),
    );

  user
    .command('invite')
    .description('issue a new invite code for a team member (their older unused codes stop working)')
    .argument('<id>', 'user id')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"id":N,"inviteCode":"...","expiresAt":"..."}')
    .action(
      action(async (idText: string, opts: { workspace?: string; json?: boolean }) => {
        const id = parseId(idText);
        const actor = await cliActor(opts.workspace);
        const result = await newInviteCode(dbContext(await cliDb()), actor, id);
        if (opts.json) return printJson({ id, inviteCode: result.inviteCode, expiresAt: result.inviteExpiresAt });
        print(t(actor.locale, 'users.invite', { code: result.inviteCode, expires: formatDateTime(actor.locale, result.inviteExpiresAt, actor.timezone) }));
      }),
    );

  user
    .command('duty')
    .description('put a team member on or off duty (on-duty managers get new leads by round robin)')
    .argument('<id>', 'user id')
    .argument('<state>', 'on or off')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print {"id":N,"onDuty":bool}')
    .action(
      action(async (idText: string, state: string, opts: { workspace?: string; json?: boolean }) => {
        const id = parseId(idText);
        const s = state.trim().toLowerCase();
        if (s !== 'on' && s !== 'off') throw new CliError(`duty must be "on" or "off", not "${state}"`);
        const actor = await cliActor(opts.workspace);
        const updated = await setOnDuty(dbContext(await cliDb()), actor, id, s === 'on');
        if (opts.json) return printJson({ id: updated.id, onDuty: updated.onDuty });
        print(t(actor.locale, updated.onDuty ? 'users.duty_set_on' : 'users.duty_set_off', { name: updated.name }));
      }),
    );

  program
    .command('users')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--all', 'include deactivated members')
    .option('--json', 'print an array of users')
    .action(
      action(async (opts: { workspace?: string; all?: boolean; json?: boolean }) => {
        const actor = await cliActor(opts.workspace);
        const users = await listUsers(dbContext(await cliDb()), actor, { includeInactive: opts.all });
        if (opts.json) {
          return printJson(
            users.map((u) => ({
              id: u.id,
              name: u.name,
              role: u.role,
              email: u.email,
              locale: u.locale,
              timezone: u.timezone,
              onDuty: u.onDuty,
              active: u.active,
              linked: u.identities.map((i) => i.channel),
            })),
          );
        }
        if (!users.length) {
          // the same workspace in the commands it suggests
          const ws = opts.workspace && opts.workspace !== (await cliConfig()).DEFAULT_WORKSPACE ? ` --workspace ${opts.workspace}` : '';
          return print(t(actor.locale, 'users.none', { ws }));
        }
        for (const u of users) {
          print(
            t(actor.locale, 'users.row', {
              id: u.id,
              name: u.name,
              role: t(actor.locale, `role.${u.role}` as MessageKey),
              duty: t(actor.locale, u.onDuty ? 'users.on_duty' : 'users.off_duty'),
              timezone: u.timezone ?? actor.timezone,
              linked: u.identities.length
                ? [...new Set(u.identities.map((i) => t(actor.locale, `channel.${i.channel}` as MessageKey)))].join(', ')
                : t(actor.locale, 'users.not_linked'),
            }),
          );
        }
      }),
    );
}
