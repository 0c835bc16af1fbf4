import type { files as en } from '../en/files.js';
import type { Message } from '../types.js';

export const files = {
  'files.not_downloaded':
    '⚠️ Не приложено: {file}. Бот может скачать не больше {limit} (канал: {channel}) — попросите клиента прислать файл иначе (ссылкой или письмом).',
  'files.gone': '⚠️ Не приложено: {file}. Канал {channel} больше не отдаёт файл боту (удалён или не открыт боту) — попросите клиента прислать его снова.',
  'files.too_large_here': '⚠️ Не приложено: {file}. {channel} принимает файлы не больше {limit}.',
  'files.get_link': 'Скачать: {link}',
  'files.get_cli': 'Получить командой: leadline file get {key}',
  'files.own_not_downloaded': '⚠️ Не отправлено: {file}. Бот может скачать не больше {limit} (канал: {channel}) — пришлите ссылку.',
  'files.own_gone': '⚠️ Не отправлено: {file}. Канал {channel} не отдал файл боту — пришлите его снова.',
  'files.not_sent': '⚠️ Не отправлено: {file}. Канал {channel} принимает файлы не больше {limit} — пришлите ссылку.',
  'files.member_no_thread': 'Чтобы отправить файл клиенту, пришлите его ответом на сообщение клиента (в Slack — в его треде).',
  'files.no_storage': 'Не отправлено: хранилище файлов не настроено (FILE_STORAGE), файлы передать нельзя.',
  'files.nothing_sent': 'Ничего не отправлено.',
  'files.cli.saved': 'Сохранено {bytes} байт в {path}',
  'files.cli.missing': 'Файла с ключом {key} нет (стёрт или не сохранялся).',
  'files.cli.bad_key': '«{key}» — не ключ файла (ключи выглядят как w1/telegram/…/…-0-photo.jpg).',
} satisfies Record<keyof typeof en, Message>;
