// Telegram Business accounts connected to Leadline, and client group chats.
export const business = {
  'business.connected':
    'Your Telegram Business account is connected. People who write to you there become your leads; your own replies from the phone count as answers. Replies you send through me go out in your name.',
  'business.connected_read_only':
    'Your Telegram Business account is connected. People who write to you there become your leads; your own replies from the phone count as answers. I may not reply in your name: to answer through me, allow "Reply to messages" for this bot in Settings → Telegram Business → Chatbots.',
  'business.disconnected': 'Your Telegram Business account is disconnected. I no longer see or answer your business chats; your leads stay yours.',
  'business.not_linked':
    'This Telegram account is not linked to a Leadline team member, so its business chats are ignored. Link it first with /start and your invite code, then connect the bot again in Telegram Business → Chatbots.',
  'business.relay_disconnected':
    'Not sent: {name} wrote to your Telegram Business account, and it is no longer connected to Leadline. Answer them from your phone.',
  'business.relay_not_allowed':
    'Not sent: {name} wrote to your Telegram Business account, and it does not let me reply in your name. Answer from your phone, or allow "Reply to messages" for this bot in Settings → Telegram Business → Chatbots.',

  'business.group.intro': "Hello! I am the team's assistant in this group: I pass your messages on to the team and make sure nobody is left without an answer.",
  'business.group.privacy_member':
    'Telegram lets a bot that is not an administrator see only commands, replies to its own messages and messages that mention it. To see every message in this group, make me an administrator (I need no other rights).',
  'business.group.privacy_admin': 'I am an administrator here, so I see every message in this group (I use no other rights).',
  'business.group.which_company': 'Team: which company is «{title}» with?',
  'business.group.button_new': 'New company «{title}»',
  'business.group.button_not_client': 'Not a client group',
  'business.group.bind_forbidden': 'Only the team member who added me, a head of sales or an admin can choose.',
  'business.group.bound': 'This group is now the conversation with {company}. Messages here go to the team.',
  'business.group.ignored': 'Understood: this is not a client group, I will stay quiet here.',
  'business.group.sla_breach': {
    one: '⏰ The client group «{title}» ({company}) has waited {count} minute for an answer. Owner: {owner}. Reply to this message to answer in the group.',
    other: '⏰ The client group «{title}» ({company}) has waited {count} minutes for an answer. Owner: {owner}. Reply to this message to answer in the group.',
  },
  'business.group.sla_no_owner': 'nobody yet',
  'business.group.relay_inactive':
    'Not sent: the group «{title}» is no client group of the team any more (the bot was removed or it is not bound to a company).',
} as const;
