// "Never silently wrong", as a property: for random moments, zones and target times, a
// grammar of ways to say the time (en and ru, both word orders) produces a reminder; the
// parser must return exactly the intended instant, or a question whose options contain it.
// A task with any other time is a silent error and fails the test. The grammar says times
// the way the conventions in docs/chat.md read them: a bare hour of 8-11 is the morning, a
// bare hour of 1-7 may be either half of the day (so either answer must be offered).
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../core/parse/parser.js';
import { addDays, wallAt, wallToInstant, weekdayOf, type Wall } from '../../../core/time/wall.js';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const RU_MONTHS_GEN = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const RU_WEEKDAYS_ACC = ['в воскресенье', 'в понедельник', 'во вторник', 'в среду', 'в четверг', 'в пятницу', 'в субботу'];
const RU_HOUR_ORDINAL_GEN = [
  '',
  'первого',
  'второго',
  'третьего',
  'четвертого',
  'пятого',
  'шестого',
  'седьмого',
  'восьмого',
  'девятого',
  'десятого',
  'одиннадцатого',
  'двенадцатого',
];
const EN_NUMBER_WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const ZONES = ['Europe/Moscow', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'UTC', 'Asia/Vladivostok'];
const pad = (n: number) => String(n).padStart(2, '0');
const ordinalSuffix = (d: number) => (d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th');

interface Sample {
  text: string;
  locale: 'en' | 'ru';
  now: Date;
  zone: string;
  expected: Date;
}

/** One sample from the grammar, or null when the drawn time is not ahead of "now". */
function draw(r: () => number): Sample | null {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const zone = pick(ZONES);
  const now = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 364 * 24 * 60) * 60_000);
  const nowWall = wallAt(now, zone);
  const today: Wall = { ...nowWall, hour: 0, minute: 0 };
  const locale = r() < 0.5 ? 'en' : 'ru';

  // durations from now
  if (r() < 0.15) {
    const hours = r() < 0.5;
    const n = hours ? 1 + Math.floor(r() * 10) : 5 + Math.floor(r() * 170);
    const phrase = locale === 'en' ? `in ${n} ${hours ? 'hours' : 'minutes'}` : `через ${n} ${hours ? 'часов' : 'минут'}`;
    const expected = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + n * (hours ? 60 : 1) * 60_000);
    return { text: embed(phrase, locale, r), locale, now, zone, expected };
  }

  const k = Math.floor(r() * 13); // days ahead
  const day = addDays(today, k);
  const hour = Math.floor(r() * 24);
  let minute = pick([0, 0, 5, 10, 15, 20, 30, 40, 45, 50, 7, 33]);

  // the time of day
  let time: string;
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const pm = hour >= 12;
  const form = Math.floor(r() * 6);
  if (locale === 'en') {
    if (form === 0) time = `at ${pad(hour)}:${pad(minute)}`;
    else if (form === 1) time = `at ${h12}:${pad(minute)} ${pm ? 'pm' : 'am'}`;
    else if (form === 2) time = minute === 0 ? `at ${h12}${pm ? 'pm' : 'am'}` : `${pick(['at ', ''])}${h12}:${pad(minute)}${pm ? 'p.m.' : 'a.m.'}`;
    else if (form === 3 && hour >= 13 && hour <= 22) time = `at ${h12}:${pad(minute)} in the ${hour < 18 ? 'afternoon' : 'evening'}`;
    else if (form === 4 && (minute === 15 || minute === 30) && hour >= 1)
      time = `${minute === 15 ? 'a quarter' : 'half'} past ${EN_NUMBER_WORDS[h12]} ${pm ? 'pm' : 'am'}`;
    else if (form === 5 && hour >= 8 && hour <= 11)
      time = `at ${hour}${minute ? `:${pad(minute)}` : ''}`; // a bare morning hour
    else if (form === 5 && hour >= 1 && hour <= 19 && hour % 12 >= 1 && hour % 12 <= 7)
      time = `at ${h12}${minute ? `:${pad(minute)}` : ''}`; // either half: asked
    else time = `at ${pad(hour)}:${pad(minute)}`;
  } else {
    const part = hour < 4 ? 'ночи' : hour < 12 ? 'утра' : hour < 17 ? 'дня' : 'вечера';
    if (form === 0) time = `в ${pad(hour)}:${pad(minute)}`;
    else if (form === 1 && minute === 0 && hour !== 0 && hour !== 12) time = `в ${h12} ${part}`;
    else if (form === 2) time = `в ${hour} часов ${minute} минут`;
    else if (form === 3) time = `в ${hour}ч${minute ? pad(minute) : ''}`;
    else if (form === 4 && minute === 30 && hour !== 0 && hour !== 12) time = `в половине ${RU_HOUR_ORDINAL_GEN[(h12 % 12) + 1]} ${part}`;
    else if (form === 5 && minute === 45 && h12 !== 11 && hour !== 11 && hour !== 23)
      time = `без четверти ${(h12 % 12) + 1} ${hour + 1 < 12 ? 'утра' : hour + 1 < 17 ? 'дня' : 'вечера'}`;
    else time = `в ${pad(hour)}:${pad(minute)}`;
  }
  if (minute === 45 && /без четверти/.test(time) && hour + 1 >= 24) return null;

  // the day
  let date: string;
  const dateForm = Math.floor(r() * 5);
  if (k === 0) date = locale === 'en' ? pick(['today', '']) : pick(['сегодня', '']);
  else if (k === 1) date = locale === 'en' ? 'tomorrow' : 'завтра';
  else if (k === 2 && dateForm < 2) date = locale === 'en' ? 'the day after tomorrow' : 'послезавтра';
  else if (dateForm === 0 && k < 7) date = locale === 'en' ? `on ${EN_WEEKDAYS[weekdayOf(day)]}` : RU_WEEKDAYS_ACC[weekdayOf(day)]!;
  else if (dateForm === 1) date = locale === 'en' ? `in ${k} days` : `через ${k} дней`;
  else if (dateForm === 2)
    date = locale === 'en' ? `on ${EN_MONTHS[day.month - 1]} ${day.day}${ordinalSuffix(day.day)}` : `${day.day}-го ${RU_MONTHS_GEN[day.month - 1]}`;
  else date = locale === 'en' ? `on ${day.day} ${EN_MONTHS[day.month - 1]}` : `${day.day} ${RU_MONTHS_GEN[day.month - 1]}`;

  if (/без четверти/.test(time)) {
    // "без четверти пять" is 4:45: the drawn hour is the one before
    minute = 45;
  }
  let target: Wall = { ...day, hour, minute };
  const expected = wallToInstant(target, zone);
  if (k === 0 && expected.getTime() <= now.getTime() + 60_000) {
    if (date !== '') return null;
    // a time without a day that has passed today is tomorrow's
    target = { ...addDays(today, 1), hour, minute };
    return { text: embed(time, locale, r), locale, now, zone, expected: wallToInstant(target, zone) };
  }
  return { text: embed([date, time].filter(Boolean).join(' '), locale, r), locale, now, zone, expected };
}

function embed(phrase: string, locale: 'en' | 'ru', r: () => number): string {
  const first = r() < 0.5;
  if (locale === 'en') return first ? `remind me ${phrase} to call Ivan` : `remind me to call Ivan ${phrase}`;
  return first ? `напомни ${phrase} позвонить Ивану` : `напомни позвонить Ивану ${phrase}`;
}

describe('never silently wrong (property)', () => {
  it('2,000 generated reminders: the right instant, or a question that offers it', () => {
    const r = rng(20260310);
    const failures: string[] = [];
    let sure = 0;
    let asked = 0;
    let n = 0;
    while (n < 2000) {
      const s = draw(r);
      if (!s) continue;
      n++;
      const intent = parseIntent(s.text, { now: s.now, timezone: s.zone, locale: s.locale });
      const want = s.expected.getTime();
      const where = `${s.text} (now ${s.now.toISOString()} ${s.zone}, want ${s.expected.toISOString()})`;
      if (intent.intent === 'create_task') {
        if (new Date(intent.dueAt).getTime() === want) sure++;
        else failures.push(`SILENTLY WRONG ${intent.dueAt}: ${where}`);
      } else if (intent.intent === 'clarify') {
        if (intent.options.some((o) => new Date(o.value).getTime() === want)) asked++;
        else failures.push(`asked without it [${intent.options.map((o) => o.value).join(', ')}]: ${where}`);
      } else failures.push(`${intent.intent}: ${where}`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // most of the grammar is unambiguous: the parser must not hide behind questions
    expect(sure / n).toBeGreaterThan(0.8);
    expect(sure + asked).toBe(n);
  });
});
