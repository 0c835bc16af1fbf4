import type { users as en } from '../en/users.js';
import type { Message } from '../types.js';

export const users = {
  'invalid.user_name_empty': 'Укажите имя сотрудника.',
  'invalid.identity_missing': 'Нет идентификатора аккаунта мессенджера.',
  'users.forbidden_manage': 'Управлять сотрудниками может только руководитель отдела продаж или администратор.',
  'users.forbidden_add_admin': 'Добавить администратора может только администратор.',
  'users.added': 'Добавлен(а) {role} {name} (id {id}).',
  'users.invite': 'Код приглашения: {code} (одноразовый, действует до {expires}). В Telegram отправьте боту /start {code}; в Slack — /crm link {code}.',
  'users.none': 'Сотрудников пока нет. Добавьте: leadline user add --name ИМЯ --role manager',
  'users.row': '#{id} {name} · {role} · {duty} · {timezone} · {linked}',
  'users.on_duty': 'на смене',
  'users.off_duty': 'не на смене',
  'users.not_linked': 'не привязан',
  'users.duty_set_on': '{name} теперь на смене.',
  'users.duty_set_off': '{name} теперь не на смене.',
  'seed.created': 'Демо-пространство «{slug}» создано: контактов {contacts}, лидов {leads}, сделок {deals}, задач {tasks}, событий {activities}.',
  'seed.user': '  #{id} {name} ({role}): код приглашения {code}',
  'seed.exists': 'Демо-пространство «{slug}» уже существует; ничего не изменено. Чтобы пересоздать его, добавьте --reset.',
} satisfies Record<keyof typeof en, Message>;
