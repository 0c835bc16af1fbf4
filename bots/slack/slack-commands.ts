// /crm subcommands that only make sense in Slack and answer at once (ephemeral):
// "help" (the engine's command list written as /crm commands, plus Slack extras) and
// "digest channel #sales" (route the team digest to a channel). Everything else goes to
// the engine through the inbound queue.
import type { Db } from '../../core/db.js';
import { coreContext } from '../../core/context.js';
import { memberActor } from '../../core/chat/speaker.js';
import { setTeamDigestTarget } from '../../core/digests/digest-target.js';
import { describeError, isDomainError } from '../../core/errors.js';
import { t, resolveLocale, type Locale } from '../../core/i18n/index.js';
import { channelIdOf } from './slack-text.js';

/** The engine's help with "/leads" written as "/crm leads", between Slack's intro and extras. */
export function slackHelp(locale: Locale): string {
  const engineHelp = t(locale, 'chat.help').replace(/(^|[\s,(])\/(?=[a-zа-яё])/gimu, '$1/crm ');
  return [t(locale, 'slack.help.intro'), engineHelp, t(locale, 'slack.help.extra')].join('\n\n');
}

export interface SlackCommandDeps {
  db: Db;
  workspaceId: number;
}

async function memberOf(db: Db, workspaceId: number, externalId: string) {
  const identity = await db.identity.findUnique({
    where: { workspaceId_channel_externalId: { workspaceId, channel: 'slack', externalId } },
    include: { user: true, workspace: true },
  });
  if (!identity?.user?.active || identity.user.workspaceId !== workspaceId) return null;
  return { actor: memberActor(identity.workspace, identity.user, identity) };
}

/** Answers a Slack-only subcommand, or returns null to let the engine handle the command. */
export function slackCommandHandler(deps: SlackCommandDeps) {
  return async (input: { externalUserId: string; args: string[]; locale: string | undefined }): Promise<string | null> => {
    const [name, ...rest] = input.args;
    const member = name === 'help' || name === 'помощь' || name === 'digest' ? await memberOf(deps.db, deps.workspaceId, input.externalUserId) : null;
    const locale = member?.actor.locale ?? resolveLocale(input.locale);
    if (name === 'help' || name === 'помощь') return slackHelp(locale);
    if (name === 'digest' && rest[0]?.toLowerCase() === 'channel') {
      if (!member) return t(locale, 'slack.not_linked');
      const arg = rest[1];
      const off = arg && ['off', 'dm', 'выкл'].includes(arg.toLowerCase());
      const channel = off ? null : channelIdOf(arg);
      if (!off && !channel) return t(locale, 'slack.digest.channel_usage');
      if (member.actor.role === 'manager') return t(locale, 'slack.digest.heads_only');
      try {
        await setTeamDigestTarget(coreContext(deps.db), member.actor, { channel: 'slack', target: channel, label: arg });
      } catch (e) {
        if (isDomainError(e)) return describeError(e, locale);
        throw e;
      }
      return channel ? t(locale, 'slack.digest.channel_set', { channel }) : t(locale, 'slack.digest.channel_cleared');
    }
    return null;
  };
}
