// /lang en|ru and /tz Europe/Moscow: the speaker's own settings.
import { t, formatDateTime, resolveLocale } from '../../i18n/index.js';
import { setUserLocale, setUserTimezone } from '../../users/index.js';
import type { Command } from './command.js';
import { usage } from './command.js';
import { reply } from '../reply.js';

export const settingsCommands: Command[] = [
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
    run: async ({ turn, actor }) => {
      if (!turn.deps.digest) return [reply(t(actor.locale, 'chat.digest.unavailable'))];
      return turn.deps.digest(turn.ctx, actor);
    },
  },
];
