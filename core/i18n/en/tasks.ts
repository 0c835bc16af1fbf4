// Tasks: validation messages and list titles. ru/tasks.ts mirrors every key.
export const tasks = {
  'invalid.task_title_empty': 'A task needs a title.',
  'invalid.task_assignee_required': 'Say who the task is for.',
  'invalid.snooze_past': 'Snooze until a time in the future.',
  'tasks.list.today': 'Today',
  'tasks.list.overdue': 'Overdue',
  'tasks.list.upcoming': 'Upcoming',
  'tasks.list.empty': 'No tasks here.',
  'tasks.recurring': 'repeats',
} as const;
