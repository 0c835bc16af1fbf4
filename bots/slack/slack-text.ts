// Slack message text -> the plain text core works with: entities unescaped, mentions and
// links spelled out. And /crm arguments -> the engine's slash command text.

/** "<@U1>" -> "@U1", "<#C1|sales>" -> "#sales", "<https://x|site>" -> "site (https://x)", "&lt;" -> "<". */
export function fromSlackText(text: string | undefined | null, options: { keepChannels?: boolean } = {}): string {
  if (!text) return '';
  const spelled = text.replace(/<([^<>]+)>/g, (whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2) as [string, string?];
    if (target.startsWith('@')) return label ? `@${label}` : target;
    if (target.startsWith('#')) return options.keepChannels ? whole : label ? `#${label}` : target;
    if (target.startsWith('!')) {
      const special = target.slice(1).split('^')[0] ?? '';
      return label ?? (['here', 'channel', 'everyone'].includes(special) ? `@${special}` : special);
    }
    return label && label !== target ? `${label} (${target})` : target.replace(/^mailto:/, '');
  });
  return spelled.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Removes the app's own mention ("<@UBOT> remind me ...") from a message addressed to it. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.trim();
  return text
    .replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * "/crm leads mine" -> "/leads mine"; "/crm link CODE" -> "/start CODE" (the engine's invite
 * command); "/crm" alone -> "/help". Slack-escaped mentions in the arguments are spelled out.
 */
export function crmCommandText(text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  if (!trimmed) return '/help';
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const name = first.replace(/^\//, '').toLowerCase();
  // channel references stay as Slack wrote them ("<#C123|sales>"): their id is what
  // "/crm digest channel #sales" needs
  const args = fromSlackText(rest.join(' '), { keepChannels: true });
  const command = name === 'link' || name === 'привязать' ? 'start' : name;
  return args ? `/${command} ${args}` : `/${command}`;
}
