// npm run bench:parse — the plain-language parser alone (RuleParser: deal phrases, the time
// grammar, the resolver and the question builder, as the chat engine calls it on every
// manager message), on a mix of reminders in English and Russian in both word orders, deal
// commands and chatter that is none of these. Prints phrases/s and, measured in the same run
// on the same phrases, the baseline: chrono-node's own parse (English then Russian casual
// parser, which is what a chrono-first parser pays before it does anything else).
// Goal: >= 5,000 phrases/s. BENCH_SECONDS sets each measurement's length (default 3).
import { performance } from 'node:perf_hooks';
import * as chrono from 'chrono-node';
import { RuleParser } from '../core/parse/parser.js';
import { wallToInstant } from '../core/time/wall.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const GOAL = 5_000;

const EN_TIMES = [
  'tomorrow at 10',
  'at 8 in the evening',
  '8 tonight',
  'a quarter past 3pm',
  '20 minutes to 2pm tomorrow',
  'in a quarter of an hour',
  'in 2.5 hours',
  'on the 20th of next month at 3pm',
  'friday after next at 10am',
  'on the last Monday of March at 10am',
  'at 4pm CET',
  "3 o'clock in the afternoon",
  'at about 3pm',
  'on March 20 at 11:00',
  'next Friday at 10am',
  'ten thirty am tomorrow',
  'in an hour and a half',
  'at 5',
  'at 25:00',
  'on Tuesday the 19th at 10am',
];
const RU_TIMES = [
  'завтра в 10',
  'в 8 часов вечера',
  'в 15ч',
  'в 17ч10',
  'в пятнадцать часов',
  '18-го февраля в 10:00',
  'к третьему апреля в 10:00',
  'через полчаса',
  'через полтора часа',
  'в половине третьего дня',
  'без четверти пять вечера',
  'во вторник в 10:00',
  'в следующую пятницу в 10:00',
  'в 16:00 МСК',
  'в 3 часа дня',
  'послезавтра утром',
  'в последний понедельник марта в 10:00',
  '31 февраля в 10:00',
  'в конце дня',
  'через 2 дня',
];
const OTHER = [
  'call Maria at 17:30',
  'позвонить Ивану завтра',
  'on March 20 at 11:00 meeting with Globex',
  'remind @petr to call Acme at 16:00',
  'напомни Петру завтра в 11 отправить договор',
  'move Acme to negotiation',
  'перенеси Ромашку в переговоры',
  'deal 1 1700000 RUB',
  'сделка Ромашка 1,5 млн',
  '/amount 5 120000 RUB',
  'Acme lost: too expensive',
  'Hello, can you deliver tomorrow at 10?',
  'Thanks, see you on Friday',
  'Добрый день, пришлите, пожалуйста, счёт на 50 000 руб',
  'привет',
  'remind me to call Ivan',
];

const phrases = [
  ...EN_TIMES.flatMap((p) => [`remind me ${p} to call Ivan`, `remind me to call Ivan ${p}`]),
  ...RU_TIMES.flatMap((p) => [`напомни ${p} позвонить Ивану`, `напомни позвонить Ивану ${p}`]),
  ...OTHER,
];

const timezone = 'Europe/Moscow';
const now = wallToInstant({ year: 2026, month: 3, day: 10, hour: 12, minute: 0 }, timezone);

/**
 * Phrases per second of this process's CPU time (user + system), beside the wall-clock rate:
 * on a shared machine other processes take the cores away, and the CPU rate is what the
 * parser itself costs.
 */
async function measure(name: string, run: (text: string) => unknown | Promise<unknown>): Promise<number> {
  // warm up, then count whole passes over the phrase list for SECONDS
  for (let i = 0; i < 3; i++) for (const p of phrases) await run(p);
  let n = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < SECONDS * 1000) {
    for (const p of phrases) await run(p);
    n += phrases.length;
  }
  const used = process.cpuUsage(cpu);
  const wall = n / ((performance.now() - start) / 1000);
  const rate = n / ((used.user + used.system) / 1e6);
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
  console.log(`${name.padEnd(44)} ${fmt(rate)} phrases/s of CPU time (${fmt(wall)} phrases/s wall clock)`);
  return rate;
}

const parser = new RuleParser();
console.log(`${phrases.length} phrases (reminders en/ru in both word orders, deal commands, chatter), ${SECONDS} s each`);
const rule = await measure('RuleParser.parse (the parser alone)', (text) => parser.parse(text, { now, timezone, locale: /[а-я]/i.test(text) ? 'ru' : 'en' }));
const reference = { instant: now, timezone: 180 };
const base = await measure('baseline: chrono-node en + ru casual parse', (text) => {
  chrono.en.casual.parse(text, reference);
  chrono.ru.casual.parse(text, reference);
});
console.log(
  `RuleParser is ${(rule / base).toFixed(1)}x the chrono baseline; goal >= ${GOAL.toLocaleString('en-US')} phrases/s: ${rule >= GOAL ? 'met' : 'NOT met'}`,
);
console.log(`load average while measuring: ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`);
