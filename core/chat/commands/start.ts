// /start: the one command a stranger can use, to link their account with an invite code
// from `leadline user add`. A wrong or used code gets a polite refusal and links nothing.
import { t, resolveLocale, type Locale } from '../../i18n/index.js';
import { isDomainError } from '../../errors.js';
import { redeemInvite } from '../../users/index.js';
import type { Identity } from '../../../prisma/generated/client.js';
import type { Channel } from '../../../prisma/generated/enums.js';
import type { Turn } from '../turn.js';
import { reply, type Reply } from '../reply.js';
import type { Command } from './command.js';
import { say } from './command.js';

/** "/start CODE" (Telegram deep links arrive this way too). */
export const START_WITH_CODE = /^\/start(?:@\w+)?\s+(\S+)\s*$/i;

export async function handleInviteStart(turn: Turn, known: Identity | null): Promise<Reply[]> {
  const m = turn.message;
  const code = START_WITH_CODE.exec(m.text.trim())![1]!;
  const fallback = resolveLocale(m.languageCode, known?.languageCode, turn.workspace.locale);
  // invite codes are guessable secrets: wrong ones are counted per identity and per
  // workspace; while blocked, codes are not even looked at, and the guesser is told once
  const limiter = turn.deps.attempts;
  const who = `${m.channel}:${m.externalUserId}`;
  const workspace = String(turn.workspace.id);
  if (limiter) {
    const wait = Math.max(await limiter.blockedFor('invite_identity', who), await limiter.blockedFor('invite_workspace', workspace));
    if (wait > 0) {
      if ((await limiter.count('invite_notice', who)) > 1) return [];
      return [reply(t(fallback, 'chat.start.too_many', { count: Math.ceil(wait / 60_000) }))];
    }
  }
  try {
    // a savepoint would be needed to keep the transaction usable after a failed redeem;
    // redeemInvite fails before writing anything (the code is checked first), so it is safe
    const { user } = await redeemInvite(turn.ctx, {
      workspaceId: turn.workspace.id,
      code,
      identity: {
        channel: m.channel as Channel,
        externalId: m.externalUserId,
        chatId: m.externalChatId,
        displayName: m.displayName ?? null,
        username: m.username ?? null,
        languageCode: m.languageCode ?? null,
      },
    });
    const locale = resolveLocale(user.locale, m.languageCode, turn.workspace.locale);
    return [reply(t(locale, 'chat.start.linked', { name: user.name }))];
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (limiter) await Promise.all([limiter.count('invite_identity', who), limiter.count('invite_workspace', workspace)]);
    return [reply(t(fallback, 'chat.start.refused'))];
  }
}

/** The sections of /help after its title, in order (catalog entries: core/i18n/<locale>/chat.ts). */
const HELP_SECTIONS = ['chat.help.leads', 'chat.help.deals', 'chat.help.tasks', 'chat.help.customers', 'chat.help.more', 'chat.help.free'] as const;

/**
 * The command list for the channel: Slack's commands are "/crm leads", not "/leads", and
 * Slack has extras (linking, routing the digest, the message shortcut).
 */
export function helpText(locale: Locale, channel: string): string {
  const help = [t(locale, 'chat.help.title'), ...HELP_SECTIONS.map((k) => t(locale, k))].join('\n\n');
  if (channel !== 'slack') return help;
  const engineHelp = help.replace(/(^|[\s,(])\/(?=[a-zа-яё])/gimu, '$1/crm ');
  return [t(locale, 'slack.help.intro'), engineHelp, t(locale, 'slack.help.extra')].join('\n\n');
}

export const startCommands: Command[] = [
  { names: ['start', 'старт'], run: async ({ actor }) => say(actor, 'chat.start.already', { name: actor.name ?? '' }) },
  { names: ['help', 'помощь', 'справка'], run: async ({ turn, actor }) => [reply(helpText(actor.locale, turn.message.channel))] },
];
