// Whom a message is for, decided once, in core: transports only say how it arrived
// (InboundMessage.isGroup, .origin, .callbackData). Read before anything is written, so a
// message the engine drops leaves no trace.
import type { InboundMessage } from './inbound.js';
import type { Speaker } from './speaker.js';
import { START_WITH_CODE } from './commands/start.js';

export type Addressing =
  /** the manager assistant (commands, buttons, relay, plain language) */
  | { kind: 'member' }
  /** a customer's message: the customer flow */
  | { kind: 'customer' }
  /** a stranger linking their account with an invite code */
  | { kind: 'invite' }
  /** a stranger used a team command (Slack's /crm): told they are not linked */
  | { kind: 'not_linked' }
  /** a stranger pressed a button */
  | { kind: 'button_ignored' }
  /** a stranger's bare /start */
  | { kind: 'welcome' }
  /** a customer's /help: answered, not forwarded */
  | { kind: 'customer_help' }
  /** a member turned a team member's message into a lead: the requester is told it is no customer */
  | { kind: 'not_customer' }
  /** the chat itself changed (the person blocked or unblocked the bot): core/chat/chat-event.ts */
  | { kind: 'chat_event' }
  /** a deactivated member wrote: told they can no longer act, nothing else happens */
  | { kind: 'deactivated' }
  /** nothing to do (with why, for the log) */
  | { kind: 'ignore'; why: string };

export function addressing(m: InboundMessage, speaker: Speaker): Addressing {
  const text = m.text.trim();
  if (m.chatEvent) return { kind: 'chat_event' };
  if (speaker.kind === 'member') {
    if (m.origin === 'shortcut') return { kind: 'not_customer' };
    // a team member talking in a shared chat talks to the customer or the team, not to
    // Leadline: they address it with a mention, a command or a button
    if (m.isGroup && !m.origin && !m.callbackData) return { kind: 'ignore', why: 'a team member in a shared chat' };
    return { kind: 'member' };
  }
  // not a team member: the only command reachable is linking with an invite code
  if (m.origin === 'mention') return { kind: 'ignore', why: 'a mention by a non-member (its message event carries it)' };
  if (!m.callbackData && START_WITH_CODE.test(text)) return { kind: 'invite' };
  if (speaker.kind === 'customer' && speaker.formerMember) {
    return m.isGroup && !m.origin && !m.callbackData ? { kind: 'ignore', why: 'a deactivated member in a shared chat' } : { kind: 'deactivated' };
  }
  if (m.origin === 'command') return { kind: 'not_linked' };
  if (m.callbackData) return { kind: 'button_ignored' };
  if (/^\/start(@\w+)?$/i.test(text) && m.attachments.length === 0) return { kind: 'welcome' };
  if (/^\/(help|помощь|справка)(@\w+)?$/iu.test(text) && m.attachments.length === 0) return { kind: 'customer_help' };
  return { kind: 'customer' };
}
