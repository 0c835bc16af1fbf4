import type { outbound as en } from '../en/outbound.js';
import type { Message } from '../types.js';

export const outbound = {
  'outbound.reply_failed': '⚠️ Ваш ответ не доставлен (клиент: {name}): {reason}',
  'outbound.message_failed': '⚠️ Сообщение не доставлено (получатель: {name}): {reason}',
  'outbound.reason.blocked': 'получатель заблокировал бота',
  'outbound.reason.chat_not_found': 'чат больше не существует',
  'outbound.reason.invalid_address': 'неверный адрес',
  'outbound.reason.deactivated': 'аккаунт удалён',
  'outbound.reason.unreachable': 'контакт отмечен как недоступный ({detail})',
  'outbound.reason.no_chat': 'некуда написать: нет чата',
  'outbound.reason.gave_up': 'несколько попыток подряд не удались ({detail})',
  'outbound.someone': 'получателя',
} satisfies Record<keyof typeof en, Message>;
