// Team members and invite codes, incl. the CLI's lines. ru/users.ts mirrors every key.
export const users = {
  'invalid.user_name_empty': 'A team member needs a name.',
  'invalid.identity_missing': 'The messenger account is missing its id.',
  'users.forbidden_manage': 'Only a head of sales or an admin can manage team members.',
  'users.forbidden_add_admin': 'Only an admin can add another admin.',
  'users.added': 'Added {role} {name} (id {id}).',
  'users.invite': 'Invite code: {code} (single use, valid until {expires}). In Telegram send /start {code} to the bot; in Slack /crm link {code}.',
  'users.none': 'No team members yet. Add one with: leadline user add --name NAME --role manager',
  'users.row': '#{id} {name} · {role} · {duty} · {timezone} · {linked}',
  'users.on_duty': 'on duty',
  'users.off_duty': 'off duty',
  'users.not_linked': 'not linked',
  'users.duty_set_on': '{name} is now on duty.',
  'users.duty_set_off': '{name} is now off duty.',
  'seed.created': 'Demo workspace "{slug}" created: {contacts} contacts, {leads} leads, {deals} deals, {tasks} tasks, {activities} timeline entries.',
  'seed.user': '  #{id} {name} ({role}): invite code {code}',
  'seed.exists': 'Demo workspace "{slug}" already exists; nothing was changed. Run with --reset to rebuild it.',
} as const;
