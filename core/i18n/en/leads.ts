// Leads: capture, assignment, taking, junk.
export const leads = {
  'leads.title.from': 'Request from {name}',
  'leads.invalid.taken': 'Lead #{id} is already assigned to someone else.',
  'leads.invalid.assignee_not_found': 'There is no team member #{id} in this workspace.',
  'leads.invalid.filter': 'Unknown lead list "{value}". Use new, mine or open.',
} as const;
