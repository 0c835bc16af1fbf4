import type { users as en } from '../en/users.js';
import type { Message } from '../types.js';

export const users = {
  'invalid.user_name_empty': 'Укажите имя сотрудника.',
  'invalid.identity_missing': 'Нет идентификатора аккаунта мессенджера.',
  'users.forbidden_manage': 'Управлять сотрудниками может только руководитель отдела продаж или администратор.',
  'users.forbidden_add_admin': 'Добавить администратора может только администратор.',
  'users.added': 'Добавлен(а) {role} {name} (id {id}).',
  'users.invite': 'Код приглашения: {code} (одноразовый, действует до {expires}). В Telegram отправьте боту /start {code}; в Slack — /crm link {code}.',
  'users.none':
    'Сотрудников пока нет. Добавьте: leadline user add --name ИМЯ --role manager{ws} — или попробуйте демо-команду с историей за 8 недель: leadline seed --demo{ws}',
  'users.row': '#{id} {name} · {role} · {duty} · {timezone} · {linked}',
  'users.on_duty': 'на смене',
  'users.off_duty': 'не на смене',
  'users.not_linked': 'не привязан',
  'users.duty_set_on': '{name} теперь на смене.',
  'users.duty_set_off': '{name} теперь не на смене.',
  'seed.created':
    'Демо в пространстве «{slug}»: команда из {users} человек, контактов {contacts}, лидов {leads}, сделок {deals}, задач {tasks} и событий {activities} за последние 8 недель.',
  'seed.user': '  #{id} {name} ({role}): код приглашения {code}',
  'seed.member': '  #{id} {name} ({role}); новый код приглашения: leadline user invite {id}{ws}',
  'seed.exists': 'В пространстве «{slug}» уже есть демо; ничего не изменено (--reset построит его заново).',
  'seed.in_use':
    'Пространство «{slug}» уже используется ({what}); демо создаётся только в новом или пустом пространстве. Попробуйте: leadline seed --demo --workspace demo (и добавляйте --workspace demo к остальным командам или задайте DEFAULT_WORKSPACE=demo).',
  'seed.next': 'Что дальше:',
  'seed.next.users': '  leadline users{ws} — команда',
  'seed.next.weekly':
    '  leadline digest --user {id} --dry-run --kind team_weekly --png weekly.png — недельная сводка по команде и её график (получатель: {name})',
  'seed.next.daily': '  leadline digest --user {id} --dry-run --kind team_daily — вчерашний день команды',
  'seed.next.today': '  leadline digest --user {id} --dry-run — день менеджера ({name}): просроченные и сегодняшние задачи, новые лиды, зависшие сделки',
  'seed.next.chat': '  leadline chat --as manager --user {id}{ws} — чат от имени менеджера ({name}): /tasks, /leads, /deals, /digest',
  'seed.progress.team': 'Добавляю команду…',
  'seed.progress.history': 'Составляю 8 недель лидов, сделок и задач…',
  'seed.progress.saving': 'Сохраняю…',
} satisfies Record<keyof typeof en, Message>;
