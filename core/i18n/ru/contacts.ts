import type { contacts as en } from '../en/contacts.js';
import type { Message } from '../types.js';

export const contacts = {
  'contacts.invalid.no_identity': 'Для контакта нужно имя, адрес почты, телефон или аккаунт в мессенджере.',
  'contacts.erase.needs_yes': 'Удаление контакта #{id} безвозвратно стирает его персональные данные. Чтобы подтвердить, запустите ещё раз с --yes.',
  'contacts.erase.done': 'Контакт #{id} удалён. Персональные данные стёрты; обезличенными сохранены: лиды {leads}, сделки {deals}, переписки {conversations}.',
  'contacts.erase.already': 'Контакт #{id} уже был удалён ({date}); ничего не изменилось.',
  'import.invalid.header': 'Не удалось прочитать строку заголовков: {detail}.',
  'import.invalid.no_columns':
    'В заголовке нет столбца с именем, почтой или телефоном ({headers}). Распознаются, например: имя, фамилия, фио, почта, телефон, компания, должность, комментарий (или name, email, phone, company).',
  'import.invalid.empty_file': 'Файл пуст: нет строки заголовков.',
  'import.invalid.file_type': 'Нельзя импортировать «{file}»: нужен файл .csv или .xlsx.',
  'import.invalid.file_missing': 'Файл «{file}» не найден или недоступен для чтения.',
  'import.invalid.unreadable': 'Не удалось прочитать файл «{file}»: {detail}.',
  'import.summary':
    'Прочитано строк: {rows}. Создано контактов: {created}. Строк объединено с существующими контактами: {updated}. Пропущено строк: {skipped}.',
  'import.ignored_columns': 'Не импортированы столбцы: {columns}.',
  'import.line.skipped': 'Строка {line} пропущена: {reason}.',
  'import.line.warning': 'Строка {line}: {reason}.',
  'import.reason.unreadable': 'строку не удалось прочитать ({detail})',
  'import.reason.nothing_identifying': 'нет ни имени, ни почты, ни телефона',
  'import.reason.nothing_valid': 'нет имени и нет корректной почты или телефона (некорректно: {values})',
  'import.reason.bad_email': 'почта «{value}» некорректна и не сохранена',
  'import.reason.bad_phone': 'телефон «{value}» некорректен и не сохранён',
  'import.reason.email_elsewhere': 'почта {value} уже принадлежит контакту #{contact} и осталась у него',
  'import.reason.phone_elsewhere': 'телефон {value} уже принадлежит контакту #{contact} и остался у него',
} satisfies Record<keyof typeof en, Message>;
