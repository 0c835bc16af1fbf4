// The plain-language parser, phrase by phrase: each row is the exact intent for a fixed
// "now" in a time zone. Clarify rows list the offered dueAt values (labels are checked
// separately). New York rows cross the US DST start (2026-03-08), Berlin rows the EU one (2026-03-29).
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../core/parse/parser.js';
import { wallToInstant } from '../../../core/time/wall.js';
import { CONFIDENCE_THRESHOLD, type Intent } from '../../../core/parse/intent.js';

type Expected =
  Exclude<Intent, { intent: 'clarify' }> | { intent: 'clarify'; options: string[]; partial: { title: string; recurrence: string | null; assignee?: string } };
type Row = [text: string, locale: 'en' | 'ru', expected: Expected];

function wallNow(local: string, timeZone: string): Date {
  const [d, t] = local.split('T') as [string, string];
  const [year, month, day] = d.split('-').map(Number) as [number, number, number];
  const [hour, minute] = t.split(':').map(Number) as [number, number];
  return wallToInstant({ year, month, day, hour, minute }, timeZone);
}

function comparable(intent: Intent): unknown {
  if (intent.intent === 'create_task') {
    const { confidence, ...rest } = intent;
    expect(confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);
    return rest;
  }
  if (intent.intent !== 'clarify') return intent;
  return { intent: 'clarify', options: intent.options.map((o) => o.value), partial: intent.partial };
}

const TABLE: Array<{ now: string; timezone: string; cases: Row[] }> = [
  {
    now: '2026-03-10T12:00',
    timezone: 'Europe/Moscow',
    cases: [
      ['remind me tomorrow at 10 to call Ivan', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-11T10:00:00+03:00', recurrence: null }],
      ['remind me tomorrow at 9am to call Ivan', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-11T09:00:00+03:00', recurrence: null }],
      ['напомни завтра в 10 позвонить Ивану', 'ru', { intent: 'create_task', title: 'позвонить Ивану', dueAt: '2026-03-11T10:00:00+03:00', recurrence: null }],
      [
        'напомни в пятницу в 15:00 отправить КП Ивану',
        'ru',
        { intent: 'create_task', title: 'отправить КП Ивану', dueAt: '2026-03-13T15:00:00+03:00', recurrence: null },
      ],
      ['in 2 hours check the invoice', 'en', { intent: 'create_task', title: 'check the invoice', dueAt: '2026-03-10T14:00:00+03:00', recurrence: null }],
      ['in 30 minutes call back', 'en', { intent: 'create_task', title: 'call back', dueAt: '2026-03-10T12:30:00+03:00', recurrence: null }],
      ['in an hour send the deck', 'en', { intent: 'create_task', title: 'send the deck', dueAt: '2026-03-10T13:00:00+03:00', recurrence: null }],
      ['in 90 minutes call back', 'en', { intent: 'create_task', title: 'call back', dueAt: '2026-03-10T13:30:00+03:00', recurrence: null }],
      ['через 2 часа проверить счёт', 'ru', { intent: 'create_task', title: 'проверить счёт', dueAt: '2026-03-10T14:00:00+03:00', recurrence: null }],
      ['через 30 минут позвонить', 'ru', { intent: 'create_task', title: 'позвонить', dueAt: '2026-03-10T12:30:00+03:00', recurrence: null }],
      ['через час проверить почту', 'ru', { intent: 'create_task', title: 'проверить почту', dueAt: '2026-03-10T13:00:00+03:00', recurrence: null }],
      ['через полчаса перезвонить', 'ru', { intent: 'create_task', title: 'перезвонить', dueAt: '2026-03-10T12:30:00+03:00', recurrence: null }],
      ['on Friday at 3pm send proposal', 'en', { intent: 'create_task', title: 'send proposal', dueAt: '2026-03-13T15:00:00+03:00', recurrence: null }],
      [
        'remind me on Friday at 15:00 to send the proposal',
        'en',
        { intent: 'create_task', title: 'send the proposal', dueAt: '2026-03-13T15:00:00+03:00', recurrence: null },
      ],
      ['в понедельник в 10 встреча', 'ru', { intent: 'create_task', title: 'встреча', dueAt: '2026-03-16T10:00:00+03:00', recurrence: null }],
      [
        'Monday at 11:30 review the contract',
        'en',
        { intent: 'create_task', title: 'review the contract', dueAt: '2026-03-16T11:30:00+03:00', recurrence: null },
      ],
      ['в следующий вторник в 11:00 демо', 'ru', { intent: 'create_task', title: 'демо', dueAt: '2026-03-17T11:00:00+03:00', recurrence: null }],
      ['10 марта в 14:30 встреча', 'ru', { intent: 'create_task', title: 'встреча', dueAt: '2026-03-10T14:30:00+03:00', recurrence: null }],
      ['remind me 10 March at 14:30 to meet Oleg', 'en', { intent: 'create_task', title: 'meet Oleg', dueAt: '2026-03-10T14:30:00+03:00', recurrence: null }],
      [
        'напомни 12 марта в 9:30 позвонить в банк',
        'ru',
        { intent: 'create_task', title: 'позвонить в банк', dueAt: '2026-03-12T09:30:00+03:00', recurrence: null },
      ],
      ['remind me 2026-03-12 09:00 demo', 'en', { intent: 'create_task', title: 'demo', dueAt: '2026-03-12T09:00:00+03:00', recurrence: null }],
      ['12.03 в 10:00 звонок клиенту', 'ru', { intent: 'create_task', title: 'звонок клиенту', dueAt: '2026-03-12T10:00:00+03:00', recurrence: null }],
      ['напомни 15 числа в 11 выставить счёт', 'ru', { intent: 'create_task', title: 'выставить счёт', dueAt: '2026-03-15T11:00:00+03:00', recurrence: null }],
      ['tomorrow at 10 call Ivan', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-11T10:00:00+03:00', recurrence: null }],
      ['завтра в 12 обед с клиентом', 'ru', { intent: 'create_task', title: 'обед с клиентом', dueAt: '2026-03-11T12:00:00+03:00', recurrence: null }],
      ['послезавтра в 10 позвонить', 'ru', { intent: 'create_task', title: 'позвонить', dueAt: '2026-03-12T10:00:00+03:00', recurrence: null }],
      [
        'напомни послезавтра в 16:00 отправить договор',
        'ru',
        { intent: 'create_task', title: 'отправить договор', dueAt: '2026-03-12T16:00:00+03:00', recurrence: null },
      ],
      [
        'remind me the day after tomorrow at 10 to call Ivan',
        'en',
        { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-12T10:00:00+03:00', recurrence: null },
      ],
      ['tonight call the supplier', 'en', { intent: 'create_task', title: 'call the supplier', dueAt: '2026-03-10T19:00:00+03:00', recurrence: null }],
      ['tomorrow morning call Ivan', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-11T09:00:00+03:00', recurrence: null }],
      ['tomorrow evening send the invoice', 'en', { intent: 'create_task', title: 'send the invoice', dueAt: '2026-03-11T19:00:00+03:00', recurrence: null }],
      ['завтра утром позвонить Ивану', 'ru', { intent: 'create_task', title: 'позвонить Ивану', dueAt: '2026-03-11T09:00:00+03:00', recurrence: null }],
      ['завтра вечером отправить счёт', 'ru', { intent: 'create_task', title: 'отправить счёт', dueAt: '2026-03-11T19:00:00+03:00', recurrence: null }],
      ['сегодня вечером написать Олегу', 'ru', { intent: 'create_task', title: 'написать Олегу', dueAt: '2026-03-10T19:00:00+03:00', recurrence: null }],
      ['завтра днём позвонить', 'ru', { intent: 'create_task', title: 'позвонить', dueAt: '2026-03-11T14:00:00+03:00', recurrence: null }],
      ['напомни завтра в 5 вечера позвонить', 'ru', { intent: 'create_task', title: 'позвонить', dueAt: '2026-03-11T17:00:00+03:00', recurrence: null }],
      ['в 8 утра пробежка', 'ru', { intent: 'create_task', title: 'пробежка', dueAt: '2026-03-11T08:00:00+03:00', recurrence: null }],
      [
        'every Monday at 9 standup',
        'en',
        { intent: 'create_task', title: 'standup', dueAt: '2026-03-16T09:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0' },
      ],
      [
        'каждый понедельник в 9 планёрка',
        'ru',
        { intent: 'create_task', title: 'планёрка', dueAt: '2026-03-16T09:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0' },
      ],
      [
        'every day at 10 check mail',
        'en',
        { intent: 'create_task', title: 'check mail', dueAt: '2026-03-11T10:00:00+03:00', recurrence: 'FREQ=DAILY;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'каждый день в 10 проверить почту',
        'ru',
        { intent: 'create_task', title: 'проверить почту', dueAt: '2026-03-11T10:00:00+03:00', recurrence: 'FREQ=DAILY;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'every weekday at 9 standup',
        'en',
        { intent: 'create_task', title: 'standup', dueAt: '2026-03-11T09:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0' },
      ],
      [
        'по будням в 9 планёрка',
        'ru',
        { intent: 'create_task', title: 'планёрка', dueAt: '2026-03-11T09:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0' },
      ],
      [
        'every month on the 1st at 10 pay rent',
        'en',
        { intent: 'create_task', title: 'pay rent', dueAt: '2026-04-01T10:00:00+03:00', recurrence: 'FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'каждый месяц 1-го числа в 10 оплатить аренду',
        'ru',
        { intent: 'create_task', title: 'оплатить аренду', dueAt: '2026-04-01T10:00:00+03:00', recurrence: 'FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'каждую пятницу в 17:00 отчёт',
        'ru',
        { intent: 'create_task', title: 'отчёт', dueAt: '2026-03-13T17:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0' },
      ],
      [
        'по понедельникам и пятницам в 10 звонок',
        'ru',
        { intent: 'create_task', title: 'звонок', dueAt: '2026-03-13T10:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'every 2 weeks on Monday at 10 1:1',
        'en',
        { intent: 'create_task', title: '1:1', dueAt: '2026-03-16T10:00:00+03:00', recurrence: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'каждое утро зарядка',
        'ru',
        { intent: 'create_task', title: 'зарядка', dueAt: '2026-03-11T09:00:00+03:00', recurrence: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0' },
      ],
      [
        'remind me every Friday at 16:00 to send the weekly report',
        'en',
        { intent: 'create_task', title: 'send the weekly report', dueAt: '2026-03-13T16:00:00+03:00', recurrence: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0' },
      ],
      ['/remind tomorrow 10:00 call Ivan', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-11T10:00:00+03:00', recurrence: null }],
      ['task: call Ivan tomorrow at 10', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-11T10:00:00+03:00', recurrence: null }],
      [
        'напомни мне чтобы позвонить Ивану завтра в 12',
        'ru',
        { intent: 'create_task', title: 'позвонить Ивану', dueAt: '2026-03-11T12:00:00+03:00', recurrence: null },
      ],
      [
        'remind Ivan to send the contract tomorrow at 11',
        'en',
        { intent: 'create_task', title: 'send the contract', dueAt: '2026-03-11T11:00:00+03:00', recurrence: null, assignee: 'Ivan' },
      ],
      [
        'напомни Ивану завтра в 11 отправить договор',
        'ru',
        { intent: 'create_task', title: 'отправить договор', dueAt: '2026-03-11T11:00:00+03:00', recurrence: null, assignee: 'Ивану' },
      ],
      [
        'remind @petr to call Acme at 16:00',
        'en',
        { intent: 'create_task', title: 'call Acme', dueAt: '2026-03-10T16:00:00+03:00', recurrence: null, assignee: '@petr' },
      ],
      [
        'remind me to call Ivan',
        'en',
        { intent: 'clarify', options: ['2026-03-10T18:00:00+03:00', '2026-03-11T09:00:00+03:00'], partial: { title: 'call Ivan', recurrence: null } },
      ],
      [
        'напомни позвонить Ивану',
        'ru',
        { intent: 'clarify', options: ['2026-03-10T18:00:00+03:00', '2026-03-11T09:00:00+03:00'], partial: { title: 'позвонить Ивану', recurrence: null } },
      ],
      [
        'напомни завтра позвонить',
        'ru',
        {
          intent: 'clarify',
          options: ['2026-03-11T09:00:00+03:00', '2026-03-11T14:00:00+03:00', '2026-03-11T18:00:00+03:00'],
          partial: { title: 'позвонить', recurrence: null },
        },
      ],
      [
        'remind me on Friday to send the proposal',
        'en',
        {
          intent: 'clarify',
          options: ['2026-03-13T09:00:00+03:00', '2026-03-13T14:00:00+03:00', '2026-03-13T18:00:00+03:00'],
          partial: { title: 'send the proposal', recurrence: null },
        },
      ],
      [
        'через 3 дня позвонить',
        'ru',
        {
          intent: 'clarify',
          options: ['2026-03-13T09:00:00+03:00', '2026-03-13T12:00:00+03:00', '2026-03-13T14:00:00+03:00', '2026-03-13T18:00:00+03:00'],
          partial: { title: 'позвонить', recurrence: null },
        },
      ],
      [
        'in 3 days follow up',
        'en',
        {
          intent: 'clarify',
          options: ['2026-03-13T09:00:00+03:00', '2026-03-13T12:00:00+03:00', '2026-03-13T14:00:00+03:00', '2026-03-13T18:00:00+03:00'],
          partial: { title: 'follow up', recurrence: null },
        },
      ],
      [
        'at 5 call Ivan',
        'en',
        { intent: 'clarify', options: ['2026-03-10T17:00:00+03:00', '2026-03-11T05:00:00+03:00'], partial: { title: 'call Ivan', recurrence: null } },
      ],
      [
        'в 5 позвонить',
        'ru',
        { intent: 'clarify', options: ['2026-03-10T17:00:00+03:00', '2026-03-11T05:00:00+03:00'], partial: { title: 'позвонить', recurrence: null } },
      ],
      [
        'remind me at 9 to call the bank',
        'en',
        { intent: 'clarify', options: ['2026-03-10T21:00:00+03:00', '2026-03-11T09:00:00+03:00'], partial: { title: 'call the bank', recurrence: null } },
      ],
      [
        'remind me at 10 to call',
        'en',
        { intent: 'clarify', options: ['2026-03-10T22:00:00+03:00', '2026-03-11T10:00:00+03:00'], partial: { title: 'call', recurrence: null } },
      ],
      [
        'remind me on Sunday at 2:30 to prep',
        'en',
        { intent: 'clarify', options: ['2026-03-15T02:30:00+03:00', '2026-03-15T14:30:00+03:00'], partial: { title: 'prep', recurrence: null } },
      ],
      [
        'remind me every Monday to update the pipeline',
        'en',
        {
          intent: 'clarify',
          options: ['2026-03-16T09:00:00+03:00', '2026-03-16T14:00:00+03:00', '2026-03-16T18:00:00+03:00'],
          partial: { title: 'update the pipeline', recurrence: 'FREQ=WEEKLY;BYDAY=MO' },
        },
      ],
      [
        'каждый вторник в 4 созвон',
        'ru',
        {
          intent: 'clarify',
          options: ['2026-03-10T16:00:00+03:00', '2026-03-17T04:00:00+03:00'],
          partial: { title: 'созвон', recurrence: 'FREQ=WEEKLY;BYDAY=TU' },
        },
      ],
      [
        'remind me today at 9:00 to call',
        'en',
        { intent: 'clarify', options: ['2026-03-10T21:00:00+03:00', '2026-03-11T09:00:00+03:00'], partial: { title: 'call', recurrence: null } },
      ],
      [
        'remind me',
        'en',
        { intent: 'clarify', options: ['2026-03-10T18:00:00+03:00', '2026-03-11T09:00:00+03:00'], partial: { title: 'Reminder', recurrence: null } },
      ],
      ['move Acme to negotiation', 'en', { intent: 'move_deal', deal: 'Acme', stage: 'Negotiation' }],
      ['Acme to proposal', 'en', { intent: 'move_deal', deal: 'Acme', stage: 'Proposal' }],
      ['move the deal Acme Corp into the proposal stage', 'en', { intent: 'move_deal', deal: 'Acme Corp', stage: 'Proposal' }],
      ['Acme -> qualified', 'en', { intent: 'move_deal', deal: 'Acme', stage: 'Qualified' }],
      ['/stage Acme negotiation', 'en', { intent: 'move_deal', deal: 'Acme', stage: 'Negotiation' }],
      ['перенеси Ромашку в переговоры', 'ru', { intent: 'move_deal', deal: 'Ромашку', stage: 'Negotiation' }],
      ['сделку Ромашка на этап КП', 'ru', { intent: 'move_deal', deal: 'Ромашка', stage: 'Proposal' }],
      ['Ромашку в квалификацию', 'ru', { intent: 'move_deal', deal: 'Ромашку', stage: 'Qualified' }],
      ['перемести сделку «Рога и копыта» на стадию переговоры', 'ru', { intent: 'move_deal', deal: 'Рога и копыта', stage: 'Negotiation' }],
      ['сделка Альфа 2 на этап КП', 'ru', { intent: 'move_deal', deal: 'Альфа 2', stage: 'Proposal' }],
      ['move Acme to won', 'en', { intent: 'won_deal', deal: 'Acme' }],
      ['Acme won', 'en', { intent: 'won_deal', deal: 'Acme' }],
      ['mark Acme as won', 'en', { intent: 'won_deal', deal: 'Acme' }],
      ['Ромашка выиграна', 'ru', { intent: 'won_deal', deal: 'Ромашка' }],
      ['выиграли Ромашку', 'ru', { intent: 'won_deal', deal: 'Ромашку' }],
      ['сделка Вектор выиграна!', 'ru', { intent: 'won_deal', deal: 'Вектор' }],
      ['Acme lost: too expensive', 'en', { intent: 'lost_deal', deal: 'Acme', reason: 'too expensive' }],
      ['Acme lost', 'en', { intent: 'lost_deal', deal: 'Acme' }],
      ['lost Acme because budget cut', 'en', { intent: 'lost_deal', deal: 'Acme', reason: 'budget cut' }],
      ['сделка Ромашка проиграна — дорого', 'ru', { intent: 'lost_deal', deal: 'Ромашка', reason: 'дорого' }],
      ['Ромашка проиграна', 'ru', { intent: 'lost_deal', deal: 'Ромашка' }],
      ['проиграли Вектор, ушли к конкуренту', 'ru', { intent: 'lost_deal', deal: 'Вектор', reason: 'ушли к конкуренту' }],
      ['сделка Ромашка 50 000 руб', 'ru', { intent: 'create_deal', title: 'Ромашка', amount: '50000', currency: 'RUB' }],
      ['/deal Acme 120000 RUB', 'en', { intent: 'create_deal', title: 'Acme', amount: '120000', currency: 'RUB' }],
      ['new deal Acme $5k', 'en', { intent: 'create_deal', title: 'Acme', amount: '5000', currency: 'USD' }],
      ['deal Acme 1.5m EUR', 'en', { intent: 'create_deal', title: 'Acme', amount: '1500000', currency: 'EUR' }],
      ['сделка Альфа 2,5 млн ₽', 'ru', { intent: 'create_deal', title: 'Альфа', amount: '2500000', currency: 'RUB' }],
      ['создай сделку Ромашка на 120 тыс. рублей', 'ru', { intent: 'create_deal', title: 'Ромашка', amount: '120000', currency: 'RUB' }],
      ['новая сделка Вектор 300 000', 'ru', { intent: 'create_deal', title: 'Вектор', amount: '300000', currency: 'RUB' }],
      ['deal Globex 1,500 USD', 'en', { intent: 'create_deal', title: 'Globex', amount: '1500', currency: 'USD' }],
      ['new deal Initech for €2.5k', 'en', { intent: 'create_deal', title: 'Initech', amount: '2500', currency: 'EUR' }],
      ['сделка Бета 75 000 долларов', 'ru', { intent: 'create_deal', title: 'Бета', amount: '75000', currency: 'USD' }],
      ['new deal Hooli 10000', 'en', { intent: 'create_deal', title: 'Hooli', amount: '10000', currency: 'USD' }],
      ['сделка «Зелёная роща» 1 200 000 р.', 'ru', { intent: 'create_deal', title: 'Зелёная роща', amount: '1200000', currency: 'RUB' }],
      ['Hello, can you deliver tomorrow at 10?', 'en', { intent: 'unknown' }],
      ['Здравствуйте, сколько стоит доставка в пятницу?', 'ru', { intent: 'unknown' }],
      ['Hi! I would like to order 50 units', 'en', { intent: 'unknown' }],
      ['Можно завтра в 10 созвониться?', 'ru', { intent: 'unknown' }],
      ['I lost my password', 'en', { intent: 'unknown' }],
      ['we won!', 'en', { intent: 'unknown' }],
      ['Добрый день, пришлите, пожалуйста, счёт на 50 000 руб', 'ru', { intent: 'unknown' }],
      ['asdf qwerty', 'en', { intent: 'unknown' }],
      ['123', 'en', { intent: 'unknown' }],
      ['', 'en', { intent: 'unknown' }],
      ['привет', 'ru', { intent: 'unknown' }],
      ['Thanks, see you on Friday', 'en', { intent: 'unknown' }],
    ],
  },
  {
    now: '2026-03-07T12:00',
    timezone: 'America/New_York',
    cases: [
      ['tomorrow at 10 call Ivan', 'en', { intent: 'create_task', title: 'call Ivan', dueAt: '2026-03-08T10:00:00-04:00', recurrence: null }],
      ['in 24 hours follow up', 'en', { intent: 'create_task', title: 'follow up', dueAt: '2026-03-08T13:00:00-04:00', recurrence: null }],
      [
        'every day at 9am standup',
        'en',
        { intent: 'create_task', title: 'standup', dueAt: '2026-03-08T09:00:00-04:00', recurrence: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0' },
      ],
      [
        'remind me 2026-03-08 02:30 check the servers',
        'en',
        { intent: 'create_task', title: 'check the servers', dueAt: '2026-03-08T03:30:00-04:00', recurrence: null },
      ],
      ['Monday at 9 review', 'en', { intent: 'create_task', title: 'review', dueAt: '2026-03-09T09:00:00-04:00', recurrence: null }],
      ['завтра в 10 позвонить', 'ru', { intent: 'create_task', title: 'позвонить', dueAt: '2026-03-08T10:00:00-04:00', recurrence: null }],
      [
        'at 5 call Ivan',
        'en',
        { intent: 'clarify', options: ['2026-03-07T17:00:00-05:00', '2026-03-08T05:00:00-04:00'], partial: { title: 'call Ivan', recurrence: null } },
      ],
      [
        'remind me to call Ivan',
        'en',
        { intent: 'clarify', options: ['2026-03-07T18:00:00-05:00', '2026-03-08T09:00:00-04:00'], partial: { title: 'call Ivan', recurrence: null } },
      ],
    ],
  },
  {
    now: '2026-03-28T20:00',
    timezone: 'Europe/Berlin',
    cases: [
      ['tomorrow at 10 call', 'en', { intent: 'create_task', title: 'call', dueAt: '2026-03-29T10:00:00+02:00', recurrence: null }],
      ['через 24 часа проверить', 'ru', { intent: 'create_task', title: 'проверить', dueAt: '2026-03-29T21:00:00+02:00', recurrence: null }],
      [
        'каждый день в 10 почта',
        'ru',
        { intent: 'create_task', title: 'почта', dueAt: '2026-03-29T10:00:00+02:00', recurrence: 'FREQ=DAILY;BYHOUR=10;BYMINUTE=0' },
      ],
      [
        'remind me to call Ivan',
        'en',
        { intent: 'clarify', options: ['2026-03-29T09:00:00+02:00', '2026-03-29T18:00:00+02:00'], partial: { title: 'call Ivan', recurrence: null } },
      ],
      [
        'напомни в 9 позвонить',
        'ru',
        { intent: 'clarify', options: ['2026-03-28T21:00:00+01:00', '2026-03-29T09:00:00+02:00'], partial: { title: 'позвонить', recurrence: null } },
      ],
    ],
  },
];

describe('RuleParser phrase table', () => {
  it('covers at least 80 phrases', () => {
    expect(TABLE.reduce((n, g) => n + g.cases.length, 0)).toBeGreaterThanOrEqual(80);
  });
  for (const group of TABLE) {
    describe(`${group.now} ${group.timezone}`, () => {
      const now = wallNow(group.now, group.timezone);
      it.each(group.cases)('%s (%s)', (text, locale, expected) => {
        expect(comparable(parseIntent(text, { now, timezone: group.timezone, locale }))).toEqual(expected);
      });
    });
  }
});
