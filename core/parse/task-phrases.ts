// Reminders in plain language: "remind me tomorrow at 10 to call Ivan", "in 2 hours check
// the invoice", "напомни в пятницу в 15:00 отправить КП Ивану", "каждый понедельник в 9
// планёрка", and tasks without "remind": "call Maria at 17:30", "позвонить Ивану завтра".
// The time comes from the grammar of time-grammar.ts, read by time-resolve.ts; a time that
// is missing, ambiguous, impossible or not sure enough becomes a clarify intent with options.
import { invalid } from '../errors.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import type { ClarifyIntent, ClarifyOption, ClarifyReason, CreateTaskIntent, PartialTask } from './intent.js';
import { baseRule, findRepeat, firstOccurrence, withTime, type Repeat } from './recurrence.js';
import { mayMentionTime, parseTimeExpr, type Span, type TimeExpr } from './time-grammar.js';
import { resolveTimeExpr, type Resolution } from './time-resolve.js';
import { chronoFallback } from './chrono-fallback.js';
import { addDays, formatIsoInZone, sameDay, wallAt, wallOfIso, wallToInstant, wallToUtcMs, type Wall } from '../time/wall.js';

export interface ParseContext {
  now: Date;
  timeZone: string;
  locale: Locale;
}

const TRIGGER =
  /^(?:(?:please|пожалуйста)[\s,]+)?(?:(?<slash>\/(?:remind|task|todo|напомни|задача)(?:@\w+)?)|(?<remind>remind(?=[\s:,]|$)|напомни(?:те)?(?=[\s:,]|$)|напомнить|напоминание)|set\s+(?:a\s+)?reminder|add\s+(?:a\s+)?(?:task|reminder)|create\s+(?:a\s+)?(?:task|reminder)|new\s+(?:task|reminder)|reminder|to-?do|task|поставь\s+(?:задачу|напоминание)|создай\s+(?:задачу|напоминание)|добавь\s+(?:задачу|напоминание)|новая\s+задача|задача)(?:\s*:)?(?![\p{L}])/iu;

const LEADING_FILLER = /^(?:[\s,.:;!—–-]+|(?:me|мне|to|that|about|что|чтобы|о\s+том,?\s+что(?:бы)?)(?![\p{L}]))/iu;
const DANGLING_BEFORE = /(?:^|\s)(?:at|on|by|в|во|к|ко)\s*$/iu;
// a colleague: Telegram "@username", Slack "@U123" (from "<@U123>" / "<@U123|name>"), or a name
const MENTION = /^@[\w.]+/u;
const EN_NAME = /^(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)\s+(?:to|that|about)(?![\p{L}])/u;
const RU_NAME = /^(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)(?=\s+\p{Ll})/u;
const SLACK_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

// Without "remind", a message is a task when, once its time is taken out, it opens with an
// imperative or infinitive ("call Maria", "позвонить Ивану", "отправь КП") or a kind of task
const EN_VERBS = new Set(
  (
    'call ring phone email e-mail mail text message ping write send reply answer follow check review prepare prep draft finish submit sign pay invoice bill ' +
    'book schedule reschedule cancel confirm meet visit ask tell update discuss present demo show pick buy order deliver ship renew close contact reach ' +
    'get fix test talk chat sync plan print upload share post publish file report read research compare negotiate offer quote pitch collect return ' +
    'transfer wire deposit bring start run decide approve register apply attend join organize organise arrange invite thank congratulate onboard train ' +
    'hire interview calculate install configure deploy release backup archive sort remember go do make take drop chase nudge escalate verify clarify ' +
    'sync-up catch recap summarize summarise record log'
  ).split(' '),
);
const TASK_NOUNS = new Set(
  (
    'meeting call demo lunch dinner breakfast standup stand-up sync interview presentation webinar appointment deadline review follow-up followup 1:1 ' +
    'встреча звонок созвон планерка планёрка совещание обед ужин завтрак демо презентация собеседование вебинар дедлайн оплата отчет отчёт платеж платёж митинг стендап'
  ).split(' '),
);
const RU_INFINITIVE = /^\p{L}{2,}(?:ть|ться|ти|тись|чь|чься)$/u;
const RU_IMPERATIVE = /^(?:по|на|от|вы|пере|при|с|за|у|до|про|раз|рас|об|в|со|под|из)\p{L}{2,}(?:и|ь|й)(?:те)?(?:сь|ся)?$/u;
const NOT_TASK_OPENERS = /^(?:здравствуй|спасибо|привет|пожалуйста|извини|добр)/u;

// verbs that change something that exists ("перенеси звонок", "move the call") are not a new task
const EDIT_VERBS =
  /^(?:move|reschedule|postpone|cancel|delete|remove|change|update|shift|push|rename|перенес|перенест|перемест|передвин|сдвин|измени|изменит|поменя|отмени|отменит|удали|удалит|отлож|подними|поднят|снизь|снизит|увелич|уменьш)/u;
const isVerb = (w: string) => EN_VERBS.has(w) || RU_INFINITIVE.test(w) || RU_IMPERATIVE.test(w);

function looksLikeTask(rest: string): boolean {
  const words = rest.toLowerCase().match(/[\p{L}\d:-]+/gu) ?? [];
  const first = words[0];
  if (!first || NOT_TASK_OPENERS.test(first) || EDIT_VERBS.test(first)) return false;
  if (!(isVerb(first) || TASK_NOUNS.has(first))) return false;
  // two actions in one message ("… и подними сумму", "… and update the deal") are for the model, not one task
  for (let i = 1; i < words.length - 1; i++) if ((words[i] === 'и' || words[i] === 'and') && isVerb(words[i + 1]!) && words[i + 1]!.length > 3) return false;
  return true;
}

type Task = CreateTaskIntent | ClarifyIntent;

/** Whether the text opens with "remind", "напомни", "task:" or the like. */
export function hasTaskTrigger(text: string): boolean {
  return TRIGGER.test(text.trim());
}

const startsAt = (text: string, spans: Span[]) => spans.length > 0 && /^[\s,.:;!—–-]*$/u.test(text.slice(0, Math.min(...spans.map((s) => s.index))));

/** A reminder intent, or null when the text is not a reminder. */
export function parseTaskPhrase(input: string, ctx: ParseContext): Task | null {
  const nowWall = wallAt(ctx.now, ctx.timeZone);
  let text = input.trim().replace(SLACK_MENTION, '@$1');
  const trigger = TRIGGER.exec(text);
  if (trigger) text = text.slice(trigger[0].length);

  const repeat = findRepeat(text, nowWall);
  const repeatAtStart = repeat !== null && text.slice(0, repeat.index).trim() === '';
  if (repeat) text = cut(text, [{ index: repeat.index, end: repeat.end }]);

  const expr = parseTimeExpr(text, ctx.locale);
  const fallback = !expr && trigger && !repeat && mayMentionTime(text) ? chronoFallback(text, ctx.now, ctx.timeZone, ctx.locale) : null;
  const spans = expr?.spans ?? fallback?.spans ?? [];
  const whenAtStart = startsAt(text, spans);
  let rest = spans.length ? cut(text, spans) : text;

  if (!trigger) {
    // without "remind"/"напомни": a phrase that opens with its time or with a task verb, never a question
    if (/\?\s*$/.test(input) || (!expr && !repeat)) return null;
    if (!(repeatAtStart || whenAtStart || looksLikeTask(stripLeading(rest)))) return null;
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
  if (repeat) return resolveRepeat(partial, expr, repeat, ctx, nowWall);
  const resolution = expr ? resolveTimeExpr(expr, ctx.now, ctx.timeZone) : (fallback?.resolution ?? null);
  return fromResolution(partial, resolution, ctx, nowWall);
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

// a literal, not a spread: this runs a few dozen times per message
const at = (day: Wall, hour: number, minute = 0): Wall => ({ year: day.year, month: day.month, day: day.day, hour, minute });
const isFuture = (w: Wall, now: Wall) => wallToUtcMs(w) > wallToUtcMs(now);

function defaultOptions(ctx: ParseContext, now: Wall): Date[] {
  const today = at(now, 0);
  const tomorrow = addDays(today, 1);
  return [at(today, 18), at(tomorrow, 9), at(tomorrow, 18)]
    .filter((w) => isFuture(w, now))
    .slice(0, 2)
    .map((w) => wallToInstant(w, ctx.timeZone));
}

const QUESTIONS: Record<ClarifyReason, MessageKey> = {
  missing: 'parse.ask.when',
  ambiguous: 'parse.ask.which',
  unsure: 'parse.ask.confirm',
  passed: 'parse.ask.passed',
  invalid_time: 'parse.ask.invalid_time',
  invalid_date: 'parse.ask.invalid_date',
};

function fromResolution(partial: PartialTask, r: Resolution | null, ctx: ParseContext, now: Wall): Task {
  if (!r) return askAt(partial, 'missing', t(ctx.locale, 'parse.ask.when'), defaultOptions(ctx, now), null, 0, ctx, now);
  if (r.kind === 'sure') return task(partial, formatIsoInZone(r.at, ctx.timeZone), null, r.confidence);
  let question: string;
  let options = r.options;
  if (r.reason === 'missing' && r.day) question = t(ctx.locale, 'parse.ask.time_on_day', { day: dayWords(r.day, now, ctx.locale) });
  else if (r.reason === 'passed' && r.day) question = t(ctx.locale, 'parse.ask.passed', { day: dayWords(r.day, now, ctx.locale), time: hhmm(r.day) });
  else if ((r.reason === 'invalid_time' || r.reason === 'invalid_date') && r.value) question = t(ctx.locale, QUESTIONS[r.reason], { value: r.value });
  else if (r.reason === 'invalid_date') question = t(ctx.locale, 'parse.ask.invalid_date_plain');
  else question = t(ctx.locale, QUESTIONS[r.reason], { value: r.value ?? '' });
  if (options.length === 0) options = defaultOptions(ctx, now);
  return askAt(partial, r.reason, question, options, r.likely, r.confidence, ctx, now);
}

function resolveRepeat(partial: PartialTask, expr: TimeExpr | null, repeat: Repeat, ctx: ParseContext, now: Wall): Task {
  const rule = partial.recurrence!;
  const first = (hour: number, minute: number) => firstOccurrence(withTime(rule, hour, minute), now);
  const toDates = (walls: Array<Wall | null>) => walls.filter((w): w is Wall => w !== null).map((w) => wallToInstant(w, ctx.timeZone));
  if (expr?.invalid) return fromResolution(partial, resolveTimeExpr(expr, ctx.now, ctx.timeZone), ctx, now);
  const time = expr?.time ?? (expr?.offsetMinutes != null ? null : repeat.impliedTime);
  if (!time) return askAt(partial, 'missing', t(ctx.locale, 'parse.ask.when'), toDates([9, 14, 18].map((h) => first(h, 0))), null, 0, ctx, now);
  if (expr?.time?.kind === 'ambiguous') {
    return askAt(
      partial,
      'ambiguous',
      t(ctx.locale, 'parse.ask.which'),
      toDates([first(time.hour, time.minute), first(time.hour + 12, time.minute)]),
      null,
      0.5,
      ctx,
      now,
    );
  }
  const due = first(time.hour, time.minute);
  if (!due) return askAt(partial, 'missing', t(ctx.locale, 'parse.ask.when'), [], null, 0, ctx, now);
  return task(partial, iso(due, ctx), withTime(rule, time.hour, time.minute), expr?.conflicts ? 0.7 : 0.95);
}

function iso(w: Wall, ctx: ParseContext): string {
  return formatIsoInZone(wallToInstant(w, ctx.timeZone), ctx.timeZone);
}

function task(partial: PartialTask, dueAt: string, recurrence: string | null, confidence: number): CreateTaskIntent {
  return {
    intent: 'create_task',
    title: partial.title,
    dueAt,
    recurrence,
    ...(partial.assignee ? { assignee: partial.assignee } : {}),
    confidence,
  };
}

function askAt(
  partial: PartialTask,
  reason: ClarifyReason,
  question: string,
  options: Date[],
  likely: Date | null,
  confidence: number,
  ctx: ParseContext,
  now: Wall,
): ClarifyIntent {
  const seen = new Set<string>();
  const out: ClarifyOption[] = [];
  for (const d of [...options].sort((a, b) => a.getTime() - b.getTime())) {
    const value = formatIsoInZone(d, ctx.timeZone);
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ label: optionLabel(wallAt(d, ctx.timeZone), now, ctx.locale), value });
  }
  const intent: ClarifyIntent = { intent: 'clarify', question, options: out, partial, reason, confidence };
  return likely ? { ...intent, likely: formatIsoInZone(likely, ctx.timeZone) } : intent;
}

function hhmm(w: Wall): string {
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
function calendarDay(w: Wall, locale: Locale): string {
  let f = dayFormats.get(locale);
  if (!f) dayFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' })));
  return f.format(new Date(wallToUtcMs(at(w, 12))));
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
  return task(intent.partial, value, recurrence, 1);
}
