// A digest as readable plain text: complete on its own (the chart only repeats it), all words
// from the catalogs, money via formatMoney and dates via Intl in the recipient's time zone.
// Like every Reply it is plain text: each channel's sender escapes it for its own markup.
import { formatMoney, stageLabel, t, type Locale, type MessageKey, type Params } from '../i18n/index.js';
import type { Compared, Digest, FirstResponseStats, Interval, Listed, Money, TeamDigest, TodayDigest } from './digest.js';
import { localDateOf } from '../time/zoned.js';
import { renderValueSections } from './render-value.js';

export function renderDigestText(digest: Digest, locale: Locale): string {
  const r = new Renderer(locale, digest.recipient.timezone);
  return digest.kind === 'today' ? r.today(digest) : r.team(digest);
}

// stage labels live with the catalogs (core/i18n); here as the digests' other readers import them
export { stageLabel };

/** "12 min", "1 h 5 min", "2 d 3 h" from seconds. */
export function formatDuration(locale: Locale, seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return t(locale, 'digest.duration.seconds', { count: s });
  const minutes = Math.round(s / 60);
  if (minutes < 60) return t(locale, 'digest.duration.minutes', { count: minutes });
  if (minutes < 48 * 60) return t(locale, 'digest.duration.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  const hours = Math.round(minutes / 60);
  return t(locale, 'digest.duration.days', { days: Math.floor(hours / 24), hours: hours % 24 });
}

const BULLET = '  • ';

// Intl formatters are costly to build and cheap to reuse: one per locale, zone and shape
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: Locale, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone, ...options })));
  return f;
}
const percentFormats = new Map<Locale, Intl.NumberFormat>();
function percentFormat(locale: Locale): Intl.NumberFormat {
  let f = percentFormats.get(locale);
  if (!f) percentFormats.set(locale, (f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })));
  return f;
}

class Renderer {
  constructor(
    private readonly locale: Locale,
    private readonly timeZone: string,
  ) {}

  private t(key: MessageKey, params?: Params) {
    return t(this.locale, key, params);
  }

  private fmt(date: Date, options: Intl.DateTimeFormatOptions) {
    return dateFormat(this.locale, this.timeZone, { hourCycle: 'h23', ...options }).format(date);
  }

  private dayLabel(date: Date) {
    return this.fmt(date, { weekday: 'short', day: 'numeric', month: 'long' });
  }

  private sameLocalDay(a: Date, b: Date) {
    const x = localDateOf(a, this.timeZone);
    const y = localDateOf(b, this.timeZone);
    return x.year === y.year && x.month === y.month && x.day === y.day;
  }

  /** "15:00" today, else "Mon, 9 Mar, 15:00" */
  private when(date: Date, today: Date) {
    if (this.sameLocalDay(date, today)) return this.fmt(date, { hour: '2-digit', minute: '2-digit' });
    return this.fmt(date, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }

  private shortDate(date: Date) {
    return this.fmt(date, { day: 'numeric', month: 'short' });
  }

  private money(m: Money) {
    return formatMoney(this.locale, m.amount, m.currency);
  }

  /** "12 ▲3 (was 9)", "5 = ", "4 ▼1 (was 5)" */
  private compared(c: Compared, show: (n: number) => string = String) {
    return `${show(c.current)} ${this.delta(c.current - c.previous, (n) => show(n))}${c.current !== c.previous ? ` (${this.t('digest.was', { value: show(c.previous) })})` : ''}`;
  }

  private delta(diff: number, show: (n: number) => string = String) {
    if (diff > 0) return this.t('digest.delta.up', { delta: show(diff) });
    if (diff < 0) return this.t('digest.delta.down', { delta: show(-diff) });
    return this.t('digest.delta.same');
  }

  private list<T>(lines: string[], listed: Listed<T>, line: (item: T) => string) {
    for (const item of listed.items) lines.push(BULLET + line(item));
    const rest = listed.count - listed.items.length;
    if (rest > 0) lines.push(BULLET + this.t('digest.more', { count: rest }));
  }

  today(d: TodayDigest): string {
    const lines = [this.t('digest.today.title', { date: this.dayLabel(d.generatedAt) })];
    const now = d.generatedAt;
    const section = (head: string) => lines.push('', head);
    if (d.overdue.count) {
      section('⏰ ' + this.t('digest.today.overdue', { count: d.overdue.count }));
      this.list(lines, d.overdue, (i) => this.t('digest.today.task_item', { id: i.id, title: i.title, due: this.when(i.dueAt, now) }));
    }
    if (d.dueToday.count) {
      section('📅 ' + this.t('digest.today.due', { count: d.dueToday.count }));
      this.list(lines, d.dueToday, (i) => this.t('digest.today.task_item', { id: i.id, title: i.title, due: this.when(i.dueAt, now) }));
    }
    const lead = (i: TodayDigest['newLeads']['items'][number]) =>
      this.t('digest.today.lead_item', { id: i.id, title: i.title, source: this.t(`channel.${i.source}`), created: this.when(i.createdAt, now) });
    if (d.newLeads.count) {
      section('🆕 ' + this.t('digest.today.new_leads', { count: d.newLeads.count }));
      this.list(lines, d.newLeads, lead);
    }
    if (d.unassignedLeads?.count) {
      section('📭 ' + this.t('digest.today.unassigned', { count: d.unassignedLeads.count }));
      this.list(lines, d.unassignedLeads, lead);
    }
    if (d.staleDeals.count) {
      section('💤 ' + this.t('digest.today.stale', { count: d.staleDeals.count, days: d.staleDeals.days }));
      this.list(lines, d.staleDeals, (i) =>
        this.t('digest.today.deal_item', {
          id: i.id,
          title: i.title,
          amount: i.amount ? `, ${this.money(i.amount)}` : '',
          last: this.shortDate(i.lastActivityAt),
        }),
      );
    }
    if (lines.length === 1) lines.push('', this.t('digest.today.empty'));
    return lines.join('\n');
  }

  private periodLabel(p: Interval, daily: boolean) {
    const lastMoment = new Date(p.end.getTime() - 1);
    if (daily) return this.dayLabel(p.start);
    return dateFormat(this.locale, this.timeZone, { day: 'numeric', month: 'short' }).formatRange(p.start, lastMoment);
  }

  team(d: TeamDigest): string {
    const daily = d.kind === 'team_daily';
    const lines = [
      this.t(daily ? 'digest.team_daily.title' : 'digest.team_weekly.title', { period: this.periodLabel(d.period, daily) }),
      this.t('digest.compared_with', { period: this.periodLabel(d.previousPeriod, daily) }),
    ];
    const section = (head: string) => lines.push('', head);

    if (d.leadsTotal.current || d.leadsTotal.previous) {
      section('🆕 ' + this.t('digest.team.new_leads', { value: this.compared(d.leadsTotal) }));
      for (const s of d.leadsBySource)
        lines.push(BULLET + this.t('digest.team.source_item', { source: this.t(`channel.${s.source}`), value: this.compared(s) }));
    } else {
      section('🆕 ' + this.t('digest.team.no_leads'));
    }

    section('📊 ' + this.t('digest.team.funnel', { value: this.compared(d.openDeals) }) + ' ' + this.t('digest.team.funnel_note'));
    const stageItems = (stages: TeamDigest['funnel']) => {
      for (const s of stages) {
        const amounts = s.amounts.map((m) => this.money(m)).join(', ');
        lines.push(
          BULLET + this.t('digest.team.stage_item', { stage: stageLabel(this.locale, s.name), count: s.count, amounts: amounts ? ` — ${amounts}` : '' }),
        );
      }
    };
    if (d.pipelines && d.pipelines.length > 1) {
      // several pipelines: each its own funnel and its deals won in the period
      for (const p of d.pipelines) {
        lines.push(
          '',
          `${this.t('digest.team.pipeline', { name: p.name, value: p.open })}; ${this.t('digest.team.pipeline_won', { value: this.compared(p.won) })}`,
        );
        stageItems(p.stages);
      }
    } else {
      stageItems(d.funnel);
    }

    const c = d.conversion;
    section('🔁 ' + this.t('digest.team.conversion'));
    lines.push(BULLET + this.t('digest.team.conversion_leads', { value: this.compared(c.leads) }));
    lines.push(
      BULLET + this.t('digest.team.conversion_converted', { value: this.compared(c.converted), share: this.share(c.converted.current, c.leads.current) }),
    );
    lines.push(BULLET + this.t('digest.team.conversion_won', { value: this.compared(c.won), lost: this.compared(c.lost) }));

    if (d.wonAmount.length) {
      const values = d.wonAmount.map((w) =>
        this.compared({ current: Number(w.current), previous: Number(w.previous) }, (n) => formatMoney(this.locale, n, w.currency)),
      );
      section('💰 ' + this.t('digest.team.won_amount', { value: values.join('; ') }));
    } else {
      section('💰 ' + this.t('digest.team.won_none'));
    }

    section('⏱ ' + this.t('digest.team.first_response'));
    lines.push(BULLET + this.responseLine(d.firstResponse.current, d.firstResponse.previous));

    if (d.overdueByManager.length) {
      section('⚠️ ' + this.t('digest.team.overdue'));
      for (const m of d.overdueByManager) lines.push(BULLET + this.t('digest.team.overdue_item', { name: m.name, value: this.compared(m) }));
    } else {
      section(this.t('digest.team.overdue_none'));
    }
    if (d.value) lines.push(...renderValueSections(d.value, this.locale));
    return lines.join('\n');
  }

  private share(part: number, whole: number) {
    if (!whole) return this.t('digest.percent_none');
    return percentFormat(this.locale).format(part / whole);
  }

  private responseLine(cur: FirstResponseStats, prev: FirstResponseStats) {
    const dur = (n: number) => formatDuration(this.locale, n);
    const one = (key: 'digest.team.median' | 'digest.team.p90', a: number | null, b: number | null) => {
      if (a === null) return null;
      if (b === null) return this.t(key, { value: dur(a) });
      return this.t(key, { value: this.compared({ current: a, previous: b }, (n) => dur(n)) });
    };
    const parts = [one('digest.team.median', cur.median, prev.median), one('digest.team.p90', cur.p90, prev.p90)].filter(Boolean);
    const main = parts.length ? parts.join('; ') : this.t('digest.team.first_response_none');
    return cur.unanswered ? `${main}; ${this.t('digest.team.unanswered', { count: cur.unanswered })}` : main;
  }
}
