import type { leads as en } from '../en/leads.js';
import type { Message } from '../types.js';

export const leads = {
  'leads.title.from': 'Обращение: {name}',
  'leads.invalid.taken': 'Лид #{id} уже назначен другому сотруднику.',
  'leads.invalid.assignee_not_found': 'В этом пространстве нет сотрудника #{id}.',
  'leads.invalid.filter': 'Неизвестный список лидов «{value}». Используйте new, mine или open.',
} satisfies Record<keyof typeof en, Message>;
