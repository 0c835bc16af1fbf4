// Reminders in plain language: "remind me tomorrow at 10 to call Ivan", "in 2 hours check
// the invoice", "напомни в пятницу в 15:00 отправить КП Ивану", "каждый понедельник в 9
// планёрка". A phrase whose time is missing or ambiguous becomes a clarify intent with
// options; nothing is silently guessed.
import { invalid } from '../../errors.js';
import { t, type Locale } from '../../i18n/index.js';
import type { ClarifyIntent, ClarifyOption, CreateTaskIntent, PartialTask } from './intent.js';
import { baseRule, findRepeat, firstOccurrence, withTime, type Repeat } from './recurrence.js';
import { findWhen, normalizeDatePhrases, type When } from './when.js';
import { addDays, formatIsoInZone, sameDay, wallAt, wallOfIso, wallToInstant, wallToUtcMs, type Wall } from './zoned-time.js';

export interface ParseContext {
  now: Date;
  timeZone: string;
  locale: Locale;
}

const TRIGGER =
  /^(?:(?:please|пожалуйста)[\s,]+)?(?:(?<slash>\/(?:remind|task|todo|напомни|задача)(?:@\w+)?)|(?<remind>remind(?=[\s:,]|$)|напомни(?:те)?(?=[\s:,]|$)|напомнить|напоминание)|set\s+(?:a\s+)?reminder|add\s+(?:a\s+)?(?:task|reminder)|create\s+(?:a\s+)?(?:task|reminder)|new\s+(?:task|reminder)|reminder|to-?do|task|поставь\s+(?:задачу|напоминание)|создай\s+(?:задачу|напоминание)|добавь\s+(?:задачу|напоминание)|новая\s+задача|задача)(?:\s*:)?(?![\p{L}])/iu;

const LEADING_FILLER = /^(?:[\s,.:;!—–-]+|(?:me|мне|to|that|about|что|чтобы|о\s+том,?\s+что(?:бы)?)(?![\p{L}]))/iu;
const DANGLING_BEFORE = /(?:^|\s)(?:at|on|by|в|во|к|ко)\s*$/iu;
const MENTION = /^@[\w.]+/u;
const EN_NAME = /^(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)\s+(?:to|that|about)(?![\p{L}])/u;
const RU_NAME = /^(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)(?=\s+\p{Ll})/u;

type Task = CreateTaskIntent | ClarifyIntent;

/** Whether the text opens with "remind", "напомни", "task:" or the like. */
export function hasTaskTrigger(text: string): boolean {
  return TRIGGER.test(text.trim());
}

/** A reminder intent, or null when the text is not a reminder. */
export function parseTaskPhrase(input: string, ctx: ParseContext): Task | null {
  const nowWall = wallAt(ctx.now, ctx.timeZone);
  let text = input.trim();
  const trigger = TRIGGER.exec(text);
  if (trigger) text = text.slice(trigger[0].length);

  const repeat = findRepeat(text, nowWall);
  const repeatAtStart = repeat !== null && text.slice(0, repeat.index).trim() === '';
  if (repeat) text = cut(text, [{ index: repeat.index, end: repeat.end }]);

  const when = findWhen(text, ctx.now, ctx.timeZone, ctx.locale);
  const whenAtStart = when !== null && when.text.slice(0, Math.min(...when.spans.map((s) => s.index))).trim() === '';
  let rest = when ? cut(when.text, when.spans) : normalizeDatePhrases(text, nowWall);

  if (!trigger) {
    // without "remind"/"напомни" only a phrase that opens with its time is a reminder, and never a question
    if (!(repeatAtStart || (whenAtStart && !repeat) || (repeat && whenAtStart))) return null;
    if (/\?\s*$/.test(input)) return null;
  }

  rest = stripLeading(rest);
  let assignee: string | undefined;
  if (trigger?.groups?.remind || trigger?.groups?.slash) {
    const found = MENTION.exec(rest) ?? EN_NAME.exec(rest) ?? (/^напомн/iu.test(trigger[0]) ? RU_NAME.exec(rest) : null);
    if (found) {
      assignee = (found[1] ?? found[0]).trim();
      rest = stripLeading(rest.slice(assignee.length));
    }
  }
  let title = rest.replace(/[\s,.;:!—–-]+$/u, '').trim();
  if (!title) {
    if (!trigger) return null;
    title = t(ctx.locale, 'parse.default_title');
  }

  const partial: PartialTask = { title, recurrence: repeat ? baseRule(repeat) : null, ...(assignee ? { assignee } : {}) };
  return resolveTime(partial, when, repeat, ctx, nowWall);
}

/** Removes the spans and any preposition left dangling before them ("call Ivan on"). */
function cut(text: string, spans: Array<{ index: number; end: number }>): string {
  let out = text;
  for (const s of [...spans].sort((a, b) => b.index - a.index)) {
    const before = out.slice(0, s.index).replace(DANGLING_BEFORE, ' ');
    out = `${before} ${out.slice(s.end)}`;
  }
  return out
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .trim();
}

function stripLeading(text: string): string {
  let s = text.trim();
  for (;;) {
    const m = LEADING_FILLER.exec(s);
    if (!m || m[0].length === 0) return s;
    s = s.slice(m[0].length).trim();
  }
}

// ---- turning what was said into a due time, or a question ----

const at = (day: Wall, hour: number, minute = 0): Wall => ({ ...day, hour, minute });
const isFuture = (w: Wall, now: Wall) => wallToUtcMs(w) > wallToUtcMs(now);

function resolveTime(partial: PartialTask, when: When | null, repeat: Repeat | null, ctx: ParseContext, now: Wall): Task {
  if (repeat) return resolveRepeat(partial, when, repeat, ctx, now);
  const today = at(now, 0);
  const tomorrow = addDays(today, 1);

  if (when?.instant) return task(partial, formatIsoInZone(when.instant, ctx.timeZone), null);

  const time = when?.time ?? null;
  let date = when?.date ?? null;
  if (!time) {
    if (date) {
      const options = [9, 14, 18].map((h) => at(date!, h)).filter((w) => isFuture(w, now));
      if (options.length === 0) options.push(at(tomorrow, 9));
      return ask(partial, t(ctx.locale, 'parse.ask.time_on_day', { day: dayWords(date, now, ctx.locale) }), options, ctx, now);
    }
    const options = [at(today, 18), at(tomorrow, 9), at(tomorrow, 18)].filter((w) => isFuture(w, now)).slice(0, 2);
    return ask(partial, t(ctx.locale, 'parse.ask.when'), options, ctx, now);
  }

  const { hour, minute } = time;
  const kind = when!.timeKind;
  if (date) {
    if (when!.yearImplied && wallToUtcMs(date) < wallToUtcMs(today)) date = { ...date, year: date.year + 1 };
    if (when!.dateFromWeekday && sameDay(date, today) && kind !== 'ambiguous' && !isFuture(at(date, hour, minute), now)) date = addDays(date, 7);
    const preferred = at(date, hour, minute);
    if (kind === 'exact' || (kind === 'morning-default' && isFuture(preferred, now))) {
      if (isFuture(preferred, now)) return task(partial, iso(preferred, ctx), null);
      const options = [at(addDays(date, 1), hour, minute), at(today, 18)].filter((w) => isFuture(w, now));
      return ask(partial, t(ctx.locale, 'parse.ask.passed', { day: dayWords(date, now, ctx.locale), time: hhmm(preferred) }), options, ctx, now);
    }
    const candidates = [preferred, at(date, hour + 12, minute)].filter((w) => isFuture(w, now));
    if (kind === 'morning-default') candidates.push(at(addDays(date, 1), hour, minute));
    if (candidates.length === 1 && kind === 'ambiguous') return task(partial, iso(candidates[0]!, ctx), null);
    if (candidates.length === 0) {
      const options = [at(addDays(date, 1), hour, minute), at(addDays(date, 1), hour + 12, minute)];
      return ask(partial, t(ctx.locale, 'parse.ask.passed', { day: dayWords(date, now, ctx.locale), time: hhmm(preferred) }), options, ctx, now);
    }
    return ask(partial, t(ctx.locale, 'parse.ask.which'), candidates.slice(0, 2), ctx, now);
  }

  // a time without a day: the next such time, unless that is a guess
  if (kind === 'exact') {
    const todayAt = at(today, hour, minute);
    return task(partial, iso(isFuture(todayAt, now) ? todayAt : at(tomorrow, hour, minute), ctx), null);
  }
  if (kind === 'morning-default') {
    const morning = at(today, hour, minute);
    if (isFuture(morning, now)) return task(partial, iso(morning, ctx), null);
    const evening = at(today, hour + 12, minute);
    if (!isFuture(evening, now)) return task(partial, iso(at(tomorrow, hour, minute), ctx), null);
    return ask(partial, t(ctx.locale, 'parse.ask.which'), [evening, at(tomorrow, hour, minute)], ctx, now);
  }
  const candidates = [at(today, hour, minute), at(today, hour + 12, minute), at(tomorrow, hour, minute), at(tomorrow, hour + 12, minute)];
  return ask(partial, t(ctx.locale, 'parse.ask.which'), candidates.filter((w) => isFuture(w, now)).slice(0, 2), ctx, now);
}

function resolveRepeat(partial: PartialTask, when: When | null, repeat: Repeat, ctx: ParseContext, now: Wall): Task {
  const rule = partial.recurrence!;
  const first = (hour: number, minute: number) => firstOccurrence(withTime(rule, hour, minute), now);
  const time = when?.time ?? (when?.instant ? null : repeat.impliedTime);
  if (!time) {
    const options = [9, 14, 18].map((h) => first(h, 0)).filter((w): w is Wall => w !== null);
    return ask(partial, t(ctx.locale, 'parse.ask.when'), options, ctx, now);
  }
  const hours = when?.timeKind === 'ambiguous' && when.time ? [time.hour, time.hour + 12] : [time.hour];
  if (hours.length === 2) {
    const options = hours.map((h) => first(h, time.minute)).filter((w): w is Wall => w !== null);
    return ask(partial, t(ctx.locale, 'parse.ask.which'), options, ctx, now);
  }
  const due = first(time.hour, time.minute);
  if (!due) return ask(partial, t(ctx.locale, 'parse.ask.when'), [], ctx, now);
  return task(partial, iso(due, ctx), withTime(rule, time.hour, time.minute));
}

function iso(w: Wall, ctx: ParseContext): string {
  return formatIsoInZone(wallToInstant(w, ctx.timeZone), ctx.timeZone);
}

function task(partial: PartialTask, dueAt: string, recurrence: string | null): CreateTaskIntent {
  return {
    intent: 'create_task',
    title: partial.title,
    dueAt,
    recurrence,
    ...(partial.assignee ? { assignee: partial.assignee } : {}),
  };
}

function ask(partial: PartialTask, question: string, options: Wall[], ctx: ParseContext, now: Wall): ClarifyIntent {
  const seen = new Set<string>();
  const out: ClarifyOption[] = [];
  for (const w of [...options].sort((a, b) => wallToUtcMs(a) - wallToUtcMs(b))) {
    const value = iso(w, ctx);
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ label: optionLabel(w, now, ctx.locale), value });
  }
  return { intent: 'clarify', question, options: out, partial };
}

function hhmm(w: Wall): string {
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

function calendarDay(w: Wall, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(wallToUtcMs(at(w, 12))));
}

function dayWords(w: Wall, now: Wall, locale: Locale): string {
  if (sameDay(w, now)) return t(locale, 'parse.day.today');
  if (sameDay(w, addDays(now, 1))) return t(locale, 'parse.day.tomorrow');
  return t(locale, 'parse.day.on', { day: calendarDay(w, locale) });
}

/** A button label: "today 18:00", "tomorrow 09:00", "Mon, 16 Mar 09:00". */
export function optionLabel(w: Wall, now: Wall, locale: Locale): string {
  const time = hhmm(w);
  if (sameDay(w, now)) return t(locale, 'parse.option.today', { time });
  if (sameDay(w, addDays(now, 1))) return t(locale, 'parse.option.tomorrow', { time });
  return t(locale, 'parse.option.day', { day: calendarDay(w, locale), time });
}

/**
 * Completes a clarify intent with the option the user chose: the create_task it means.
 * For a recurring reminder the chosen time becomes BYHOUR/BYMINUTE of the rule.
 */
export function resolveClarify(intent: ClarifyIntent, value: string): CreateTaskIntent {
  const wall = wallOfIso(value);
  if (!wall) throw invalid('invalid.date', { value });
  const recurrence = intent.partial.recurrence ? withTime(intent.partial.recurrence, wall.hour, wall.minute) : null;
  return task(intent.partial, value, recurrence);
}
