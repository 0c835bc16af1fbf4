// Whom a message is for, decided once, in core: transports only say how it arrived
// (InboundMessage.isGroup, .origin, .callbackData). Read before anything is written, so a
// message the engine drops leaves no trace.
import type { InboundMessage } from './inbound.js';
import type { Speaker } from './speaker.js';
import { START_WITH_CODE } from './commands/start.js';
import { GROUP_BUTTON } from './client-group.js';

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
  /** a team member's Business account was connected, changed or disconnected (core/chat/business.ts) */
  | { kind: 'business_connection' }
  /** a person wrote to a team member's Business account */
  | { kind: 'business_customer' }
  /** the Business account's owner wrote to a customer (from their phone) */
  | { kind: 'business_own' }
  /** messages were deleted in a Business account's chat */
  | { kind: 'business_deleted' }
  /** the bot was added to or removed from a client group (core/chat/client-group.ts) */
  | { kind: 'group_event' }
  /** the company question's buttons in a client group */
  | { kind: 'group_button' }
  /** a client wrote in a client group */
  | { kind: 'group_customer' }
  /** a team member wrote in a client group: the team's response */
  | { kind: 'group_member' }
  /** a deactivated member wrote: told they can no longer act, nothing else happens */
  | { kind: 'deactivated' }
  /** nothing to do (with why, for the log) */
  | { kind: 'ignore'; why: string };

export function addressing(m: InboundMessage, speaker: Speaker): Addressing {
  const text = m.text.trim();
  if (m.chatEvent === 'business_connection') return { kind: 'business_connection' };
  if (m.business) {
    if (m.chatEvent === 'deleted') return { kind: 'business_deleted' };
    if (m.chatEvent) return { kind: 'ignore', why: 'a chat event in a Business account chat' };
    if (m.business.own) return { kind: 'business_own' };
    // a teammate writing to a member's Business account is never a lead
    if (speaker.kind === 'member' || speaker.formerMember) return { kind: 'ignore', why: "a team member writing to a teammate's Business account" };
    return { kind: 'business_customer' };
  }
  if (m.groupChat) return groupAddressing(m, speaker, text);
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

/** A client group chat: the bot's membership, the company buttons, a client's or a team member's message. */
function groupAddressing(m: InboundMessage, speaker: Speaker, text: string): Addressing {
  if (m.chatEvent === 'group_added' || m.chatEvent === 'group_removed') return { kind: 'group_event' };
  if (m.chatEvent) return { kind: 'ignore', why: 'a chat event in a group' };
  if (m.callbackData && GROUP_BUTTON.test(m.callbackData)) return { kind: 'group_button' };
  if (speaker.kind === 'member') {
    // a button on one of the member's own notices, a mention: the assistant; a command typed in the group is not an answer
    if (m.callbackData || m.origin) return { kind: 'member' };
    if (text.startsWith('/')) return { kind: 'ignore', why: 'a command typed in a client group' };
    return { kind: 'group_member' };
  }
  if (speaker.formerMember) return { kind: 'ignore', why: 'a deactivated member in a client group' };
  if (m.callbackData) return { kind: 'ignore', why: "a client pressed a button in a group (buttons are the team's)" };
  // an invite code is never typed where clients read it; commands and bot chatter are no request
  if (text.startsWith('/') && m.attachments.length === 0) return { kind: 'ignore', why: 'a command in a client group' };
  return { kind: 'group_customer' };
}
