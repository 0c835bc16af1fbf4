import type { parse as en } from '../en/parse.js';
import type { Message } from '../types.js';

export const parse = {
  'parse.ask.when': 'Когда напомнить?',
  'parse.ask.time_on_day': 'В какое время {day}?',
  'parse.ask.which': 'Какое время вы имеете в виду?',
  'parse.ask.passed': '{day} в {time} уже прошло. Когда напомнить?',
  'parse.option.today': 'сегодня {time}',
  'parse.option.tomorrow': 'завтра {time}',
  'parse.option.day': '{day} {time}',
  'parse.day.today': 'сегодня',
  'parse.day.tomorrow': 'завтра',
  'parse.day.on': '{day}',
  'parse.default_title': 'Напоминание',
  'parse.summary.create_task': 'Задача «{title}» на {due}',
  'parse.summary.create_task_for': 'Задача «{title}» для {assignee} на {due}',
  'parse.summary.repeats': ', повтор: {rule}',
  'parse.summary.move_deal': 'Перенести сделку «{deal}» на этап «{stage}»',
  'parse.summary.won_deal': 'Отметить сделку «{deal}» выигранной',
  'parse.summary.lost_deal': 'Отметить сделку «{deal}» проигранной',
  'parse.summary.lost_reason': 'Отметить сделку «{deal}» проигранной: {reason}',
  'parse.summary.create_deal': 'Новая сделка «{title}», {amount}',
  'parse.summary.create_deal_from_lead': 'Новая сделка из лида #{id}, {amount}',
  'parse.summary.set_deal_amount': 'Сумма сделки «{deal}»: {amount}',
  'parse.summary.clarify': 'Вопрос: {question} Варианты: {options}',
  'parse.summary.unknown': 'Не понял: в тексте нет команды.',
  'parse.invalid_now': '--now «{value}» — не дата и время. Пример: 2026-03-10T12:00:00 (местное время в --tz) или 2026-03-10T09:00:00Z.',
} satisfies Record<keyof typeof en, Message>;
