// Task reminders pushed at the due time, with their buttons. ru/reminders.ts mirrors every key.
export const reminders = {
  'reminder.text': '⏰ Reminder: {title}\nDue: {due}',
  'reminder.lead': 'Lead: {title}',
  'reminder.deal': 'Deal: {title}',
  'reminder.contact': 'Contact: {name}',
  'reminder.repeats': 'Repeats; next time: {next}',
  'reminder.button.done': 'Done',
  'reminder.button.snooze_15m': 'Snooze 15 min',
  'reminder.button.snooze_1h': '1 hour',
  'reminder.button.tomorrow': 'Tomorrow 9:00',
} as const;
