// The words of time expressions in English and Russian, as lookup tables built once:
// numbers (cardinal and ordinal, every Russian case form), months and weekdays (every case
// form and the usual abbreviations), parts of the day, duration units. Keys are lower case
// with "ё" written "е" (the tokenizer normalises the text the same way).

const table = <V>(entries: Array<[string, V]>): Map<string, V> => new Map(entries);

// ---- cardinals ----

const EN_CARDINALS: Array<[string, number]> = [
  ['zero', 0],
  ['oh', 0],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
  ['eleven', 11],
  ['twelve', 12],
  ['thirteen', 13],
  ['fourteen', 14],
  ['fifteen', 15],
  ['sixteen', 16],
  ['seventeen', 17],
  ['eighteen', 18],
  ['nineteen', 19],
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fourty', 40],
  ['fifty', 50],
];

// Russian cardinals in all their case forms (nominative, genitive/dative/prepositional, instrumental)
const RU_CARDINAL_FORMS: Array<[number, string[]]> = [
  [0, ['ноль', 'нуль', 'ноля', 'нуля']],
  [1, ['один', 'одна', 'одно', 'одного', 'одному', 'одним', 'одном', 'одну', 'одной']],
  [2, ['два', 'две', 'двух', 'двум', 'двумя']],
  [3, ['три', 'трех', 'трем', 'тремя']],
  [4, ['четыре', 'четырех', 'четырем', 'четырьмя']],
  [40, ['сорок', 'сорока']],
  [50, ['пятьдесят', 'пятидесяти', 'пятьюдесятью']],
];
// 5..20 and 30: nominative "-ь", oblique "-и", instrumental "-ью"
const RU_SOFT_CARDINALS: Array<[number, string]> = [
  [5, 'пят'],
  [6, 'шест'],
  [7, 'сем'],
  [8, 'восем'],
  [9, 'девят'],
  [10, 'десят'],
  [11, 'одиннадцат'],
  [12, 'двенадцат'],
  [13, 'тринадцат'],
  [14, 'четырнадцат'],
  [15, 'пятнадцат'],
  [16, 'шестнадцат'],
  [17, 'семнадцат'],
  [18, 'восемнадцат'],
  [19, 'девятнадцат'],
  [20, 'двадцат'],
  [30, 'тридцат'],
];

const CARDINALS = new Map<string, number>(EN_CARDINALS);
for (const [n, forms] of RU_CARDINAL_FORMS) for (const f of forms) CARDINALS.set(f, n);
for (const [n, stem] of RU_SOFT_CARDINALS) {
  const oblique = n === 8 ? 'восьми' : `${stem}и`;
  for (const f of [`${stem}ь`, oblique, `${stem}ью`, n === 8 ? 'восемью' : '']) if (f) CARDINALS.set(f, n);
}

export function cardinal(word: string): number | null {
  const direct = CARDINALS.get(word);
  if (direct !== undefined) return direct;
  // "twenty-five", "forty-five"
  const dash = word.indexOf('-');
  if (dash > 0) {
    const tens = CARDINALS.get(word.slice(0, dash));
    const ones = CARDINALS.get(word.slice(dash + 1));
    if (tens !== undefined && ones !== undefined && tens >= 20 && tens % 10 === 0 && ones > 0 && ones < 10) return tens + ones;
  }
  return null;
}

// ---- ordinals ----

const EN_ORDINALS: Array<[string, number]> = [
  ['first', 1],
  ['second', 2],
  ['third', 3],
  ['fourth', 4],
  ['fifth', 5],
  ['sixth', 6],
  ['seventh', 7],
  ['eighth', 8],
  ['ninth', 9],
  ['tenth', 10],
  ['eleventh', 11],
  ['twelfth', 12],
  ['thirteenth', 13],
  ['fourteenth', 14],
  ['fifteenth', 15],
  ['sixteenth', 16],
  ['seventeenth', 17],
  ['eighteenth', 18],
  ['nineteenth', 19],
  ['twentieth', 20],
  ['thirtieth', 30],
];

// Russian ordinal stems; hard adjectives take -ый/-ой/-ое/-ая/-ого/-ому/-ым/-ом/-ую/-ые/-ых
const RU_ORDINAL_STEMS: Array<[number, string]> = [
  [1, 'перв'],
  [2, 'втор'],
  [4, 'четверт'],
  [5, 'пят'],
  [6, 'шест'],
  [7, 'седьм'],
  [8, 'восьм'],
  [9, 'девят'],
  [10, 'десят'],
  [11, 'одиннадцат'],
  [12, 'двенадцат'],
  [13, 'тринадцат'],
  [14, 'четырнадцат'],
  [15, 'пятнадцат'],
  [16, 'шестнадцат'],
  [17, 'семнадцат'],
  [18, 'восемнадцат'],
  [19, 'девятнадцат'],
  [20, 'двадцат'],
  [30, 'тридцат'],
];
const HARD_ENDINGS = ['ый', 'ой', 'ое', 'ая', 'ого', 'ому', 'ым', 'ом', 'ую', 'ые', 'ых', 'ыми', 'ий'];
const ORDINALS = new Map<string, number>(EN_ORDINALS);
for (const [n, stem] of RU_ORDINAL_STEMS) for (const e of HARD_ENDINGS) ORDINALS.set(stem + e, n);
for (const e of ['ий', 'ье', 'ья', 'ьего', 'ьему', 'ьим', 'ьем', 'ью', 'ьей', 'ьи', 'ьих']) ORDINALS.set(`трет${e}`, 3);

export function ordinal(word: string): number | null {
  const direct = ORDINALS.get(word);
  if (direct !== undefined) return direct;
  const dash = word.indexOf('-');
  if (dash > 0) {
    const tens = CARDINALS.get(word.slice(0, dash));
    const ones = ORDINALS.get(word.slice(dash + 1));
    if (tens !== undefined && ones !== undefined && tens >= 20 && ones < 10) return tens + ones;
  }
  return null;
}

/** What may follow a day number as an ordinal ending: 1st, 2nd, 18-го, 24-ого, 1-е, 3-ему. */
export const ORDINAL_SUFFIXES = new Set([
  'st',
  'nd',
  'rd',
  'th',
  'го',
  'ого',
  'его',
  'е',
  'ое',
  'ее',
  'й',
  'ый',
  'ий',
  'ье',
  'му',
  'ому',
  'ему',
  'м',
  'ом',
  'ем',
  'я',
  'ая',
  'ю',
  'ую',
]);

// ---- months ----

const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const EN_MONTH_ABBR = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// Russian stems: soft (январь -> января, январе, январю, январем) or hard (март -> марта, марте, марту, мартом)
const RU_MONTHS: Array<[string, 'soft' | 'hard' | 'may']> = [
  ['январ', 'soft'],
  ['феврал', 'soft'],
  ['март', 'hard'],
  ['апрел', 'soft'],
  ['ма', 'may'],
  ['июн', 'soft'],
  ['июл', 'soft'],
  ['август', 'hard'],
  ['сентябр', 'soft'],
  ['октябр', 'soft'],
  ['ноябр', 'soft'],
  ['декабр', 'soft'],
];
const RU_MONTH_ABBR = ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];

export interface MonthWord {
  month: number; // 1-12
  /** A word that is also an ordinary word ("may", "march", "mar"): a month only next to a day number. */
  weak: boolean;
}
const MONTHS = new Map<string, MonthWord>();
EN_MONTHS.forEach((m, i) => MONTHS.set(m, { month: i + 1, weak: m === 'may' || m === 'march' }));
EN_MONTH_ABBR.forEach((m, i) => {
  if (!MONTHS.has(m)) MONTHS.set(m, { month: i + 1, weak: true });
});
MONTHS.set('sept', { month: 9, weak: true });
RU_MONTHS.forEach(([stem, kind], i) => {
  const endings = kind === 'soft' ? ['ь', 'я', 'е', 'ю', 'ем'] : kind === 'hard' ? ['', 'а', 'е', 'у', 'ом'] : ['й', 'я', 'е', 'ю', 'ем'];
  for (const e of endings) MONTHS.set(stem + e, { month: i + 1, weak: false });
});
RU_MONTH_ABBR.forEach((m, i) => {
  if (!MONTHS.has(m)) MONTHS.set(m, { month: i + 1, weak: true });
});
for (const [w, m] of [
  ['февр', 2],
  ['сент', 9],
  ['нояб', 11],
] as const)
  MONTHS.set(w, { month: m, weak: true });

export function monthWord(word: string): MonthWord | null {
  return MONTHS.get(word) ?? null;
}

// ---- weekdays (0 = Sunday ... 6 = Saturday) ----

export interface WeekdayWord {
  weekday: number;
  weak: boolean;
}
const WEEKDAYS = new Map<string, WeekdayWord>();
const put = (weekday: number, weak: boolean, ...words: string[]) => words.forEach((w) => WEEKDAYS.set(w, { weekday, weak }));
put(0, false, 'sunday', 'воскресенье', 'воскресенья', 'воскресенью', 'воскресеньем');
put(1, false, 'monday', 'понедельник', 'понедельника', 'понедельнику', 'понедельником', 'понедельнике');
put(2, false, 'tuesday', 'вторник', 'вторника', 'вторнику', 'вторником', 'вторнике');
put(3, false, 'wednesday', 'среда', 'среду', 'среды', 'среде', 'средой');
put(4, false, 'thursday', 'четверг', 'четверга', 'четвергу', 'четвергом', 'четверге');
put(5, false, 'friday', 'пятница', 'пятницу', 'пятницы', 'пятнице', 'пятницей');
put(6, false, 'saturday', 'суббота', 'субботу', 'субботы', 'субботе', 'субботой');
put(0, true, 'sun', 'вс', 'вскр');
put(1, true, 'mon', 'пн', 'пон');
put(2, true, 'tue', 'tues', 'вт');
put(3, true, 'wed', 'ср');
put(4, true, 'thu', 'thur', 'thurs', 'чт');
put(5, true, 'fri', 'пт');
put(6, true, 'sat', 'сб');

export function weekdayWord(word: string): WeekdayWord | null {
  return WEEKDAYS.get(word) ?? null;
}

// ---- parts of the day ----

export type Part = 'morning' | 'afternoon' | 'evening' | 'night' | 'noon' | 'midnight' | 'lunch' | 'after_lunch' | 'before_lunch' | 'end_of_day';

/** The conventional time of each part of the day (docs/chat.md). */
export const PART_TIME: Record<Part, { hour: number; minute: number }> = {
  morning: { hour: 9, minute: 0 },
  afternoon: { hour: 14, minute: 0 },
  evening: { hour: 19, minute: 0 },
  night: { hour: 22, minute: 0 },
  noon: { hour: 12, minute: 0 },
  midnight: { hour: 0, minute: 0 },
  lunch: { hour: 13, minute: 0 },
  after_lunch: { hour: 14, minute: 0 },
  before_lunch: { hour: 11, minute: 0 },
  end_of_day: { hour: 18, minute: 0 },
};

/** Single words naming a part of the day. "qualifier" words only qualify an hour ("в 3 дня"). */
export const PART_WORDS = table<{ part: Part; qualifierOnly?: boolean }>([
  ['morning', { part: 'morning' }],
  ['afternoon', { part: 'afternoon' }],
  ['evening', { part: 'evening' }],
  ['night', { part: 'night', qualifierOnly: true }],
  ['noon', { part: 'noon' }],
  ['midday', { part: 'noon' }],
  ['midnight', { part: 'midnight' }],
  ['lunchtime', { part: 'lunch' }],
  ['eod', { part: 'end_of_day' }],
  ['утро', { part: 'morning' }],
  ['утром', { part: 'morning' }],
  ['утра', { part: 'morning', qualifierOnly: true }],
  ['днем', { part: 'afternoon' }],
  ['дня', { part: 'afternoon', qualifierOnly: true }],
  ['вечер', { part: 'evening' }],
  ['вечером', { part: 'evening' }],
  ['вечера', { part: 'evening', qualifierOnly: true }],
  ['ночью', { part: 'night' }],
  ['ночи', { part: 'night', qualifierOnly: true }],
  ['полдень', { part: 'noon' }],
  ['полдня', { part: 'noon', qualifierOnly: true }],
  ['полночь', { part: 'midnight' }],
  ['полуночи', { part: 'midnight' }],
]);

// ---- duration units ----

export type Unit = 'minute' | 'hour' | 'day' | 'week' | 'month';
export const UNIT_MINUTES: Record<Unit, number> = { minute: 1, hour: 60, day: 1440, week: 10080, month: 0 };

const UNITS = new Map<string, Unit>();
const unit = (u: Unit, ...words: string[]) => words.forEach((w) => UNITS.set(w, u));
unit('minute', 'minute', 'minutes', 'min', 'mins', 'm', 'минута', 'минуту', 'минуты', 'минут', 'минутку', 'мин', 'м');
unit('hour', 'hour', 'hours', 'hr', 'hrs', 'h', 'час', 'часа', 'часов', 'часик', 'часика', 'ч');
unit('day', 'day', 'days', 'd', 'день', 'дня', 'дней', 'сутки', 'суток', 'денек', 'дн');
unit('week', 'week', 'weeks', 'wk', 'wks', 'неделя', 'неделю', 'недели', 'недель', 'нед', 'недельку');
unit('month', 'month', 'months', 'месяц', 'месяца', 'месяцев', 'мес');

export function unitWord(word: string): Unit | null {
  return UNITS.get(word) ?? null;
}

/** Words that make a bare "at N"/"в N" a count, not an hour ("в 2 раза", "at 5 percent"). */
export const NOT_AN_HOUR_AFTER = new Set([
  'раз',
  'раза',
  'этаж',
  'этаже',
  'кабинет',
  'кабинете',
  'процентов',
  'процента',
  'процент',
  'штук',
  'штуки',
  'percent',
  'pcs',
  'times',
  'people',
  'человек',
  'руб',
  'рублей',
  'usd',
  'eur',
  'rub',
  '%',
  '$',
  '€',
  '₽',
]);
