// `leadline user add|invite|duty|deactivate` and `leadline users`: team members and their invite codes.
import type { Command } from 'commander';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { t, formatDateTime, type MessageKey } from '../../../core/i18n/index.js';
import { addUser, deactivateMember, handoverLines, listUsers, newInviteCode, parseRole, planHandover, setOnDuty } from '../../../core/users/index.js';
import type { HandoverTarget } from '../../../core/users/index.js';
import { queueSettings, redisTargetOf } from '../../../connectors/queue/connection.js';
import { createOutbox } from '../../../connectors/queue/workers.js';
import { checkRedis } from '../../../connectors/services.js';
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

function printLines(lines: string[], locale: 'en' | 'ru'): void {
  if (!lines.length) return print(t(locale, 'team.preview_nothing'));
  for (const line of lines) print(`  ${line}`);
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

  user
    .command('deactivate')
    .description(
      'deactivate a team member and hand their open leads, deals, tasks and digests over (round robin among the members on duty, or to --handover-to); the new owners are told in chat',
    )
    .argument('<id>', 'user id')
    .option('--handover-to <id>', 'the member who takes everything (default: round robin among the active members on duty)')
    .option('--dry-run', 'only print what would move and to whom')
    .option('--workspace <slug>', 'workspace slug (default: DEFAULT_WORKSPACE)')
    .option('--json', 'print the plan (and whether it was applied) as JSON')
    .action(
      action(async (idText: string, opts: { handoverTo?: string; dryRun?: boolean; workspace?: string; json?: boolean }) => {
        const id = parseId(idText);
        const target: HandoverTarget = opts.handoverTo ? { kind: 'user', userId: parseId(opts.handoverTo) } : { kind: 'round_robin' };
        const actor = await cliActor(opts.workspace);
        const ctx = dbContext(await cliDb());
        if (opts.dryRun) {
          const plan = await planHandover(ctx, actor, id, target);
          if (opts.json) return printJson({ applied: false, plan });
          print(t(actor.locale, 'team.preview_title', { name: plan.member.name }));
          return printLines(handoverLines(actor.locale, plan, new Map(plan.receivers.map((r) => [r.id, r.name]))), actor.locale);
        }
        const result = await deactivateMember(ctx, actor, id, target);
        // the new owners are told through the outbound queue (a running worker sends it)
        let told = 0;
        if (result.notices.length) {
          const config = await cliConfig();
          const redis = redisTargetOf(config);
          try {
            await checkRedis(redis);
            const settings = queueSettings(redis, config.QUEUE_PREFIX);
            const outbox = createOutbox(settings);
            try {
              for (const n of result.notices) await outbox.enqueue(n);
              told = result.notices.length;
            } finally {
              await outbox.close();
              await settings.close();
            }
          } catch (err) {
            process.stderr.write(`warning: the member is deactivated, but the new owners could not be told (Redis): ${String(err)}\n`);
          }
        }
        const { plan } = result;
        if (opts.json) return printJson({ applied: true, plan, told });
        const names = new Map(plan.receivers.map((r) => [r.id, r.name]));
        print(
          t(actor.locale, 'team.deactivated', {
            name: plan.member.name,
            leads: plan.leads.length,
            deals: plan.deals.length,
            tasks: plan.tasks.length,
            digests: plan.subscriptions.length,
            receivers: [...new Set([...plan.leads, ...plan.deals, ...plan.tasks].map((x) => names.get(x.to)))].join(', ') || '—',
          }),
        );
        printLines(handoverLines(actor.locale, plan, names), actor.locale);
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
