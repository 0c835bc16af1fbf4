// The channels Leadline speaks on, once. The order is also the preference for reaching a
// team member who is linked on several (Prisma's Channel enum lists the same names; a test
// keeps the two equal).
export const CHANNELS = ['telegram', 'slack', 'email', 'console', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/**
 * Channels whose customers have no chat to be written to: `web` (a form post, a REST lead) is
 * answered by the form's own page or the API's response, and reached by the phone or e-mail it
 * gave. Nothing is queued to them: no acknowledgement, and a manager's answer is refused
 * before it is stored (core/chat/relay.ts), with how to reach the customer instead.
 */
export function hasChat(channel: ChannelName): boolean {
  return channel !== 'web';
}
