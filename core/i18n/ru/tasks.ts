import type { tasks as en } from '../en/tasks.js';
import type { Message } from '../types.js';

export const tasks = {
  'invalid.task_title_empty': 'У задачи должно быть название.',
  'invalid.task_assignee_required': 'Укажите, для кого задача.',
  'invalid.snooze_past': 'Отложить можно только на время в будущем.',
  'tasks.list.today': 'Сегодня',
  'tasks.list.overdue': 'Просрочено',
  'tasks.list.upcoming': 'Предстоящие',
  'tasks.list.empty': 'Задач нет.',
  'tasks.recurring': 'повторяется',
} satisfies Record<keyof typeof en, Message>;
