// First-response SLA breach alerts. ru/sla.ts mirrors every key.
export const sla = {
  'sla.breached': '🚨 No first response for {minutes} min: lead #{id} "{title}" from {contact} ({source}).',
  'sla.assignee': 'Assigned to: {name}',
  'sla.unassigned': 'Nobody is assigned.',
  'sla.reassigned': 'Reassigned automatically from {from} to {to}.',
  'sla.reassigned_to_you': 'Lead #{id} "{title}" was reassigned to you after a missed first response. Please reply now.',
  'sla.still_waiting': '⏰ Lead #{id} "{title}" from {contact} still has no first response.',
  'sla.button.reassign': 'Reassign',
  'sla.button.remind_10m': 'Remind in 10 min',
} as const;
