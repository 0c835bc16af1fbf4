// Team members and invite codes, incl. the CLI's lines. ru/users.ts mirrors every key.
export const users = {
  'invalid.user_name_empty': 'A team member needs a name.',
  'invalid.identity_missing': 'The messenger account is missing its id.',
  'users.forbidden_manage': 'Only a head of sales or an admin can manage team members.',
  'users.forbidden_add_admin': 'Only an admin can add another admin.',
  'users.added': 'Added {role} {name} (id {id}).',
  'users.invite': 'Invite code: {code} (single use, valid until {expires}). In Telegram send /start {code} to the bot; in Slack /crm link {code}.',
  'users.none':
    'No team members yet. Add one with: leadline user add --name NAME --role manager{ws}, or try a demo team with 8 weeks of history: leadline seed --demo{ws}',
  'users.row': '#{id} {name} · {role} · {duty} · {timezone} · {linked}',
  'users.on_duty': 'on duty',
  'users.off_duty': 'off duty',
  'users.not_linked': 'not linked',
  'users.duty_set_on': '{name} is now on duty.',
  'users.duty_set_off': '{name} is now off duty.',
  'seed.created':
    'The demo is in workspace "{slug}": a team of {users}, {contacts} contacts, {leads} leads, {deals} deals, {tasks} tasks and {activities} timeline entries over the last 8 weeks.',
  'seed.user': '  #{id} {name} ({role}): invite code {code}',
  'seed.member': '  #{id} {name} ({role}); a new invite code: leadline user invite {id}{ws}',
  'seed.exists': 'Workspace "{slug}" already holds the demo; nothing was changed (--reset builds it again).',
  'seed.in_use':
    'Workspace "{slug}" is already in use ({what}); the demo goes only into a new or empty workspace. Try: leadline seed --demo --workspace demo (then add --workspace demo to the other commands, or set DEFAULT_WORKSPACE=demo).',
  'seed.next': 'Try it:',
  'seed.next.users': '  leadline users{ws} — the team',
  'seed.next.weekly': "  leadline digest --user {id} --dry-run --kind team_weekly --png weekly.png — {name}'s weekly team digest and its chart",
  'seed.next.daily': '  leadline digest --user {id} --dry-run --kind team_daily — yesterday for the team',
  'seed.next.today': "  leadline digest --user {id} --dry-run — {name}'s day: overdue and due tasks, new leads, stale deals",
  'seed.next.chat': '  leadline chat --as manager --user {id}{ws} — chat as {name}: /tasks, /leads, /deals, /digest',
  'seed.progress.team': 'Adding the team…',
  'seed.progress.history': 'Planning 8 weeks of leads, deals and tasks…',
  'seed.progress.saving': 'Saving…',
} as const;
