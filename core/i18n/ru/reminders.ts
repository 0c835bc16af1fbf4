import type { reminders as en } from '../en/reminders.js';
import type { Message } from '../types.js';

export const reminders = {
  'reminder.text': '⏰ Напоминание: {title}\nСрок: {due}',
  'reminder.lead': 'Лид: {title}',
  'reminder.deal': 'Сделка: {title}',
  'reminder.contact': 'Контакт: {name}',
  'reminder.repeats': 'Повторяется; следующий раз: {next}',
  'reminder.button.done': 'Готово',
  'reminder.button.snooze_15m': 'Отложить на 15 мин',
  'reminder.button.snooze_1h': 'На 1 час',
  'reminder.button.tomorrow': 'Завтра в 9:00',
} satisfies Record<keyof typeof en, Message>;
