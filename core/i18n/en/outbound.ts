// Delivery failures told to the sender. ru/outbound.ts mirrors every key.
export const outbound = {
  'outbound.reply_failed': '⚠️ Your reply to {name} could not be delivered: {reason}',
  'outbound.message_failed': '⚠️ A message to {name} could not be delivered: {reason}',
  'outbound.reason.blocked': 'they blocked the bot',
  'outbound.reason.chat_not_found': 'the chat no longer exists',
  'outbound.reason.invalid_address': 'the address is invalid',
  'outbound.reason.deactivated': 'the account is deactivated',
  'outbound.reason.unreachable': 'this contact is marked unreachable ({detail})',
  'outbound.reason.no_chat': 'there is no chat to write to',
  'outbound.reason.gave_up': 'it kept failing after several attempts ({detail})',
  'outbound.someone': 'the recipient',
} as const;
