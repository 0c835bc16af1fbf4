import type { slack as en } from '../en/slack.js';
import type { Message } from '../types.js';

export const slack = {
  'slack.home.title': 'Leadline',
  'slack.home.greeting': 'Привет, {name}! Вот ваш день.',
  'slack.home.tasks_today': 'Мои задачи на сегодня',
  'slack.home.no_tasks': 'На сегодня ничего нет.',
  'slack.home.task_line': '#{id} {title} · {due}',
  'slack.home.leads': 'Мои открытые лиды',
  'slack.home.no_leads': 'Открытых лидов нет.',
  'slack.home.lead_line': '#{id} {title} · {status}',
  'slack.home.deals': 'Мои открытые сделки',
  'slack.home.no_deals': 'Открытых сделок нет.',
  'slack.home.deal_line': '#{id} {title} · {stage}{amount}',
  'slack.home.more': { one: '…и ещё {count}', few: '…и ещё {count}', many: '…и ещё {count}', other: '…и ещё {count}' },
  'slack.home.updated': 'Обновлено {at}',
  'slack.home.not_linked':
    'Ваш аккаунт Slack ещё не привязан к Leadline. Попросите у администратора код приглашения (`leadline user add`) и отправьте `/crm link КОД`.',
  'slack.button.done': 'Готово',
  'slack.shortcut.queued': 'Создаю лид из сообщения (автор: {name}). Ответственный менеджер получит уведомление.',
  'slack.shortcut.not_member': 'Создавать лиды могут только сотрудники, привязанные к Leadline. Сначала отправьте `/crm link КОД`.',
  'slack.shortcut.not_customer': 'Это сообщение сотрудника или бота, а не клиента.',
  'slack.help.intro': 'Leadline в Slack: `/crm КОМАНДА`, личное сообщение приложению или упоминание приложения.',
  'slack.help.extra':
    'Только в Slack:\n/crm link КОД — привязать аккаунт Slack по коду приглашения\n/crm digest channel #канал — публиковать сводку команды в канал (руководители продаж); /crm digest channel off — снова в личные сообщения\nМеню сообщения › «Create lead from message» — превратить сообщение клиента в лид\nОтвет в ветке уведомления о клиенте уходит клиенту.',
  'slack.digest.channel_set': 'Сводка команды будет публиковаться в {channel}. Не забудьте пригласить Leadline в этот канал.',
  'slack.digest.channel_cleared': 'Сводка команды снова приходит вам в личные сообщения.',
  'slack.digest.channel_usage': 'Формат: /crm digest channel #канал (выберите канал из списка) или /crm digest channel off.',
  'slack.digest.heads_only': 'Направлять сводку команды могут только руководители продаж и администраторы.',
  'invalid.digest_target': '«{value}» — не идентификатор канала.',
  'slack.not_linked': 'Ваш аккаунт Slack не привязан к Leadline. Отправьте /crm link КОД с кодом приглашения.',
} satisfies Record<keyof typeof en, Message>;
