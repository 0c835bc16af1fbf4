// The time grammar on the team's own phrase tables (written for this project, not taken from
// any corpus): every time expression P is tried inside a reminder in both word orders
// ("remind me P to call Ivan" / "remind me to call Ivan P", "напомни P позвонить Ивану" /
// "напомни позвонить Ивану P"). A row expects either the exact due time (and the title without
// fragments), or a question whose options contain the listed times, or an "impossible" answer.
// "Now" is Tuesday 2026-03-10 12:00 in Moscow (UTC+3), so "on Tuesday" is the weekday-equals-
// today case, and US zones are already on daylight time while Europe is not.
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../core/parse/parser.js';
import { CONFIDENCE_THRESHOLD, type Intent } from '../../../core/parse/intent.js';
import { wallToInstant, formatIsoInZone } from '../../../core/time/wall.js';

const TZ = 'Europe/Moscow';
const NOW = wallToInstant({ year: 2026, month: 3, day: 10, hour: 12, minute: 0 }, TZ);

/** "03-20 11:00" (2026) or "2027-02-18 10:00" -> ISO with the Moscow offset */
function iso(local: string): string {
  const full = /^\d{4}-/.test(local) ? local : `2026-${local}`;
  const [d, t] = full.split(' ') as [string, string];
  const [year, month, day] = d.split('-').map(Number) as [number, number, number];
  const [hour, minute] = t.split(':').map(Number) as [number, number];
  return formatIsoInZone(wallToInstant({ year, month, day, hour, minute }, TZ), TZ);
}

/** exact due time, or ['?', ...times the question must offer], or ['!time'] / ['!date'] */
type Want = string | string[];
type Row = [cls: string, phrase: string, want: Want];

const EN: Row[] = [
  // part-of-day qualifiers
  ['qualifier', 'at 8 in the evening', '03-10 20:00'],
  ['qualifier', '8 tonight', '03-10 20:00'],
  ['qualifier', 'at 9 tomorrow evening', '03-11 21:00'],
  ['qualifier', '9 tomorrow evening', '03-11 21:00'],
  ['qualifier', 'at 730 in the evening', '03-10 19:30'],
  ['qualifier', 'at 3 in the afternoon', '03-10 15:00'],
  ['qualifier', "3 o'clock in the afternoon", '03-10 15:00'],
  ['qualifier', 'at 7 in the morning tomorrow', '03-11 07:00'],
  ['qualifier', 'tomorrow at 6 in the evening', '03-11 18:00'],
  ['qualifier', 'at 11 at night', '03-10 23:00'],
  ['qualifier', 'at 5 pm', '03-10 17:00'],
  ['qualifier', 'at 5pm', '03-10 17:00'],
  ['qualifier', '5 p.m.', '03-10 17:00'],
  ['qualifier', 'at 9am tomorrow', '03-11 09:00'],
  ['qualifier', 'at 11:30 pm', '03-10 23:30'],
  ['qualifier', 'at 12:30 pm', '03-10 12:30'],
  ['qualifier', 'tomorrow at 7.30pm', '03-11 19:30'],
  ['qualifier', 'this evening', '03-10 19:00'],
  ['qualifier', 'tomorrow morning', '03-11 09:00'],
  ['qualifier', 'tomorrow afternoon', '03-11 14:00'],
  ['qualifier', 'this afternoon', '03-10 14:00'],
  ['qualifier', 'tonight', '03-10 19:00'],
  ['qualifier', 'at noon tomorrow', '03-11 12:00'],
  ['qualifier', 'at midnight', '03-11 00:00'],
  ['qualifier', 'after lunch', '03-10 14:00'],
  ['qualifier', 'by end of day', '03-10 18:00'],
  ['qualifier', 'at 4 pm sharp', '03-10 16:00'],
  // minute phrases
  ['minutes', 'a quarter past 3pm', '03-10 15:15'],
  ['minutes', 'half past 3 pm', '03-10 15:30'],
  ['minutes', 'twenty after 3pm', '03-10 15:20'],
  ['minutes', 'at 20 past 3pm', '03-10 15:20'],
  ['minutes', '20 minutes to 2pm tomorrow', '03-11 13:40'],
  ['minutes', 'at quarter to 5 pm', '03-10 16:45'],
  ['minutes', 'ten to six pm', '03-10 17:50'],
  ['minutes', 'ten thirty am tomorrow', '03-11 10:30'],
  ['minutes', 'seven thirty p.m.', '03-10 19:30'],
  ['minutes', 'at five past eight pm', '03-10 20:05'],
  ['minutes', 'at half past seven in the evening', '03-10 19:30'],
  ['minutes', 'at a quarter to noon tomorrow', '03-11 11:45'],
  ['minutes', 'at twenty five past four pm', '03-10 16:25'],
  ['minutes', 'at half past 3', ['?', '03-10 15:30', '03-11 03:30']],
  // durations
  ['duration', 'in a quarter of an hour', '03-10 12:15'],
  ['duration', 'in three-quarters of an hour', '03-10 12:45'],
  ['duration', 'in three quarters of an hour', '03-10 12:45'],
  ['duration', 'in half an hour', '03-10 12:30'],
  ['duration', 'in an hour and a half', '03-10 13:30'],
  ['duration', 'in 2.5 hours', '03-10 14:30'],
  ['duration', 'in 90 minutes', '03-10 13:30'],
  ['duration', 'in 1h30', '03-10 13:30'],
  ['duration', 'in 45 mins', '03-10 12:45'],
  ['duration', 'in two hours', '03-10 14:00'],
  ['duration', 'in twenty minutes', '03-10 12:20'],
  ['duration', 'in a couple of hours', '03-10 14:00'],
  ['duration', '3 hours from now', '03-10 15:00'],
  ['duration', 'in 10 min', '03-10 12:10'],
  ['duration', 'in 2 hours and 30 minutes', '03-10 14:30'],
  ['duration', 'in an hour', '03-10 13:00'],
  ['duration', 'in 3 days at 10am', '03-13 10:00'],
  ['duration', 'in a week at 9am', '03-17 09:00'],
  ['duration', 'in 2 weeks', ['?', '03-24 09:00', '03-24 12:00']],
  // dates, not hours
  ['date', 'on the 20th of next month at 3pm', '04-20 15:00'],
  ['date', '20 of next month', ['?', '04-20 09:00']],
  ['date', 'on March 20 at 11:00', '03-20 11:00'],
  ['date', 'March 20th at 4pm', '03-20 16:00'],
  ['date', 'on 20 March at 16:00', '03-20 16:00'],
  ['date', 'on the 20th of March at 10am', '03-20 10:00'],
  ['date', 'on 25 December at 10am', '12-25 10:00'],
  ['date', 'on Feb 3 at 9am', '2027-02-03 09:00'],
  ['date', 'on 12.03 at 15:00', '03-12 15:00'],
  ['date', 'on 2026-03-12 at 09:30', '03-12 09:30'],
  ['date', 'on the 15th at 11am', '03-15 11:00'],
  ['date', 'on the 1st at 9am', '04-01 09:00'],
  ['date', 'on March 20, 2027 at 10am', '2027-03-20 10:00'],
  ['date', 'on the twentieth of March at 10am', '03-20 10:00'],
  ['date', 'on April 1st at 14:00', '04-01 14:00'],
  // weekdays
  ['weekday', 'on Tuesday at 10am', '03-17 10:00'],
  ['weekday', 'on Tuesday at 3pm', ['?', '03-17 15:00', '03-10 15:00']],
  ['weekday', 'on Tuesday the 17th at 10am', '03-17 10:00'],
  ['weekday', 'on Tuesday the 19th at 10am', '05-19 10:00'],
  ['weekday', 'friday after next at 10am', '03-20 10:00'],
  ['weekday', 'next Friday at 10am', ['?', '03-20 10:00', '03-13 10:00']],
  ['weekday', 'next Monday at 9am', '03-16 09:00'],
  ['weekday', 'this Friday at 4pm', '03-13 16:00'],
  ['weekday', 'on Friday at 4pm', '03-13 16:00'],
  ['weekday', 'Friday at 16:00', '03-13 16:00'],
  ['weekday', 'on the last Monday of March at 10am', '03-30 10:00'],
  ['weekday', 'on the first tuesday of october at 10am', '10-06 10:00'],
  ['weekday', 'on the second Wednesday of April at 2pm', '04-08 14:00'],
  ['weekday', 'on Friday next week at 11am', '03-20 11:00'],
  ['weekday', 'next week on Wednesday at 10am', '03-18 10:00'],
  ['weekday', 'on Sunday at 18:00', '03-15 18:00'],
  ['weekday', 'on Wednesday morning', '03-11 09:00'],
  ['weekday', 'Thursday evening', '03-12 19:00'],
  ['weekday', 'on Monday at 9 am', '03-16 09:00'],
  ['weekday', 'on the weekend at 11am', '03-14 11:00'],
  ['weekday', 'at the end of the week', '03-13 18:00'],
  ['weekday', 'next week', ['?', '03-16 09:00']],
  // zones: the time is read on the zone's clock, the due time is Moscow's
  ['zone', 'at 4pm CET', '03-10 18:00'],
  ['zone', 'Thursday 8:00 PST', ['?', '03-12 18:00', '03-12 19:00']],
  ['zone', 'at 10:00 GMT', '03-10 13:00'],
  ['zone', 'at 3pm UTC+3', '03-10 15:00'],
  ['zone', 'tomorrow at 9am Europe/London', '03-11 12:00'],
  ['zone', 'at 18:00 MSK', '03-10 18:00'],
  ['zone', 'at 5pm ET', '03-11 00:00'],
  ['zone', 'tomorrow at 2pm New York time', '03-11 21:00'],
  ['zone', 'at 9:30 UTC', '03-10 12:30'],
  ['zone', 'at 14:00 UTC-5', '03-10 22:00'],
  // hedges and other fillers stay out of the title
  ['hedge', 'at about 3pm', '03-10 15:00'],
  ['hedge', 'around 5pm', '03-10 17:00'],
  ['hedge', 'at approximately 4pm', '03-10 16:00'],
  ['hedge', 'at around 6 pm', '03-10 18:00'],
  // 24-hour and plain clock times
  ['clock', 'tomorrow at 10', '03-11 10:00'],
  ['clock', 'the day after tomorrow at 10am', '03-12 10:00'],
  ['clock', 'today at 6pm', '03-10 18:00'],
  ['clock', 'at 17:30', '03-10 17:30'],
  ['clock', 'at 9:30pm', '03-10 21:30'],
  ['clock', 'at 08:00', '03-11 08:00'],
  ['clock', "at 3 o'clock", ['?', '03-10 15:00']],
  ['clock', 'at 5', ['?', '03-10 17:00', '03-11 05:00']],
  ['clock', 'tomorrow at 3', ['?', '03-11 15:00', '03-11 03:00']],
  ['clock', 'at 10', ['?', '03-11 10:00']],
  ['clock', 'at seven', ['?', '03-10 19:00']],
  // intervals: the start is offered, not taken
  ['interval', '3-4pm', ['?', '03-10 15:00']],
  ['interval', 'from 3 to 4 pm', ['?', '03-10 15:00']],
  ['interval', 'between 3 and 4pm', ['?', '03-10 15:00']],
  // impossible times and dates
  ['invalid', 'at 25:00', ['!time']],
  ['invalid', 'at 10:75', ['!time']],
  ['invalid', 'on February 30 at 10am', ['!date']],
  ['invalid', 'at 13pm', ['!time']],
];

const RU: Row[] = [
  // части суток
  ['qualifier', 'в 8 часов вечера', '03-10 20:00'],
  ['qualifier', 'в 8 вечера', '03-10 20:00'],
  ['qualifier', 'завтра в 9 вечера', '03-11 21:00'],
  ['qualifier', 'в 3 часа дня', '03-10 15:00'],
  ['qualifier', 'в 7 утра', '03-11 07:00'],
  ['qualifier', 'в 11 вечера', '03-10 23:00'],
  ['qualifier', 'в 2 ночи', '03-11 02:00'],
  ['qualifier', 'сегодня в 6 вечера', '03-10 18:00'],
  ['qualifier', 'завтра в 10 утра', '03-11 10:00'],
  ['qualifier', 'в полдень', '03-11 12:00'],
  ['qualifier', 'в полночь', '03-11 00:00'],
  ['qualifier', 'сегодня вечером', '03-10 19:00'],
  ['qualifier', 'завтра утром', '03-11 09:00'],
  ['qualifier', 'завтра днём', '03-11 14:00'],
  ['qualifier', 'после обеда', '03-10 14:00'],
  ['qualifier', 'в конце дня', '03-10 18:00'],
  ['qualifier', 'в час дня', '03-10 13:00'],
  ['qualifier', 'в семь вечера', '03-10 19:00'],
  ['qualifier', 'в десять утра завтра', '03-11 10:00'],
  ['qualifier', 'в 9 утра', '03-11 09:00'],
  // минуты
  ['minutes', 'в половине третьего дня', '03-10 14:30'],
  ['minutes', 'в полтретьего', ['?', '03-10 14:30']],
  ['minutes', 'без четверти пять вечера', '03-10 16:45'],
  ['minutes', 'без десяти шесть вечера', '03-10 17:50'],
  ['minutes', 'в четверть пятого дня', '03-10 16:15'],
  ['minutes', 'в семнадцать тридцать', '03-10 17:30'],
  ['minutes', 'в 15 часов 30 минут', '03-10 15:30'],
  ['minutes', 'в 15.30', '03-10 15:30'],
  ['minutes', 'в 15-30', '03-10 15:30'],
  // длительности
  ['duration', 'через полчаса', '03-10 12:30'],
  ['duration', 'через четверть часа', '03-10 12:15'],
  ['duration', 'через три четверти часа', '03-10 12:45'],
  ['duration', 'через полтора часа', '03-10 13:30'],
  ['duration', 'через 2,5 часа', '03-10 14:30'],
  ['duration', 'через 90 минут', '03-10 13:30'],
  ['duration', 'через час', '03-10 13:00'],
  ['duration', 'через 2 часа', '03-10 14:00'],
  ['duration', 'через два часа', '03-10 14:00'],
  ['duration', 'через пятнадцать минут', '03-10 12:15'],
  ['duration', 'через пару часов', '03-10 14:00'],
  ['duration', 'через 1 час 30 минут', '03-10 13:30'],
  ['duration', 'через 10 мин', '03-10 12:10'],
  ['duration', 'через час с половиной', '03-10 13:30'],
  ['duration', 'через 3 дня в 10:00', '03-13 10:00'],
  ['duration', 'через неделю в 9:00', '03-17 09:00'],
  ['duration', 'через два дня', ['?', '03-12 09:00', '03-12 12:00']],
  // русские формы часов
  ['hours', 'в 15ч', '03-10 15:00'],
  ['hours', 'в 17ч10', '03-10 17:10'],
  ['hours', 'в 15 ч 30 мин', '03-10 15:30'],
  ['hours', 'в пятнадцать часов', '03-10 15:00'],
  ['hours', 'в 18:45', '03-10 18:45'],
  ['hours', 'к 16:00', '03-10 16:00'],
  ['hours', 'около 17:00', '03-10 17:00'],
  ['hours', 'примерно в 16:00', '03-10 16:00'],
  ['hours', 'в 15 часов', '03-10 15:00'],
  ['hours', 'в двадцать один час', '03-10 21:00'],
  // даты
  ['date', '18-го февраля в 10:00', '2027-02-18 10:00'],
  ['date', '24-ого в 11:00', '03-24 11:00'],
  ['date', 'к третьему апреля в 10:00', '04-03 10:00'],
  ['date', '20 марта в 11:00', '03-20 11:00'],
  ['date', 'двадцатого марта в 11:00', '03-20 11:00'],
  ['date', 'двадцать пятого марта в 15:00', '03-25 15:00'],
  ['date', 'первого апреля в 9:30', '04-01 09:30'],
  ['date', '15 числа в 11:00', '03-15 11:00'],
  ['date', '15-го числа в 11:00', '03-15 11:00'],
  ['date', '20-го следующего месяца в 10:00', '04-20 10:00'],
  ['date', '12.03 в 15:00', '03-12 15:00'],
  ['date', '25 декабря в 10:00', '12-25 10:00'],
  ['date', '1 мая в 12:00', '05-01 12:00'],
  ['date', '5 января в 10:00', '2027-01-05 10:00'],
  ['date', 'в последний понедельник марта в 10:00', '03-30 10:00'],
  ['date', 'в первый вторник октября в 10:00', '10-06 10:00'],
  ['date', '3 апреля 2026 года в 10:00', '04-03 10:00'],
  ['date', '18 фев в 10:00', '2027-02-18 10:00'],
  // дни недели
  ['weekday', 'во вторник в 10:00', '03-17 10:00'],
  ['weekday', 'во вторник в 15:00', ['?', '03-17 15:00', '03-10 15:00']],
  ['weekday', 'в пятницу в 16:00', '03-13 16:00'],
  ['weekday', 'в следующую пятницу в 10:00', ['?', '03-20 10:00', '03-13 10:00']],
  ['weekday', 'в следующий понедельник в 9:00', '03-16 09:00'],
  ['weekday', 'в эту пятницу в 16:00', '03-13 16:00'],
  ['weekday', 'в пятницу на следующей неделе в 11:00', '03-20 11:00'],
  ['weekday', 'на следующей неделе в среду в 10:00', '03-18 10:00'],
  ['weekday', 'в среду утром', '03-11 09:00'],
  ['weekday', 'в четверг вечером', '03-12 19:00'],
  ['weekday', 'в воскресенье в 18:00', '03-15 18:00'],
  ['weekday', 'в субботу в 11:00', '03-14 11:00'],
  ['weekday', 'в понедельник в 9 утра', '03-16 09:00'],
  ['weekday', 'на выходных в 11:00', '03-14 11:00'],
  ['weekday', 'в конце недели', '03-13 18:00'],
  ['weekday', 'в пятницу после следующей в 10:00', '03-20 10:00'],
  // часовые пояса
  ['zone', 'в 16:00 МСК', '03-10 16:00'],
  ['zone', 'в 16:00 по Москве', '03-10 16:00'],
  ['zone', 'в 10:00 по московскому времени', ['?', '03-11 10:00']],
  ['zone', 'в 14:00 по московскому времени', '03-10 14:00'],
  ['zone', 'в 15:00 CET', '03-10 17:00'],
  ['zone', 'в 12:00 UTC', '03-10 15:00'],
  ['zone', 'в 18:00 GMT+3', '03-10 18:00'],
  ['zone', 'завтра в 9:00 по Лондону', '03-11 12:00'],
  // прочее
  ['clock', 'послезавтра в 10:00', '03-12 10:00'],
  ['clock', 'сегодня в 18:00', '03-10 18:00'],
  ['clock', 'завтра в 10', '03-11 10:00'],
  ['clock', 'в 5', ['?', '03-10 17:00']],
  ['clock', 'завтра в 3', ['?', '03-11 15:00', '03-11 03:00']],
  ['clock', 'в 10', ['?', '03-11 10:00']],
  ['clock', 'в три', ['?', '03-10 15:00']],
  ['clock', 'до конца дня', '03-10 18:00'],
  // промежутки
  ['interval', 'с 15 до 17', ['?', '03-10 15:00']],
  ['interval', 'с 15:00 до 16:00', ['?', '03-10 15:00']],
  // невозможное
  ['invalid', 'в 25:00', ['!time']],
  ['invalid', '31 февраля в 10:00', ['!date']],
  ['invalid', 'в 10:75', ['!time']],
  ['invalid', '32 марта', ['!date']],
];

function check(intent: Intent, title: string, want: Want) {
  if (typeof want === 'string') {
    expect(intent).toMatchObject({ intent: 'create_task', title, dueAt: iso(want) });
    expect(intent.intent === 'create_task' && intent.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);
    return;
  }
  expect(intent).toMatchObject({ intent: 'clarify', partial: { title } });
  if (intent.intent !== 'clarify') return;
  if (want[0] === '!time') expect(intent.reason).toBe('invalid_time');
  else if (want[0] === '!date') expect(intent.reason).toBe('invalid_date');
  else for (const w of want.slice(1)) expect(intent.options.map((o) => o.value)).toContain(iso(w));
  expect(intent.options.length).toBeGreaterThan(0);
}

const parse = (text: string, locale: 'en' | 'ru') => parseIntent(text, { now: NOW, timezone: TZ, locale });

export const TIME_PHRASE_COUNT = (EN.length + RU.length) * 2;

describe('time phrases in reminders, both word orders', () => {
  it('the tables hold at least 400 phrases in en and ru', () => {
    expect(TIME_PHRASE_COUNT).toBeGreaterThanOrEqual(400);
  });
  describe('en', () => {
    it.each(EN)('%s: remind me [%s] to call Ivan', (_cls, p, want) => check(parse(`remind me ${p} to call Ivan`, 'en'), 'call Ivan', want));
    it.each(EN)('%s: remind me to call Ivan [%s]', (_cls, p, want) => check(parse(`remind me to call Ivan ${p}`, 'en'), 'call Ivan', want));
  });
  describe('ru', () => {
    it.each(RU)('%s: напомни [%s] позвонить Ивану', (_cls, p, want) => check(parse(`напомни ${p} позвонить Ивану`, 'ru'), 'позвонить Ивану', want));
    it.each(RU)('%s: напомни позвонить Ивану [%s]', (_cls, p, want) => check(parse(`напомни позвонить Ивану ${p}`, 'ru'), 'позвонить Ивану', want));
  });
});

// tasks said without "remind" become the speaker's task; chatter and questions stay unknown
const IMPERATIVE: Array<[text: string, locale: 'en' | 'ru', title: string | null, want?: string]> = [
  ['call Maria at 17:30', 'en', 'call Maria', '03-10 17:30'],
  ['on March 20 at 11:00 meeting with Globex', 'en', 'meeting with Globex', '03-20 11:00'],
  ['send the proposal to Acme tomorrow at 3pm', 'en', 'send the proposal to Acme', '03-11 15:00'],
  ['email Oleg the contract on Friday at 10am', 'en', 'email Oleg the contract', '03-13 10:00'],
  ['follow up with Globex in 2 hours', 'en', 'follow up with Globex', '03-10 14:00'],
  ['demo for Initech next Monday at 11am', 'en', 'demo for Initech', '03-16 11:00'],
  ['позвонить Ивану завтра в 15:00', 'ru', 'позвонить Ивану', '03-11 15:00'],
  ['отправь КП Ромашке в пятницу в 12:00', 'ru', 'отправь КП Ромашке', '03-13 12:00'],
  ['встреча с Вектором 20 марта в 11:00', 'ru', 'встреча с Вектором', '03-20 11:00'],
  ['подготовить договор через 3 часа', 'ru', 'подготовить договор', '03-10 15:00'],
  ['созвон с клиентом в 16ч', 'ru', 'созвон с клиентом', '03-10 16:00'],
  ['позвонить Ивану завтра', 'ru', 'позвонить Ивану'],
  ['Thanks, see you on Friday', 'en', null],
  ['I will call you tomorrow at 10', 'en', null],
  ['Can we meet at 5pm?', 'en', null],
  ['Можно завтра в 10 созвониться?', 'ru', null],
  ['Спасибо, до пятницы', 'ru', null],
  ['Здравствуйте, жду звонка в 15:00', 'ru', null],
  // changes to what exists, and two actions at once, are left to the model
  ['перенеси звонок Ивану на после обеда в четверг и подними сумму до 80к', 'ru', null],
  ['позвонить Ивану завтра в 10 и отправить КП', 'ru', null],
  ['move the call with Acme to Friday at 10', 'en', null],
];

const COLLEAGUES: Array<[text: string, locale: 'en' | 'ru', assignee: string, title: string]> = [
  ['remind @petr to call Acme at 16:00', 'en', '@petr', 'call Acme'],
  ['remind <@U024BE7LH> tomorrow at 10am to send the deck', 'en', '@U024BE7LH', 'send the deck'],
  ['remind <@U024BE7LH|petr> to send the deck tomorrow at 10am', 'en', '@U024BE7LH', 'send the deck'],
  ['remind Ivan tomorrow at 11am to send the contract', 'en', 'Ivan', 'send the contract'],
  ['напомни Петру завтра в 11:00 отправить договор', 'ru', 'Петру', 'отправить договор'],
  ['напомни Петру отправить договор завтра в 11:00', 'ru', 'Петру', 'отправить договор'],
  ['напомни Марии Ивановой в пятницу в 16:00 выставить счёт', 'ru', 'Марии Ивановой', 'выставить счёт'],
  ['напомни @olga_k через час перезвонить клиенту', 'ru', '@olga_k', 'перезвонить клиенту'],
];

describe('tasks without a trigger word, and colleagues', () => {
  it.each(IMPERATIVE)('%s', (text, locale, title, want) => {
    const intent = parse(text, locale);
    if (title === null) return expect(intent).toEqual({ intent: 'unknown' });
    if (want) check(intent, title, want);
    else expect(intent).toMatchObject({ intent: 'clarify', reason: 'missing', partial: { title } });
    expect('assignee' in intent).toBe(false);
  });
  it.each(COLLEAGUES)('%s', (text, locale, assignee, title) => {
    expect(parse(text, locale)).toMatchObject({ intent: 'create_task', assignee, title });
  });
});
