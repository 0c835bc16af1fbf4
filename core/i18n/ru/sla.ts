import type { sla as en } from '../en/sla.js';
import type { Message } from '../types.js';

export const sla = {
  'sla.breached': '🚨 Нет первого ответа {minutes} мин: лид #{id} «{title}», клиент: {contact} ({source}).',
  'sla.assignee': 'Ответственный: {name}',
  'sla.unassigned': 'Ответственный не назначен.',
  'sla.reassigned': 'Автоматически передан: был {from}, теперь {to}.',
  'sla.reassigned_to_you': 'Лид #{id} «{title}» передан вам после пропущенного первого ответа. Ответьте, пожалуйста, сейчас.',
  'sla.still_waiting': '⏰ У лида #{id} «{title}» (клиент: {contact}) всё ещё нет первого ответа.',
  'sla.button.reassign': 'Передать',
  'sla.button.remind_10m': 'Напомнить через 10 мин',
} satisfies Record<keyof typeof en, Message>;
