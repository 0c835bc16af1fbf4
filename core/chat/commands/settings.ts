// /lang en|ru and /tz Europe/Moscow: the speaker's own settings; /settings: the workspace's
// (admins, and heads for the sales-process ones; workspace-settings.ts).
import { t, formatDateTime, resolveLocale } from '../../i18n/index.js';
import { setUserLocale, setUserTimezone } from '../../users/index.js';
import type { Command } from './command.js';
import { usage } from './command.js';
import { reply, type Reply } from '../reply.js';
import type { Actor } from '../../actor.js';
import type { Turn } from '../turn.js';
import { digestChannelArg, setTeamDigestTarget } from '../../digests/digest-target.js';
import { composeDigest, defaultDigestKind } from '../../digests/compose-digest.js';
import { renderDigestText } from '../../digests/render-text.js';
import { seesWholeTeam } from '../../actor.js';
import { settingsCommand } from './workspace-settings.js';

/** "/digest channel #sales" (Slack): the team digest is posted in a channel; "off" sends it to the DM again. */
async function digestChannel(channel: string, turn: Turn, actor: Actor, arg: string | undefined): Promise<Reply[]> {
  if (channel !== 'slack') return [reply(t(actor.locale, 'chat.digest.channel_slack_only'))];
  if (!seesWholeTeam(actor)) return [reply(t(actor.locale, 'slack.digest.heads_only'))];
  const off = arg && ['off', 'dm', 'выкл'].includes(arg.toLowerCase());
  const target = off ? null : digestChannelArg(arg);
  if (!off && !target) return [reply(t(actor.locale, 'slack.digest.channel_usage'))];
  await setTeamDigestTarget(turn.ctx, actor, { channel: 'slack', target: target?.id ?? null, label: target?.label });
  return [reply(target ? t(actor.locale, 'slack.digest.channel_set', { channel: target.label }) : t(actor.locale, 'slack.digest.channel_cleared'))];
}

export const settingsCommands: Command[] = [
  {
    names: ['settings', 'настройки'],
    run: async ({ turn, actor, args }) => settingsCommand(turn, actor, args),
  },
  {
    names: ['lang', 'language', 'язык'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/lang en|ru');
      const user = await setUserLocale(turn.ctx, actor, actor.userId, args.trim().toLowerCase());
      const locale = resolveLocale(user.locale);
      return [reply(t(locale, 'chat.lang.set'))];
    },
  },
  {
    names: ['tz', 'timezone', 'пояс'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/tz Europe/Moscow');
      const user = await setUserTimezone(turn.ctx, actor, actor.userId, args.trim());
      const tz = user.timezone ?? actor.timezone;
      return [reply(t(actor.locale, 'chat.tz.set', { tz, now: formatDateTime(actor.locale, turn.now, tz) }))];
    },
  },
  {
    names: ['digest', 'дайджест'],
    run: async ({ turn, actor, args }) => {
      const [word, arg] = args.split(/\s+/);
      if (word && ['channel', 'канал'].includes(word.toLowerCase())) return digestChannel(turn.message.channel, turn, actor, arg);
      // the speaker's digest now: the team digest for heads, "today" otherwise (every channel alike)
      const digest = await composeDigest(turn.ctx, actor.userId, await defaultDigestKind(turn.ctx, actor.userId), turn.now);
      return [reply(renderDigestText(digest, actor.locale))];
    },
  },
];
