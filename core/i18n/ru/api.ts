import type { api as en } from '../en/api.js';
import type { Message } from '../types.js';

export const api = {
  'api.invalid.scopes': 'Неизвестные права: {given}. Доступные: {known}.',
  'webhooks.invalid.url': 'Адрес вебхука должен начинаться с http:// или https:// (указано «{url}»).',
  'webhooks.invalid.events': 'Неизвестные события: {given}. Доступные: {known}.',
  'webhooks.disabled_notice':
    'Вебхук #{id} ({url}) отключён: доставка не удаётся уже {hours} ч (последняя ошибка: {error}). Исправьте приёмник и включите его снова: leadline webhook enable {id}',
} satisfies Record<keyof typeof en, Message>;
